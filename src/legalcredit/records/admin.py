import datetime as dt
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from legalcredit.accounts import policy
from legalcredit.core.admin_base import CodeFilter, ReadOnlyAdmin
from legalcredit.core.admin_forms import PeriodForm, form_page
from legalcredit.registry.admin import JurisdictionFilter

from . import importer, rules, selectors, services
from .forms import (BatchDecisionForm, CorrectionForm, DayForm, EntryForm, ExportForm, ImportForm,
                    WithdrawalForm)
from .models import CreditRecord, RecordImportBatch


def _officer(request) -> bool:
    """A bureau's or association's officer, as against an institution or practitioner reading its own."""
    return request.user.has_perm("records.add_creditrecord") or request.user.has_perm(services.CHECK_PERMISSION)


# What an institution or practitioner sees of its own record: the decision, its authority and its
# publication, not the bureau's workflow (who entered and checked it, the batch, the raw file).
SUBJECT_FIELDSETS = [
    ("版本", {"fields": ["key", "version", "effective_at", "superseded_at"]}),
]


def _local(moment) -> str:
    from django.utils import timezone

    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


# Versions one "approve selected" may take: each is its own transaction of a few milliseconds to
# a few tenths of a second (a suspension moves the registry), all inside the request.
SELECTED_MAX = 500
# Refusals listed one by one; the rest are counted (a message each would bury the page).
REFUSALS_SHOWN = 10


def _elapsed(start, end) -> str:
    """A job's duration in the words an officer reads (Django's timesince says "0 分钟" for 40 s)."""
    if not (start and end):
        return ""
    seconds = max(int((end - start).total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} 小时" if hours else "", f"{minutes} 分" if minutes else "",
             f"{seconds} 秒" if seconds or not (hours or minutes) else ""]
    return " ".join(p for p in parts if p)


def _decide(request, form, *, approve, reject) -> bool:
    """A checker's approve-or-return form, posted: runs the one asked for, which returns the
    message to show; a refusal goes on the form. True once decided."""
    if request.method != "POST" or not form.is_valid():
        return False
    note = form.cleaned_data["note"]
    try:
        message = reject(note) if "reject" in request.POST else approve(note)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        for text in exc.messages:
            form.add_error("note", text)
    else:
        messages.success(request, message)
        return True
    return False


class KindFilter(CodeFilter):
    title, parameter_name = "信息类别", "kind"

    def lookups(self, request, model_admin):
        return [(code, k.name) for code, k in rules.kinds().items()]



class MineFilter(admin.SimpleListFilter):
    """An officer's own entries, and those a checker returned that wait for their correction."""

    title, parameter_name = "我的工作", "mine"

    def lookups(self, request, model_admin):
        offered = []
        if request.user.has_perm(services.CHECK_PERMISSION):
            offered.append(("to_check", "待我审核的"))
        if request.user.has_perm("records.add_creditrecord"):
            offered += [("entered", "我录入的"), ("returned", "被退回待改正的")]
        return offered

    def queryset(self, request, queryset):
        if self.value() == "to_check":
            return selectors.awaiting_check_of(queryset, request.user)
        if self.value() == "entered":
            return queryset.filter(entered_by=request.user)
        if self.value() == "returned":
            return queryset.filter(pk__in=selectors.returned_to(request.user).values("pk"))
        return queryset


AUTHORITY_LEVELS = {"county": "县级", "city": "设区的市级", "province": "省级"}


class AuthorityLevelFilter(CodeFilter):
    title, parameter_name = "决定机关层级", "authority_level"

    def lookups(self, request, model_admin):
        return list(AUTHORITY_LEVELS.items())


