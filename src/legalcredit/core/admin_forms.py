"""Admin forms whose save goes through a service function.

Business rules live in services; the admin must not bypass them with a plain
``Model.save()``. These forms call the service from ``_post_clean`` (the admin
runs the whole request in one transaction), so a rule failure becomes a form
error next to the field it names, and nothing is half-written.

Subclasses define ``apply(self, cleaned_data)``: call the service, return the
saved instance.
"""
from __future__ import annotations

from contextlib import contextmanager

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


class ServiceModelForm(forms.ModelForm):
    reason = forms.CharField(label="变更原因", required=True,
                             widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                             help_text="每一项登记或变更都须说明原因，记入变更历史")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def _post_clean(self):
        if self.errors:
            return
        try:
            saved = self.apply(self.cleaned_data)
        except ValidationError as exc:
            self._add_service_errors(exc)
            return
        model = self._meta.model
        if type(saved) is not model and model._meta.proxy:
            # Services return the concrete model; the admin needs its own (proxy) class
            # to build the URLs it redirects to.
            saved = model._base_manager.get(pk=saved.pk)
        self.instance = saved

    def _add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, errors in exc.error_dict.items():
            target = field if field in self.fields else None
            for err in errors:
                message = " ".join(err.messages)
                self.add_error(target if field != NON_FIELD_ERRORS else None, message)


@contextmanager
def refusals_on(form: forms.Form):
    """Around a service call from a custom admin page: a refusal (no permission, a broken rule)
    becomes the form's error, shown above it, and the page is drawn again; what follows the call
    inside the block (the message, the redirect) runs only when it succeeded."""
    try:
        yield
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form.add_error(None, "；".join(exc.messages))


class RequestFormMixin:
    """ModelAdmin mixin that hands the request to a ServiceModelForm (for the actor)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class RequestForm(form):
            def __init__(self, *a, **kw):
                kw["request"] = request
                super().__init__(*a, **kw)

        return RequestForm


class DateInput(forms.DateInput):
    """The browser's date picker, which takes and shows ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A period for the back office's statistics pages, first day and last day included."""

    start = forms.DateField(label="自", widget=DateInput)
    end = forms.DateField(label="至", widget=DateInput)

    def __init__(self, *args, start_label: str = "自", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].label = start_label

    def clean(self):
        d = super().clean()
        if d.get("start") and d.get("end") and d["start"] > d["end"]:
            self.add_error("end", "结束日期不能早于开始日期")
        return d


def form_page(model_admin, request, form: forms.Form, title: str, submit_label: str = "提交", intro="",
              opts=None):
    """The back office's page of one form (a step, a decision, a registration) in the frame of
    ``model_admin``'s pages: title, an introduction, the form and its button."""
    from django.shortcuts import render

    return render(request, "admin/evaluation/form.html", {
        **model_admin.admin_site.each_context(request), "form": form, "opts": opts or model_admin.model._meta,
        "title": title, "submit_label": submit_label, "intro": intro})
