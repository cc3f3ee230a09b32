from rest_framework import serializers


class RecordAsOfSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="记录版本编号")
    key = serializers.UUIDField(help_text="记录编号（各版本相同）")
    version = serializers.IntegerField()
    kind = serializers.CharField(help_text="信息类别代码（record_kinds 规则集）")
    kind_name = serializers.CharField()
    subtype = serializers.CharField(allow_blank=True)
    status = serializers.CharField(help_text="in_effect 有效 / withdrawn 已撤回公示 / revoked 已撤销")
    severity = serializers.CharField(allow_blank=True, help_text="minor 轻微 / general 一般 / serious 严重")
    authority = serializers.CharField(help_text="决定机关")
    decision_no = serializers.CharField(allow_blank=True, help_text="决定书文号")
    decision_date = serializers.DateField()
    effective_from = serializers.DateField(allow_null=True)
    effective_until = serializers.DateField(allow_null=True)
    content = serializers.CharField(allow_blank=True)
    public = serializers.BooleanField(help_text="当日是否处于公示期")
    published_from = serializers.DateField(allow_null=True, help_text="公示起始日")
    publication_end = serializers.DateField(allow_null=True, help_text="公示截止期")
    withdrawn_on = serializers.DateField(allow_null=True)
    repaired_on = serializers.DateField(allow_null=True)
    known_since = serializers.DateTimeField(help_text="平台掌握此版本的时间")


class RecordsAsOfSerializer(serializers.Serializer):
    subject = serializers.IntegerField()
    on = serializers.DateField(help_text="查询日期：当日终了时平台掌握的记录")
    records = RecordAsOfSerializer(many=True)


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()
    review = serializers.CharField(help_text="pending 待审核 / approved 已生效 / rejected 已退回")
    is_current = serializers.BooleanField()
    status = serializers.CharField()
    severity = serializers.CharField(allow_blank=True)
    decision_no = serializers.CharField(allow_blank=True)
    decision_date = serializers.DateField()
    content = serializers.CharField(allow_blank=True)
    public = serializers.BooleanField(help_text="此版本是否公示")
    published_from = serializers.DateField(allow_null=True)
    publication_end = serializers.DateField(allow_null=True)
    withdrawn_on = serializers.DateField(allow_null=True)
    withdrawal_reason = serializers.CharField(allow_blank=True)
    repaired_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField(help_text="本版本原因（录入、更正、撤回……）")
    entered_at = serializers.DateTimeField()
    checked_at = serializers.DateTimeField(allow_null=True)
    effective_at = serializers.DateTimeField(allow_null=True)
    superseded_at = serializers.DateTimeField(allow_null=True)
