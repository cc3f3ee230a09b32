from rest_framework import serializers

from legalcredit.accounts.policy import may_see_full_id_number

from ..models import Affiliation, Subject


def shown_id_number(subject, request) -> str | None:
    """A subject's ID number as the caller may see it: in full for a role that may, else masked."""
    if not subject.id_number:
        return None
    if request is not None and may_see_full_id_number(request.user):
        return subject.id_number
    return subject.masked_id_number


class SubjectSerializer(serializers.ModelSerializer):
    subject_type = serializers.CharField(source="subject_type.code")
    subject_type_name = serializers.CharField(source="subject_type.name")
    region = serializers.CharField(source="region.code")
    region_name = serializers.CharField(source="region.name")
    status = serializers.CharField(source="status.code")
    status_name = serializers.CharField(source="status.name")
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Subject
        fields = ["id", "kind", "name", "subject_type", "subject_type_name", "region",
                  "region_name", "status", "status_name", "status_since", "status_until", "uscc",
                  "license_no", "id_number", "gender", "license_issued_on", "license_valid_until"]

    def get_id_number(self, obj) -> str | None:
        return shown_id_number(obj, self.context.get("request"))


class AffiliationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")
    institution_name = serializers.CharField(source="institution.name")

    class Meta:
        model = Affiliation
        fields = ["id", "person", "person_name", "institution", "institution_name", "role",
                  "valid_from", "valid_to"]
