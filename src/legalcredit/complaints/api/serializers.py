from rest_framework import serializers


class ComplaintIntakeSerializer(serializers.Serializer):
    subject = serializers.DictField(
        child=serializers.CharField(), help_text="被投诉对象，三者之一：{\"uscc\": …} | {\"id_number\": …} | {\"license_no\": …}")
    channel = serializers.CharField(default="web_12348", help_text="投诉渠道代码（complaints 规则集 channels），默认 web_12348")
    referred_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    received_on = serializers.DateField(required=False, help_text="平台收到投诉的日期，默认今天；受理审查期限自此起算")
    complainant_name = serializers.CharField(max_length=100)
    complainant_contact = serializers.CharField(max_length=100, help_text="联系电话，用于告知受理和处理结果")
    interest = serializers.CharField(max_length=200, help_text="与投诉事项的利害关系")
    facts = serializers.CharField()
    requests = serializers.CharField(required=False, allow_blank=True, default="")
    known_on = serializers.DateField(required=False, allow_null=True, default=None)


class ComplaintProgressSerializer(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField(required=False, help_text="只在提交时返回一次，转告投诉人用于查询进度")
    subject = serializers.CharField(help_text="被投诉对象名称")
    stage = serializers.CharField()
    stage_name = serializers.CharField()
    received_on = serializers.DateField()
    deadlines = serializers.ListField(child=serializers.DictField())
    progress = serializers.ListField(child=serializers.DictField())
