"""The 信用修复告知书 sent to the subject's own accounts when its adverse record is approved: the
electronic side of 「两书同达」 (the paper one is printed from the record's page and served with
the decision). Sent once, for the record's first approved version; a correction is not news."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail

from legalcredit.accounts.selectors import subject_accounts
from legalcredit.records.models import CreditRecord

from ..selectors import repair_notice, serves_repair_notice


def serve(record_ids: list[int]) -> int:
    """E-mail each newly approved adverse record's notice to the accounts that act for its subject;
    how many e-mails went."""
    records = [r for r in CreditRecord.objects.filter(pk__in=record_ids, is_current=True, review="approved",
                                                      version=1).select_related("subject")
               if serves_repair_notice(r)]
    if not records:
        return 0
    accounts: dict[int, list[str]] = {}
    for user in subject_accounts({r.subject_id for r in records}):
        accounts.setdefault(user.officer.subject_id, []).append(user.email)
    mails = [(f"【公共法律服务信用监管平台】信用修复告知书（{r.decision_no or r.number}）", repair_notice(r),
              settings.DEFAULT_FROM_EMAIL, [email])
             for r in records for email in accounts.get(r.subject_id, [])]
    if mails:
        send_mass_mail(mails, fail_silently=True)
    return len(mails)
