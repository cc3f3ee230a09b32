from rest_framework import serializers


class RatingSubmitSerializer(serializers.Serializer):
    subject = serializers.DictField(
        child=serializers.CharField(), help_text="评价对象，三者之一：{\"uscc\": …} | {\"id_number\": …} | {\"license_no\": …}")
    service = serializers.CharField(help_text="服务事项代码（satisfaction 规则集 services）：consultation 法律咨询、"
                                              "notarization 公证、appraisal 司法鉴定、legal_aid 法律援助 …")
    service_ref = serializers.CharField(max_length=64, help_text="办件编号：同一渠道的同一办件只能评价一次")
    served_on = serializers.DateField(help_text="服务日期")
    level = serializers.IntegerField(help_text="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="评价意见（差评必填）")
    rater_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    rater_contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=100,
                                          help_text="差评回访用的联系电话（加密保存）")


class RatingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField(help_text="评价对象名称")
    service = serializers.CharField()
    service_ref = serializers.CharField()
    served_on = serializers.DateField()
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    follow_up = serializers.CharField(help_text="差评回访：open 待回访核实、done 已办结；非差评为空")
    deadlines = serializers.ListField(child=serializers.DictField(), help_text="差评回访的期限")
