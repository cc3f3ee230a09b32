from rest_framework import serializers


class RepairApplySerializer(serializers.Serializer):
    subject = serializers.IntegerField(required=False, help_text="信用主体编号（机构、从业人员账号可省略，默认本人/本机构）")
    record = serializers.CharField(required=False, allow_blank=True, help_text="信用记录编号（12位）")
    list_entry = serializers.IntegerField(required=False, help_text="名单记录编号")
    statement = serializers.CharField(help_text="已纠正失信行为、履行法定义务的情况说明")
    commitment_content = serializers.CharField(required=False, allow_blank=True,
                                               help_text="信用修复承诺内容（可省略，使用标准承诺书文本）")


class ObjectionFileSerializer(serializers.Serializer):
    subject = serializers.IntegerField(required=False, help_text="信用主体编号（机构、从业人员账号可省略）")
    record = serializers.CharField(required=False, allow_blank=True, help_text="信用记录编号（12位）")
    list_entry = serializers.IntegerField(required=False, help_text="名单记录编号")
    grade = serializers.BooleanField(required=False, default=False, help_text="对信用等级提出异议")
    applicant_name = serializers.CharField(max_length=200, help_text="异议人")
    interest = serializers.CharField(max_length=200, help_text="与该信息的利害关系")
    contact = serializers.CharField(required=False, allow_blank=True, max_length=100)
    grounds = serializers.CharField(help_text="异议事实和理由")


class MaterialSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["proof", "letter", "other"], default="proof",
                                   help_text="proof 履行义务证明、letter 信用修复承诺书（签章）、other 其他")
    file = serializers.FileField(help_text="PDF、OFD、JPG 或 PNG，单个文件不超过规则规定的大小")


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.DictField())
    earliest = serializers.DateField(allow_null=True)


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    subject = serializers.IntegerField(source="subject_id")
    item = serializers.CharField()
    stage = serializers.CharField()
    stage_name = serializers.CharField(source="get_stage_display")
    reason = serializers.CharField()
    steps = serializers.ListField(child=serializers.DictField(), help_text="办理记录：日期、事项")
    deadlines = serializers.ListField(child=serializers.DictField(), help_text="期限：事项、截止日、状态")
    materials = serializers.ListField(child=serializers.DictField())
    notice = serializers.CharField(required=False, help_text="告知申请人的处理结果（异议）")


class CommitmentMakeSerializer(serializers.Serializer):
    subject = serializers.IntegerField(required=False, help_text="承诺人（信用主体编号；机构、从业人员账号省略，默认本人/本机构）")
    commitment_type = serializers.CharField(help_text="承诺类型代码：voluntary 主动型、self_discipline 行业自律型（本人可作出）；"
                                                      "approval_substitute、accept_missing、certification、other（由司法行政机关登记）")
    cause = serializers.CharField(help_text="承诺事由")
    content = serializers.CharField(help_text="承诺内容")
    liability = serializers.CharField(help_text="违诺责任")
    disclosure = serializers.CharField(help_text="公开类型：public 可向社会公开、limited 特定范围内公开、private 不可公开")
    accepting_unit = serializers.CharField(help_text="承诺受理单位")
    accepting_unit_uscc = serializers.CharField(required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True, help_text="承诺有效期至")


class CommitmentSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="承诺编码（20位）")
    subject = serializers.IntegerField(source="subject_id")
    commitment_type = serializers.CharField()
    type_name = serializers.CharField(source="get_commitment_type_display")
    cause = serializers.CharField()
    made_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    disclosure = serializers.CharField()
    accepting_unit = serializers.CharField()
    materials_due = serializers.DateField(allow_null=True, help_text="容缺受理材料补交期限")
    fulfilment = serializers.CharField()
    fulfilment_name = serializers.CharField(source="get_fulfilment_display")
    fulfilment_decided_on = serializers.DateField(allow_null=True)
    letter = serializers.CharField(help_text="承诺书全文（可打印签章）")