class SubjectAreaFilter(JurisdictionFilter):
    """By the region of the record's subject (the officer's cities, or counties within a city)."""

    field = "subject__region"


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("decision_no", "subject", "kind_name", "subtype", "severity", "decision_date",
                    "review", "status", "public_now", "publication_end", "on_time", "version")
    list_filter = (MineFilter, KindFilter, "severity", "review", "status", "public", "on_time", SubjectAreaFilter,
                   AuthorityLevelFilter, "is_current", ("decision_date", admin.DateFieldListFilter))
    search_fields = ("decision_no", "subject__name", "authority", "subject__uscc")
    date_hierarchy = "decision_date"
    list_select_related = ("subject",)
    actions = ["approve_selected"]
    readonly_fields = ("publication_explained", "version_history", "details_shown", "kind_name",
                       "penalty_types_shown", "provision_shown", "warnings_shown", "authority_level_shown",
                       "repair_notice_link")
    fieldsets = [
        ("决定", {"fields": ["subject", "kind_name", "subtype", "severity", "status", "decision_no",
                           "decision_date", "effective_from", "effective_until", "content", "legal_basis",
                           "provision_shown", "penalty_types_shown", "fine_amount", "confiscation_amount",
                           "certificate", "warnings_shown"]}),
        ("决定机关与来源", {"fields": ["authority", "authority_uscc", "authority_level_shown", "source_unit",
                                "source_unit_uscc"]}),
        ("公示", {"fields": ["public", "publication_explained", "published_from", "min_publication_until",
                           "publication_end", "repair_from", "repair_notice_link", "published_on", "publication_working_days",
                           "on_time", "withdrawn_on", "withdrawal_reason", "reversal_date", "withdrawal_due",
                           "repaired_on", "reported_at"]}),
        ("版本与审核", {"fields": ["key", "version", "review", "is_current", "effective_at", "superseded_at",
                              "reason", "entered_by", "entered_at", "checked_by", "checked_at", "check_note",
                              "import_batch", "version_history"]}),
        ("双公示字段（原样）", {"classes": ["collapse"], "fields": ["details_shown"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if _officer(request):
            return self.fieldsets
        return [fs for fs in self.fieldsets if fs[0] in ("决定", "决定机关与来源", "公示")] + SUBJECT_FIELDSETS

    def has_check_permission(self, request):
        return request.user.has_perm(services.CHECK_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        coverage = [(code, k.name) for code, k in rules.kinds().items() if k.coverage is not None]
        return super().changelist_view(request, {**(extra_context or {}), "officer": _officer(request),
                                                 "may_export": _officer(request)
                                                 and policy.may_see_full_id_number(request.user),
                                                 "coverage": coverage})

    def lookup_allowed(self, lookup, value, request=None):
        # The batch list, the statistics and a subject's page link to records by these.
        return (lookup in ("import_batch__id__exact", "import_batch", "source_unit", "subject__id__exact")
                or super().lookup_allowed(lookup, value, request))

    @admin.display(description="决定机关层级")
    def authority_level_shown(self, obj):
        return AUTHORITY_LEVELS.get(obj.authority_level, "-")

    @admin.display(description="适用条款")
    def provision_shown(self, obj):
        found = rules.catalogue().provisions.get(obj.provision) if obj.provision else None
        return found.citation if found else obj.provision or "-"

    @admin.display(description="数据质量提示")
    def warnings_shown(self, obj):
        return format_html_join("", "<p>{}</p>", ((w,) for w in obj.warnings or [])) or "-"

    @admin.display(description="处罚类别（国家标准）")
    def penalty_types_shown(self, obj):
        return "、".join(obj.penalty_types or []) or "-"

    def get_queryset(self, request):
        return selectors.visible_records(policy.scope_for(request.user)).select_related("subject")

    @admin.display(description="双公示字段")
    def details_shown(self, obj):
        from legalcredit.core.sealing import unseal_fields
        from legalcredit.domain.identifiers.id_number import mask

        personal = rules.personal_codes()
        # Masked for everyone here: a full number is read on the practitioner's page, for a
        # stated purpose.
        shown = unseal_fields(obj.details or {}, personal)
        rows = ((k, mask(str(v or "")) if k in personal else v) for k, v in shown.items())
        return format_html("<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))

    @admin.display(description="信息类别")
    def kind_name(self, obj):
        return rules.kind_name(obj.kind)

    @admin.display(description="当前公示", boolean=True)
    def public_now(self, obj):
        from django.utils import timezone
        return obj.is_current and selectors.public_on(obj, timezone.localdate())

    @admin.display(description="信用修复告知书")
    def repair_notice_link(self, obj):
        from legalcredit.remedies.selectors import serves_repair_notice

        if obj.review != "approved" or not serves_repair_notice(obj):
            return "-"
        return format_html('<a href="{}" target="_blank">打印信用修复告知书</a>（与决定书一并送达）',
                           reverse("admin:records_repair_notice", args=[obj.pk]))

    @admin.display(description="公示期限说明")
    def publication_explained(self, obj):
        parts = [obj.publication_note]
        if obj.withdrawn_on:
            parts.append(f"{obj.withdrawn_on} 撤回公示，原因：{obj.withdrawal_reason}；"
                         f"应于 {obj.withdrawal_due} 前撤回")
        if obj.repaired_on:
            parts.append(f"已修复：{obj.repaired_on} 准予信用修复，公示自该日终止")
        from legalcredit.remedies.selectors import record_flags
        parts += record_flags([obj.key]).get(obj.key, [])
        if obj.publication_working_days is not None:
            parts.append(f"决定后第 {obj.publication_working_days} 个工作日公示"
                         f"（{'按时' if obj.on_time else '逾期' if obj.on_time is False else '不适用'}）")
        return format_html_join("", "<p>{}</p>", ((p,) for p in parts if p))

    @admin.display(description="版本历史")
    def version_history(self, obj):
        rows = selectors.versions(obj.key).select_related("entered_by", "checked_by")
        return format_html("<table><tr><th>版本</th><th>审核状态</th><th>记录状态</th><th>原因</th>"
                           "<th>录入</th><th>审核</th><th>生效</th><th>被取代</th></tr>{}</table>",
                           format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                                                "<td>{}</td><td>{}</td><td>{}</td></tr>",
                                            ((v.version, v.get_review_display(), v.get_status_display(),
                                              v.reason, v.entered_by or "", v.checked_by or "",
                                              _local(v.effective_at), _local(v.superseded_at)) for v in rows)))

    @admin.action(description="审核通过所选记录（不能审核本人录入的记录）", permissions=["check"])
    def approve_selected(self, request, queryset):
        """Each selected version approved as ``services.approve`` approves one, in its own
        transaction. "Select all" may span every page; past ``SELECTED_MAX`` the officer is sent
        to the batch's set-based decision, which does in a minute what this would take far longer to do."""
        pending = queryset.filter(review="pending")
        if pending.count() > SELECTED_MAX:
            self.message_user(request, f"所选待审核记录超过 {SELECTED_MAX} 条，未作处理。整批导入的记录请在"
                                       f"“导入批次”中审核本批次（整批处理）；或缩小筛选范围后分次审核", messages.ERROR)
            return
        done, refused = 0, []
        for rec in pending:
            try:
                services.approve(rec.pk, checker=request.user, note="后台审核通过")
                done += 1
            except (PermissionDenied, ValidationError) as exc:
                refused.append(f"{rec}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
        for text in refused[:REFUSALS_SHOWN]:
            self.message_user(request, text, messages.ERROR)
        if len(refused) > REFUSALS_SHOWN:
            self.message_user(request, f"另有 {len(refused) - REFUSALS_SHOWN} 条未能审核通过（仅列出前 {REFUSALS_SHOWN} 条的原因）", messages.ERROR)
        if done:
            self.message_user(request, f"已审核通过 {done} 条", messages.SUCCESS)

    def get_urls(self):
        return [path("enter/", self.admin_site.admin_view(self.enter_view), name="records_enter"),
                path("import/", self.admin_site.admin_view(self.import_view), name="records_import"),
                path("import/job/<uuid:pk>/", self.admin_site.admin_view(self.import_job_view),
                     name="records_import_job"),
                path("import/template/<str:kind>/", self.admin_site.admin_view(self.template_view),
                     name="records_import_template"),
                path("import/report/<str:name>/", self.admin_site.admin_view(self.report_view),
                     name="records_import_report"),
                path("export/", self.admin_site.admin_view(self.export_view), name="records_export"),
                path("export/job/<uuid:pk>/", self.admin_site.admin_view(self.export_job_view),
                     name="records_export_job"),
                path("export/job/<uuid:pk>/file/", self.admin_site.admin_view(self.export_file_view),
                     name="records_export_file"),
                path("timeliness/", self.admin_site.admin_view(self.timeliness_view), name="records_timeliness"),
                path("coverage/<str:kind>/", self.admin_site.admin_view(self.coverage_view), name="records_coverage"),
                path("as-of/<int:subject_id>/", self.admin_site.admin_view(self.as_of_view), name="records_as_of"),
                path("<int:pk>/correct/", self.admin_site.admin_view(self.correct_view), name="records_correct"),
                path("<int:pk>/review/", self.admin_site.admin_view(self.review_view), name="records_review"),
                path("<int:pk>/withdraw/", self.admin_site.admin_view(self.withdraw_view), name="records_withdraw"),
                path("<int:pk>/repair-notice/", self.admin_site.admin_view(self.repair_notice_view),
                     name="records_repair_notice"),
                *super().get_urls()]

    def repair_notice_view(self, request, pk):
        """信用修复告知书, to print and serve with the decision (「两书同达」); the subject reads it too."""
        from legalcredit.remedies.selectors import repair_notice, serves_repair_notice

        rec = get_object_or_404(self.get_queryset(request), pk=pk, review="approved")
        if not serves_repair_notice(rec):
            raise Http404("该信息不是由本机关作出的失信信息，没有信用修复告知书")
        return render(request, "admin/records/repair_notice.html", {"rec": rec, "text": repair_notice(rec)})

    def enter_view(self, request):
        """One record of any kind the officer may enter; pending until a checker approves it."""
        if not request.user.has_perm("records.add_creditrecord"):
            raise PermissionDenied
        profile = getattr(request.user, "officer", None)
        form = EntryForm(request.POST or None, scope=policy.scope_for(request.user),
                         unit=getattr(profile, "unit", "") or "")
        if request.method == "POST" and form.is_valid():
            try:
                rec = services.submit(form.cleaned_data["subject"], form.draft(), actor=request.user,
                                      reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                form.add_service_errors(exc.message_dict if hasattr(exc, "error_dict")
                                        else {"__all__": exc.messages})
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"已录入 {rec.number}（第{rec.version}版），待审核员审核后生效",
                                  messages.SUCCESS)
                return redirect(reverse("admin:records_creditrecord_change", args=[rec.pk]))
        return render(request, "admin/records/enter.html", {
            **self.admin_site.each_context(request), "form": form, "title": "录入信用信息",
            "opts": self.model._meta})

    def import_view(self, request):
        """The upload; the import itself runs in the background (``flows.run_import``)."""
        from . import flows

        if not request.user.has_perm("records.add_creditrecord"):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            job = flows.submit_import(d["file"], kind=d["kind"], actor=request.user, reason=d["reason"],
                                      register_unknown=d["register_unknown"])
            return redirect(reverse("admin:records_import_job", args=[job.pk]))
        return render(request, "admin/records/import.html", {
            **self.admin_site.each_context(request), "form": form,
            "title": "导入信用信息", "opts": self.model._meta,
            "template_kinds": list(importer.importable_kinds().items()),
            "jobs": selectors.import_jobs(request.user)[:10]})

    def import_job_view(self, request, pk):
        """One import as it runs and what came of it; the page reloads itself until it is done."""
        job = selectors.import_jobs(request.user).filter(pk=pk).first()
        if job is None:
            raise Http404
        return render(request, "admin/records/import_job.html", {
            **self.admin_site.each_context(request), "job": job, "progress": selectors.import_progress(job),
            "elapsed": _elapsed(job.started_at, job.finished_at),
            "kind_name": importer.importable_kinds().get(job.kind, job.kind),
            "title": f"导入信用信息：{job.source}", "opts": self.model._meta,
            "report_url": reverse("admin:records_import_report", args=[job.report]) if job.report else None})

    def template_view(self, request, kind):
        from . import templates

        if not request.user.has_perm("records.add_creditrecord"):
            raise PermissionDenied
        try:
            body = templates.blank_csv(kind)
        except importer.ImportRefused:
            raise Http404 from None
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="template-{kind}.csv"'
        return response

    def export_view(self, request):
        """双公示 data in the national format, for upload to the sharing platforms; the file is
        written in the background (``flows.run_export``) and offered on the job's page."""
        from . import flows

        if not (_officer(request) and policy.may_see_full_id_number(request.user)):
            raise PermissionDenied
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            job = flows.submit_export(kind=d["kind"], fmt=d["fmt"], since=d["since"],
                                      mark_reported=d["mark_reported"], purpose=d["purpose"], actor=request.user)
            return redirect(reverse("admin:records_export_job", args=[job.pk]))
        return render(request, "admin/records/export.html", {
            **self.admin_site.each_context(request), "form": form, "title": "导出双公示数据",
            "opts": self.model._meta, "jobs": selectors.export_jobs(request.user)[:10],
            "keep_days": settings.EXPORT_KEEP_DAYS})

    def export_job_view(self, request, pk):
        """One export as it runs; its file to download once written. The page reloads itself
        until then."""
        job = selectors.export_jobs(request.user).filter(pk=pk).first()
        if job is None:
            raise Http404
        return render(request, "admin/records/export_job.html", {
            **self.admin_site.each_context(request), "job": job, "progress": selectors.export_progress(job),
            "elapsed": _elapsed(job.started_at, job.finished_at), "keep_days": settings.EXPORT_KEEP_DAYS,
            "kind_name": "行政处罚" if job.kind == "penalty" else "行政许可",
            "title": "导出双公示数据", "opts": self.model._meta})

    def export_file_view(self, request, pk):
        """The file of one's own finished export, while it is kept. Each download is audited: it is
        where full ID numbers leave the platform."""
        from legalcredit.audit.models import AuditEntry
        from legalcredit.audit.services import record as audit

        from . import flows

        job = selectors.export_jobs(request.user).filter(pk=pk, state="done", file_removed_at__isnull=True).first()
        path = flows.export_path(job) if job and job.file else None
        if path is None or not path.exists():
            raise Http404
        audit(action=AuditEntry.Action.READ, actor=request.user, object_type="records.exportjob", object_id=job.pk,
              summary=f"下载导出文件 {job.file}（{job.rows} 条，含个人信息）", reason=job.purpose, request=request)
        return FileResponse(path.open("rb"), as_attachment=True, filename=job.file)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_amend = bool(obj and obj.is_current and obj.review == "approved"
                         and request.user.has_perm("records.change_creditrecord"))
        context.update(may_correct=may_amend, may_withdraw=may_amend and obj.status == "in_effect",
                       may_review=bool(obj and obj.review == "pending"
                                       and request.user.has_perm(services.CHECK_PERMISSION)))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def review_view(self, request, pk):
        """A checker approves or returns one pending version, with a note (a return needs one)."""
        if not request.user.has_perm(services.CHECK_PERMISSION):
            raise PermissionDenied
        rec = self.get_queryset(request).filter(pk=pk, review="pending").first()
        if rec is None:
            raise Http404
        form = BatchDecisionForm(request.POST or None)

        def approve(note):
            services.approve(rec.pk, checker=request.user, note=note)
            return f"{rec} 审核通过，已生效"

        def reject(note):
            services.reject(rec.pk, checker=request.user, note=note)
            return f"已退回 {rec}"

        if _decide(request, form, approve=approve, reject=reject):
            return redirect(reverse("admin:records_creditrecord_change", args=[rec.pk]))
        return render(request, "admin/records/review.html", {
            **self.admin_site.each_context(request), "form": form, "rec": rec, "title": f"审核：{rec}",
            "opts": self.model._meta, "record_url": reverse("admin:records_creditrecord_change", args=[rec.pk])})

    def _amend(self, request, pk, form_class, title: str, apply):
        """A correction or a withdrawal of the current version: a new version, pending review."""
        if not request.user.has_perm("records.change_creditrecord"):
            raise PermissionDenied
        rec = self.get_queryset(request).filter(pk=pk, is_current=True).first()
        if rec is None:
            raise Http404
        form = (form_class.for_record(rec, request.POST or None) if hasattr(form_class, "for_record")
                else form_class(request.POST or None))
        if request.method == "POST" and form.is_valid():
            try:
                new = apply(rec, form)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                for name, messages_ in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                    for message in messages_:
                        form.add_error(name if name in form.fields else None, message)
            else:
                self.message_user(request, f"已形成 {new}，待审核员审核后生效", messages.SUCCESS)
                return redirect(reverse("admin:records_creditrecord_change", args=[new.pk]))
        return form_page(self, request, form, f"{title}：{rec}", title, intro=format_html("<p>{}</p><p>{}</p>", rec.publication_note or "",                                  "提交后形成新版本，原版本保留；新版本经另一名审核员审核后生效。"))

    def correct_view(self, request, pk):
        def apply(rec, form):
            changes = form.changes(rec)
            if not changes:
                raise ValidationError("没有更改任何内容")
            return services.correct(rec.key, actor=request.user, reason=form.cleaned_data["reason"], **changes)
        return self._amend(request, pk, CorrectionForm, "更正", apply)

    def withdraw_view(self, request, pk):
        def apply(rec, form):
            d = form.cleaned_data
            return services.withdraw(rec.key, actor=request.user, reason=d["reason"], reversal_date=d["reversal_date"],
                                     revoked=d["revoked"])
        return self._amend(request, pk, WithdrawalForm, "撤回公示", apply)

    def as_of_view(self, request, subject_id):
        """A subject's records as the platform held them at the end of a past day, and which of
        them were public that day."""
        from django.utils import timezone

        from legalcredit.registry.selectors import visible_subjects

        if not request.user.has_perm("records.view_creditrecord"):
            raise PermissionDenied
        scope = policy.scope_for(request.user)
        subject = visible_subjects(scope).filter(pk=subject_id).first()
        if subject is None:
            raise Http404
        form = DayForm(request.GET or {"on": timezone.localdate()})
        snap = selectors.as_of(subject.pk, form.cleaned_data["on"], kinds=scope.record_kinds) if form.is_valid() else None
        names = {k: v.name for k, v in rules.kinds().items()}
        public = {r.id for r in snap.public} if snap else set()
        rows = [(r, names.get(r.kind, r.kind), r.id in public,
                 reverse("admin:records_creditrecord_change", args=[r.id])) for r in (snap.records if snap else [])]
        return render(request, "admin/records/as_of.html", {
            **self.admin_site.each_context(request), "form": form, "rows": rows, "subject": subject,
            "public_count": len(public), "title": f"{subject.name}：某日的信用记录", "opts": self.model._meta})

    def coverage_view(self, request, kind):
        """能力验证覆盖情况: which practising subjects have no record of a kind they should all have
        within the rule's years, per subject type and area."""
        from django.http import Http404
        from django.utils import timezone

        if not _officer(request):
            raise PermissionDenied
        report = selectors.coverage(kind, policy.scope_for(request.user), timezone.localdate())
        if report is None:
            raise Http404("该信息类别没有覆盖要求")
        return render(request, "admin/records/coverage.html", {
            **self.admin_site.each_context(request), "report": report, "opts": self.model._meta,
            "title": f"{report.kind_name}覆盖情况", "shown": selectors.UNCOVERED_SHOWN})

    def timeliness_view(self, request):
        """上报率、合规率、及时率 of 双公示 decisions, per source unit, for a period."""
        from django.utils import timezone

        if not _officer(request):
            raise PermissionDenied
        today = timezone.localdate()
        form = PeriodForm(request.GET or {"start": today.replace(month=1, day=1), "end": today},
                          start_label="决定日期自")
        rows, total = [], None
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            stats = selectors.dual_publication_timeliness(start, end, scope=policy.scope_for(request.user))
            changelist = reverse("admin:records_creditrecord_changelist")
            for t in stats:
                late = (f"{changelist}?source_unit={quote(t.unit)}&on_time__exact=0"
                        f"&decision_date__gte={start}&decision_date__lt={end + dt.timedelta(days=1)}")
                rows.append((t, late))
            if stats:
                total = selectors.Timeliness("合计", *(sum(getattr(t, f) for t in stats)
                                                     for f in ("decisions", "reported", "compliant", "on_time")))
        return render(request, "admin/records/timeliness.html", {
            **self.admin_site.each_context(request), "form": form, "rows": rows, "total": total,
            "title": "双公示及时性统计", "opts": self.model._meta,
            "deadline": rules.schemas()["penalty"].deadline_working_days})

    def report_view(self, request, name):
        # Only the officer whose import produced a report may download it.
        if not selectors.import_jobs(request.user).filter(report=Path(name).name).exists():
            raise Http404
        path = Path(settings.HOME) / "reports" / Path(name).name
        if not path.exists():
            raise Http404
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


class BatchWaitingFilter(admin.SimpleListFilter):
    title, parameter_name = "审核", "waiting"

    def lookups(self, request, model_admin):
        return [("mine", "待我审核的批次")] if request.user.has_perm(services.CHECK_PERMISSION) else []

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(pending__gt=0).exclude(created_by=request.user)
        return queryset


@admin.register(RecordImportBatch)
class RecordImportBatchAdmin(ReadOnlyAdmin):
    """Import batches waiting for a checker, and what became of each."""

    list_display = ("batch_no", "kind_shown", "source", "created_by", "created_at", "rows", "pending", "approved",
                    "rejected", "reason", "actions_shown")
    list_display_links = None
    list_filter = (BatchWaitingFilter,)
    search_fields = ("source",)

    def has_view_permission(self, request, obj=None):
        return _officer(request)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_queryset(self, request):
        return selectors.import_batches(policy.scope_for(request.user), request.user)

    @admin.display(description="批次", ordering="pk")
    def batch_no(self, obj):
        return f"#{obj.pk}"

    @admin.display(description="类别")
    def kind_shown(self, obj):
        kind = obj.kind.removeprefix("records.")
        return "演示数据" if kind == "demo" else importer.importable_kinds().get(kind, kind)

    @admin.display(description="待审核", ordering="pending")
    def pending(self, obj):
        return obj.pending

    @admin.display(description="已生效")
    def approved(self, obj):
        return obj.approved

    @admin.display(description="已退回")
    def rejected(self, obj):
        return obj.rejected

    @admin.display(description="导入原因")
    def reason(self, obj):
        return (obj.parameters or {}).get("reason", "")

    @admin.display(description="操作")
    def actions_shown(self, obj):
        records = reverse("admin:records_creditrecord_changelist") + f"?import_batch__id__exact={obj.pk}"
        links = [format_html('<a href="{}">查看记录</a>', records)]
        if obj.deciding:
            links.append(format_html('<a href="{}">审核处理中</a>',
                                     reverse("admin:records_recordimportbatch_decision", args=[obj.pk, obj.deciding])))
        elif obj.pending:
            links.append(format_html('<a href="{}">审核本批次</a>',
                                     reverse("admin:records_recordimportbatch_decide", args=[obj.pk])))
        return format_html_join(" · ", "{}", ((link,) for link in links))

    def get_urls(self):
        return [path("<int:pk>/decide/", self.admin_site.admin_view(self.decide_view),
                     name="records_recordimportbatch_decide"),
                path("<int:pk>/decision/<uuid:job>/", self.admin_site.admin_view(self.decision_view),
                     name="records_recordimportbatch_decision"), *super().get_urls()]

    def decide_view(self, request, pk):
        """Approve or return a whole batch: set-based, so a year's file is decided in one step,
        by the background worker (``flows.run_decision``); the decision's page follows it."""
        from . import flows

        batch = self.get_queryset(request).filter(pk=pk).first()
        if batch is None:
            raise Http404
        if not request.user.has_perm(services.CHECK_PERMISSION):
            raise PermissionDenied
        form = BatchDecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = flows.submit_decision(batch, checker=request.user, approve="reject" not in request.POST,
                                            note=form.cleaned_data["note"])
            except (PermissionDenied, flows.DecisionRefused) as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error("note", text)
            else:
                return redirect(reverse("admin:records_recordimportbatch_decision", args=[batch.pk, job.pk]))
        return render(request, "admin/records/decide_batch.html", {
            **self.admin_site.each_context(request), "form": form, "batch": batch,
            "kind": self.kind_shown(batch), "reason": self.reason(batch),
            "jobs": selectors.decision_jobs(batch)[:10],
            "records_url": reverse("admin:records_creditrecord_changelist") + f"?import_batch__id__exact={batch.pk}",
            "title": f"审核导入批次 #{batch.pk}", "opts": self.model._meta})

    def decision_view(self, request, pk, job):
        """One decision on a batch as the worker carries it out; the page reloads itself until
        it has finished."""
        batch = self.get_queryset(request).filter(pk=pk).first()
        job = selectors.decision_jobs(batch).filter(pk=job).first() if batch else None
        if job is None:
            raise Http404
        return render(request, "admin/records/decision_job.html", {
            **self.admin_site.each_context(request), "batch": batch, "job": job,
            "progress": selectors.decision_progress(job), "elapsed": _elapsed(job.started_at, job.finished_at),
            "kind": self.kind_shown(batch), "title": f"审核导入批次 #{batch.pk}", "opts": self.model._meta})
