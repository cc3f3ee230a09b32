from rest_framework import serializers


class SubjectQuerySerializer(serializers.Serializer):
    uscc = serializers.CharField(required=False, allow_blank=True, help_text="统一社会信用代码")
    id_number = serializers.CharField(required=False, allow_blank=True, help_text="公民身份号码")
    license_no = serializers.CharField(required=False, allow_blank=True, help_text="执业证号")


class CheckRequestSerializer(serializers.Serializer):
    matter_type = serializers.CharField(help_text="事项类型代码：approval 行政审批、procurement 政府采购、bidding 招标投标、"
                                                  "awards 评先评优、funding 财政资金扶持、market_access 市场准入 …")
    purpose = serializers.CharField(help_text="核查用途（必填，记入审计日志）")
    on = serializers.DateField(required=False, help_text="核查基准日（默认今天）")
    subjects = SubjectQuerySerializer(many=True)


class ReceiptSerializer(serializers.Serializer):
    """A check's receipt as answered and as verified; the fields document it, ``services.receipt``
    writes it (DRF bound nine fields afresh for every check answered)."""

    receipt = serializers.UUIDField(source="pk")
    digest = serializers.CharField()
    answered_at = serializers.DateTimeField()
    unit = serializers.CharField()
    matter_type = serializers.CharField()
    purpose = serializers.CharField()
    on = serializers.DateField()
    query = serializers.SerializerMethodField(help_text="核查条件（公开验证时身份证号脱敏）")
    answer = serializers.JSONField(help_text="found、subject、grade、lists、measures（含法律依据）、flags、data_version")

    def get_query(self, check) -> dict:
        from ..services import asked
        return asked(check, masked=bool(self.context.get("public")))

    def to_representation(self, check) -> dict:
        from ..services import receipt
        return receipt(check, public=bool(self.context.get("public")))


class FeedbackSerializer(serializers.Serializer):
    measure = serializers.CharField()
    applied = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, help_text="未采取的须说明理由")


class FeedbackRateSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="核查单位")
    checks = serializers.IntegerField()
    triggered = serializers.IntegerField(help_text="触发的措施数")
    fed_back = serializers.IntegerField(help_text="已反馈的措施数")
    rate = serializers.FloatField(allow_null=True, help_text="触发—反馈率")
