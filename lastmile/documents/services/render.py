"""Rendering without storing: the 文书字号, a preview PDF, and a case's document elements."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from lastmile.accounts.models import Court, User
from lastmile.accounts.selectors import clerk_of
from lastmile.cases.models import Case

from ..conf import documents_setting
from ..context import case_context, case_officer, court_context, json_safe
from ..markup import cn_num
from ..models import DocumentTemplate
from ..rendering import render_document
from ..seal import signature_port
from .templates import template_get, template_version_current


def _missing_elements(template: DocumentTemplate, context: dict[str, Any]) -> list[str]:
    return [key for key in template.required if context.get(key) in (None, "", [], {})]


def document_number(case: Case, series_index: int) -> str:
    """文书字号: the case number; the n-th document of a numbered series in the same case is
    ``案号之(n-1)`` (e.g. （2025）湘0104执12号之一). UNVERIFIED practice, switchable with
    ``LASTMILE["DOCUMENTS"]["SERIES_SUFFIX"]``."""
    if series_index <= 1 or not documents_setting("SERIES_SUFFIX"):
        return case.number
    return f"{case.number}之{cn_num(series_index - 1)}"


def document_render(
    template_code: str,
    context: dict[str, Any],
    *,
    now: datetime,
    court: Court | None = None,
    number: str = "",
    sealed: bool = False,
) -> bytes:
    """Render a template to PDF bytes without storing anything (previews, tests, the bench).

    ``context`` is the full set of elements; for a case use :func:`case_document_context`."""
    template = template_get(template_code)
    version = template_version_current(template, court)
    court_name = court.name if court else context.get("court", {}).get("name", "")
    seal = signature_port().mark(court_name=court_name, number=number) if sealed else None
    ctx = json_safe(context)
    if court is not None:
        ctx.setdefault("court", json_safe(court_context(court)))
    ctx.setdefault("doc", {"number": number, "date": now.date().isoformat(), "title": template.title})
    return render_document(
        body=version.body,
        context=ctx,
        title=template.title,
        number=number,
        court_name=court_name,
        timestamp=now,
        seal=seal,
    ).pdf


def _signer(case: Case, extra: dict[str, Any], actor: User | None, officer: User | None) -> User | None:
    """Who signs the document, as far as it is known: the case officer; when the caller names
    another signer (a trial judge as ``officer``), the issuing actor if it is that person; when the
    case has no officer, the issuing actor."""
    if "officer" in extra:
        named = (extra.get("officer") or {}).get("name", "")
        return actor if actor is not None and named and actor.name == named else None
    return officer if officer is not None else actor


def case_document_context(
    case: Case,
    extra: dict[str, Any] | None,
    *,
    number: str,
    title: str,
    now: datetime,
    actor: User | None = None,
    base: dict[str, Any] | None = None,
    officers: Mapping[int, User] | None = None,
) -> dict[str, Any]:
    """The case's elements + the caller's + the document's own (number, title, date). A caller's
    ``guarantor_ids`` (party ids) marks those debtors as guarantors (see :func:`case_context`).
    ``clerk`` is the 书记员 of the signer (:func:`_signer`) unless the caller gives one.

    ``base`` is :func:`case_context`'s result for this case and these ``guarantor_ids`` when the
    caller already has it (many documents of one case), ``officers`` what it prefetched
    (:func:`~lastmile.documents.context.officers_many`); neither changes the result."""
    extra = extra or {}
    if base is None:
        base = case_context(case, guarantor_ids=extra.get("guarantor_ids") or (), officers=officers)
    ctx = dict(base)  # shallow: only top-level keys are replaced below, and json_safe copies the rest
    if "clerk" not in extra:
        clerk = clerk_of(_signer(case, extra, actor, case_officer(case, officers)))
        ctx["clerk"] = clerk.name if clerk is not None else ""
    ctx.update(extra)
    ctx["doc"] = {"number": number, "title": title, "date": timezone.localtime(now).date().isoformat()}
    return json_safe(ctx)
