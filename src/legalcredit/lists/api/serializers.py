from rest_framework import serializers

from legalcredit.registry.api.serializers import shown_id_number

from ..models import ListEntry


class MeasureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="incentive（激励）或 sanction（惩戒）")
    category = serializers.CharField()
    legal_basis = serializers.CharField()
    matters = serializers.SerializerMethodField(help_text="适用的行政事项类型代码")

    def get_matters(self, obj) -> list[str]:
        return sorted(obj.matters)


class ListTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    polarity = serializers.CharField(help_text="positive（守信激励）或 adverse（失信）")
    legal_basis = serializers.CharField()
    validity_months = serializers.IntegerField(help_text="列入有效期（月）")
    due_process = serializers.BooleanField(help_text="列入前须告知、陈述申辩（及听证）")
    statement_working_days = serializers.IntegerField(allow_null=True, help_text="陈述申辩期（工作日）")
    hearing_request_days = serializers.IntegerField(allow_null=True, help_text="申请听证期限（日）")
    removal = serializers.ListField(child=serializers.CharField(), help_text="移出方式")
    measures = MeasureSerializer(many=True, help_text="列入后适用的措施")


class ListedSubjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    subject_type = serializers.CharField(source="subject_type_id")
    uscc = serializers.CharField(allow_null=True)
    license_no = serializers.CharField(allow_null=True)
    id_number = serializers.SerializerMethodField(help_text="身份证号；无完整证件号查看权限时脱敏")

    def get_id_number(self, obj) -> str | None:
        return shown_id_number(obj, self.context.get("request"))


class EntrySerializer(serializers.ModelSerializer):
    list_name = serializers.SerializerMethodField()
    subject = ListedSubjectSerializer()
    in_force = serializers.SerializerMethodField(help_text="在查询日是否有效")

    class Meta:
        model = ListEntry
        fields = ["id", "list_code", "list_name", "subject", "role", "parent", "reasons", "legal_basis", "authority",
                  "authority_uscc", "decision_no", "decided_on", "listed_from", "listed_until", "published_on",
                  "removed_on", "removal", "removal_note", "in_force"]

    def get_list_name(self, obj) -> str:
        return self.context["list_names"].get(obj.list_code, obj.list_code)

    def get_in_force(self, obj) -> bool:
        day = self.context["on"]
        return (obj.listed_from is not None and obj.listed_from <= day <= obj.listed_until
                and (obj.removed_on is None or obj.removed_on > day))


class NoticeSerializer(serializers.ModelSerializer):
    """A case as its party sees it: what the notice said, the periods it gave, what the party has
    said, and the decision once made; nothing of who handled it inside the bureau."""

    list_name = serializers.SerializerMethodField()
    stage_name = serializers.CharField(source="get_stage_display")
    answers = serializers.SerializerMethodField(help_text="当事人现在可以办理的事项：statement（陈述申辩）、"
                                                          "request_hearing（申请听证）")

    class Meta:
        model = ListEntry
        fields = ["id", "list_code", "list_name", "stage", "stage_name", "reasons", "legal_basis", "authority",
                  "notice_served_on", "notice_text", "statement_due", "hearing_request_due", "statement",
                  "hearing_requested_on", "hearing_on", "decision_no", "decided_on", "decision_text", "listed_from",
                  "listed_until", "published_on", "removed_on", "removal", "answers"]

    def get_list_name(self, obj) -> str:
        return self.context["list_names"].get(obj.list_code, obj.list_code)

    def get_answers(self, obj) -> list[str]:
        from ..selectors import party_actions

        return party_actions(obj)


class StatementSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="陈述申辩意见：事实、理由，可提出从轻、减轻或不予列入的意见")
