import datetime as dt

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


_QUERY_KEYS = ("uscc", "id_number", "license_no")


def _text(value) -> str | None:
    """A string as a DRF CharField takes it (whitespace trimmed), or None where the field would
    refuse it or convert it (not a string, a NUL, a lone surrogate)."""
    if not isinstance(value, str) or "\x00" in value:
        return None
    try:
        value.encode()
    except UnicodeEncodeError:
        return None
    return value.strip()


def plain_request(data) -> dict | None:
    """What CheckRequestSerializer validates a plainly well-formed body to, or None for any other
    body (the serializer then gives the errors). A department's system sends checks by the
    thousand, and binding the serializer's fields, with its nested list, took a tenth of each
    check's CPU. A property test pins the two together."""
    if not isinstance(data, dict) or not isinstance(data.get("subjects"), list):
        return None
    out = {}
    for key in ("matter_type", "purpose"):
        out[key] = _text(data.get(key))
        if not out[key]:
            return None
    if "on" in data:
        on = data["on"]
        if not isinstance(on, str) or len(on) != 10:
            return None
        try:
            out["on"] = dt.date.fromisoformat(on)
        except ValueError:
            return None
    out["subjects"] = []
    for item in data["subjects"]:
        if not isinstance(item, dict):
            return None
        query = {}
        for key in _QUERY_KEYS:
            if key in item:
                query[key] = _text(item[key])
                if query[key] is None:
                    return None
        out["subjects"].append(query)
    return out


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


class WatchRequestSerializer(serializers.Serializer):
    matter_type = serializers.CharField(help_text="事项类型代码（同信用核查）")
    purpose = serializers.CharField(help_text="关注用途（必填，记入审计日志）")
    subjects = SubjectQuerySerializer(many=True)


class WatchEndSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="",
                                   help_text="结束关注的原因（可选，记入审计日志）")


class WatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.IntegerField(source="subject_id")
    subject_name = serializers.CharField(source="subject.name")
    matter_type = serializers.CharField()
    purpose = serializers.CharField()
    created_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    checked_at = serializers.DateTimeField(help_text="最近一次核查时间")
    answer = serializers.JSONField(help_text="最近一次核查答复（与信用核查的答复相同）")


class WatchEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="事件编号，递增；下次以 after=此编号 继续读取")
    watch = serializers.IntegerField(source="watch_id")
    subject = serializers.IntegerField(source="watch.subject_id")
    subject_name = serializers.CharField(source="watch.subject.name")
    matter_type = serializers.CharField(source="watch.matter_type")
    at = serializers.DateTimeField()
    changes = serializers.JSONField(help_text="变化：执业状态、信用等级、信用名单、应采取的措施、异议和修复标注、告知承诺")
    answer = serializers.JSONField(help_text="变化后的核查答复")


class PushAttemptSerializer(serializers.Serializer):
    delivery = serializers.UUIDField(help_text="推送编号（请求头 X-Legalcredit-Delivery）")
    at = serializers.DateTimeField()
    first_event = serializers.IntegerField()
    last_event = serializers.IntegerField()
    events = serializers.IntegerField()
    ok = serializers.BooleanField()
    status = serializers.IntegerField(allow_null=True, help_text="贵方系统返回的 HTTP 状态码")
    error = serializers.CharField(help_text="失败原因")


class PushEndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(help_text="推送地址（由司法行政机关登记）")
    created_at = serializers.DateTimeField()
    delivered_through = serializers.IntegerField(help_text="已推送至的事件编号：此后的事件尚未送达，也可从变动提醒接口读取")
    pending = serializers.IntegerField(help_text="等待推送的事件数")
    failures = serializers.IntegerField(help_text="连续失败次数")
    next_attempt_at = serializers.DateTimeField(allow_null=True, help_text="失败后下次重试时间")
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField()
    attempts = PushAttemptSerializer(many=True, help_text="最近20次推送")


class PushTestSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="贵方系统是否返回 2xx")
    message = serializers.CharField(help_text="结果说明；失败时为原因")
