from rest_framework import serializers


class LineSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="指标代码")
    indicator_name = serializers.CharField()
    category = serializers.CharField()
    record_id = serializers.IntegerField(help_text="依据记录（信用记录版本编号）")
    ref = serializers.CharField(help_text="决定书文号或记录编号")
    points = serializers.CharField(help_text="分值（扣分为负）")
    note = serializers.CharField(allow_blank=True)


class VetoSerializer(serializers.Serializer):
    veto = serializers.CharField()
    name = serializers.CharField()
    grade = serializers.CharField(help_text="等级不高于")
    record_id = serializers.IntegerField()
    ref = serializers.CharField()


class SupervisionSerializer(serializers.Serializer):
    klass = serializers.CharField(help_text="optimized 优化监管 / routine 常规监管 / key 重点监管")
    label = serializers.CharField()
    sampling_rate = serializers.DecimalField(max_digits=5, decimal_places=4)
    yearly_cap = serializers.IntegerField()
    honor_candidate = serializers.BooleanField()
    watch_candidate = serializers.BooleanField()


class GradeSerializer(serializers.Serializer):
    subject = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["evaluated", "not_evaluated", "pending"],
                                    help_text="not_evaluated：没有适用的评价方案，不赋予默认等级")
    scheme = serializers.CharField(allow_null=True)
    scheme_version = serializers.CharField(allow_null=True)
    as_of = serializers.DateField(allow_null=True)
    base = serializers.CharField(allow_null=True)
    score = serializers.CharField(allow_null=True)
    score_grade = serializers.CharField(allow_null=True)
    grade = serializers.CharField(allow_null=True)
    grade_name = serializers.CharField(allow_null=True)
    stored = serializers.BooleanField(help_text="false：按历史日期临时计算，未保存")
    supervision = SupervisionSerializer(allow_null=True)
    lines = LineSerializer(many=True)
    vetoes = VetoSerializer(many=True)
    flags = serializers.ListField(child=serializers.DictField(), help_text=(
        "异议处理中（under_objection）、信用修复申请办理中（under_repair）、违反信用承诺拟撤销（commitment_breached）"
        "的信息：类别、案件编号、起始日、对象（记录编号、名单记录或信用等级）"))


class DistributionSerializer(serializers.Serializer):
    subject_type = serializers.CharField()
    region = serializers.CharField()
    scheme = serializers.CharField()
    grade = serializers.CharField()
    count = serializers.IntegerField()


class PublicForensicGradeSerializer(serializers.Serializer):
    institution = serializers.CharField(help_text="司法鉴定机构名称")
    uscc = serializers.CharField(help_text="统一社会信用代码")
    region = serializers.CharField(help_text="所在行政区划名称")
    region_code = serializers.CharField()
    year = serializers.IntegerField(help_text="评估年度")
    round = serializers.CharField(help_text="年度评估 / 重新评估（重大事项）")
    grade = serializers.CharField(help_text="审定等级")
    grade_name = serializers.CharField()
    stage = serializers.CharField(help_text="publicity 公示中 / published 已公布")
    stage_name = serializers.CharField()
    publicity_from = serializers.DateField()
    publicity_until = serializers.DateField()
    published_on = serializers.DateField(allow_null=True)
