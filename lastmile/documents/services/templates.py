"""Document templates and their versions: loading the built-in ones, an admin's new version, and
the version a court issues with."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.core.errors import NotFound, PermissionDenied

from ..catalog import TEMPLATES
from ..context import json_safe
from ..markup import TemplateBodyError, _env
from ..models import DocumentTemplate, TemplateVersion


def templates_ensure(*, now: datetime) -> int:
    """Load the built-in templates that are missing (version 1 of each). Idempotent; returns how
    many were added. Existing templates and their versions are never touched."""
    added = 0
    for spec in TEMPLATES:
        if DocumentTemplate.objects.filter(code=spec.code).exists():
            continue
        with transaction.atomic():
            template, created = DocumentTemplate.objects.get_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "title": spec.title,
                    "kind": spec.kind,
                    "series": spec.series,
                    "required": list(spec.required),
                    "sample": json_safe(spec.sample),
                },
            )
            if created:
                TemplateVersion.objects.create(
                    template=template,
                    court=None,
                    number=1,
                    body=spec.body,
                    note=BUILT_IN_NOTE,
                    created_at=now,
                )
                added += 1
    return added


BUILT_IN_NOTE = "内置模板"


def templates_update(*, now: datetime) -> int:
    """Bring an installation's built-in templates up to the code's text: each template whose latest
    platform-wide version is still a built-in text (never a superuser's edit) and differs from the
    catalog gets the catalog text as its next version, with the catalog's required elements and
    sample. Court versions, edited versions and issued documents are never touched (each document
    keeps its version). Returns how many templates got a new version."""
    updated = 0
    for spec in TEMPLATES:
        with transaction.atomic():
            template = DocumentTemplate.objects.select_for_update().filter(code=spec.code).first()
            if template is None:
                continue
            last = (
                TemplateVersion.objects.filter(template=template, court__isnull=True)
                .order_by("-number")
                .first()
            )
            if last is None or not last.note.startswith(BUILT_IN_NOTE) or last.body == spec.body:
                continue
            TemplateVersion.objects.create(
                template=template,
                court=None,
                number=last.number + 1,
                body=spec.body,
                note=f"{BUILT_IN_NOTE}（更新）",
                created_at=now,
            )
            DocumentTemplate.objects.filter(pk=template.pk).update(
                name=spec.name,
                title=spec.title,
                required=list(spec.required),
                sample=json_safe(spec.sample),
            )
            updated += 1
    return updated


def template_body_check(body: str) -> None:
    """Refuse a body Jinja cannot parse (the message says where)."""
    try:
        _env().parse(body)
    except Exception as exc:
        raise TemplateBodyError(f"模板正文有语法错误：{exc}", details={"error": str(exc)}) from exc


@transaction.atomic
def template_version_create(
    *,
    template: DocumentTemplate,
    body: str,
    actor: User | None,
    now: datetime,
    court: Court | None = None,
    note: str = "",
) -> TemplateVersion:
    """An admin's edit: a new immutable version (for one court, or for all when ``court`` is
    None and the actor is a superuser). Earlier documents keep the version they were issued with."""
    if actor is not None and not actor.is_superuser:
        require(actor, "config.edit", court=court)
        if court is None:
            raise PermissionDenied("只有系统管理员可以修改通用模板，法院管理员请保存为本院版本。")
    template_body_check(body)
    DocumentTemplate.objects.select_for_update().get(pk=template.pk)
    last = TemplateVersion.objects.filter(template=template, court=court).aggregate(n=Max("number"))["n"]
    return TemplateVersion.objects.create(
        template=template,
        court=court,
        number=(last or 0) + 1,
        body=body,
        note=note,
        created_at=now,
        created_by=actor,
    )


def template_get(code: str, *, now: datetime | None = None) -> DocumentTemplate:
    """The template called ``code``. Given ``now``, a built-in template an installation does not
    have yet (a fresh one, or one older than the template) is loaded first (:func:`templates_ensure`),
    so the acts that issue documents need not check."""
    template = DocumentTemplate.objects.filter(code=code).first()
    if template is None and now is not None and any(spec.code == code for spec in TEMPLATES):
        templates_ensure(now=now)
        template = DocumentTemplate.objects.filter(code=code).first()
    if template is None:
        raise NotFound(f"文书模板“{code}”不存在。", details={"template": code})
    return template


def template_version_current(template: DocumentTemplate, court: Court | None) -> TemplateVersion:
    """The court's latest version of the template, or else the latest platform version."""
    if court is not None:
        version = TemplateVersion.objects.filter(template=template, court=court).order_by("-number").first()
        if version is not None:
            return version
    version = (
        TemplateVersion.objects.filter(template=template, court__isnull=True).order_by("-number").first()
    )
    if version is None:
        raise NotFound(f"文书模板“{template.name}”没有可用版本。")
    return version
