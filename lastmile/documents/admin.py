"""Django admin for court admins: templates are edited by saving a new version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from lastmile.core.admin import ReadOnlyAdmin
from lastmile.core.clock import get_clock

from .models import BatchJob, Document, DocumentTemplate, TemplateVersion
from .services import template_body_check, template_version_create


class TemplateVersionInline(admin.TabularInline):
    model = TemplateVersion
    extra = 0
    can_delete = False
    fields = ("number", "court", "note", "created_at", "created_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TemplateEditForm(forms.ModelForm):
    new_body = forms.CharField(
        label="新版本正文", widget=forms.Textarea(attrs={"rows": 30, "cols": 100}), required=False
    )
    new_note = forms.CharField(label="修改说明", required=False, max_length=200)
    for_my_court_only = forms.BooleanField(label="仅适用于本院", required=False, initial=True)

    class Meta:
        model = DocumentTemplate
        fields = ("name", "title", "kind", "series", "required")

    def clean_new_body(self) -> str:
        body: str = self.cleaned_data.get("new_body") or ""
        if body:
            try:
                template_body_check(body)
            except Exception as exc:
                raise forms.ValidationError(str(exc)) from exc
        return body


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = TemplateEditForm
    list_display = ("code", "name", "title", "kind", "series")
    readonly_fields = ("code",)
    inlines = [TemplateVersionInline]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and "new_body" in form.base_fields:
            user = request.user
            court = getattr(user, "court", None)
            current = (
                obj.versions.filter(court=court).order_by("-number").first()
                or obj.versions.filter(court__isnull=True).order_by("-number").first()
            )
            form.base_fields["new_body"].initial = current.body if current else ""
        return form

    def save_model(self, request: HttpRequest, obj: DocumentTemplate, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        body = form.cleaned_data.get("new_body") or ""
        current = obj.versions.order_by("-created_at", "-number").first()
        if body and (current is None or body != current.body):
            user = request.user
            court = getattr(user, "court", None) if form.cleaned_data.get("for_my_court_only") else None
            template_version_create(
                template=obj,
                body=body,
                actor=user,  # type: ignore[arg-type]
                now=get_clock().now(),
                court=court,
                note=form.cleaned_data.get("new_note") or "",
            )


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ("template", "court", "number", "note", "created_at", "created_by")
    list_filter = ("court",)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "version", "case", "issued_at", "sha256")
    search_fields = ("number", "sha256")


@admin.register(BatchJob)
class BatchJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "template", "court", "status", "total", "created_at", "finished_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
