"""Lists people work from (issue M item 3): sorting by a whitelisted column, pagination with a
chosen page size and the true total, and the same rows exported to XLSX.

A list declares its :class:`Column` s once; the page, the sort links and the export all read
them, so what is exported is what is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone

from lastmile.core.error_codes import CoreErrorCode
from lastmile.core.errors import DomainError

PAGE_SIZES = (25, 50, 100, 200)
#: An export beyond this many rows is refused with a message to narrow the filters (never cut).
EXPORT_MAX = 100_000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Any], Any]
    sort: str = ""  # the model field (path) this column sorts by; empty: not sortable
    money: bool = False


@dataclass(frozen=True)
class Ordering:
    key: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key


def ordering_from(raw: str | None, columns: Sequence[Column], default: str) -> Ordering:
    """The ``sort`` parameter (``received`` or ``-received``) when it names a sortable column,
    else ``default``."""
    sortable = {c.key for c in columns if c.sort}
    for candidate in (raw or "", default):
        key = candidate.lstrip("-")
        if key in sortable:
            return Ordering(key, candidate.startswith("-"))
    raise ValueError(f"default sort {default!r} is not a sortable column")


def ordered(qs: QuerySet[Any], ordering: Ordering, columns: Sequence[Column]) -> QuerySet[Any]:
    field = next(c.sort for c in columns if c.key == ordering.key)
    prefix = "-" if ordering.descending else ""
    return qs.order_by(f"{prefix}{field}", f"{prefix}pk")


def page_of(qs: QuerySet[Any], params: QueryDict) -> Page:
    raw = params.get("per_page", "")
    per_page = int(raw) if raw.isdecimal() and int(raw) in PAGE_SIZES else PAGE_SIZES[0]
    return Paginator(qs, per_page).get_page(params.get("page"))


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal | int | float | date) or value is None:
        return value
    return str(value)


def xlsx_response(
    *, filename: str, title: str, columns: Sequence[Column], rows: Iterable[Any]
) -> HttpResponse:
    """The rows as an XLSX download: one header row, amounts as numbers shown ``#,##0.00``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([c.label for c in columns])
    for count, row in enumerate(rows, start=1):
        if count > EXPORT_MAX:
            raise DomainError(
                f"导出超过{EXPORT_MAX:,}行，请缩小筛选范围后再导出。", code=CoreErrorCode.EXPORT_TOO_LARGE
            )
        cells = []
        for c in columns:
            cell = WriteOnlyCell(sheet, value=_cell(c.value(row)))
            if c.money:
                cell.number_format = "#,##0.00"
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    out = BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    ascii_name = "export.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


_NOT_FILTERS = ("sort", "page", "per_page", "export")


def filter_query(params: QueryDict) -> str:
    """The request's filter parameters (without sort, page, page size and export) as a query string,
    for the sort, page and export links, so each keeps what the viewer filtered by."""
    q = params.copy()
    for key in _NOT_FILTERS:
        q.pop(key, None)
    for key in [k for k, v in q.lists() if not any(v)]:
        q.pop(key)
    return q.urlencode()


def list_response(
    request: HttpRequest,
    qs: QuerySet[Any],
    *,
    columns: Sequence[Column],
    default_sort: str,
    export_name: str,
    template: str,
    context: dict[str, Any],
    partial: str = "",
    query: str | None = None,
) -> HttpResponse:
    """One list page: ``qs`` (already filtered and scoped to the viewer) sorted by the ``sort``
    parameter, either as the XLSX export of every row (``export=xlsx``) or as one page of the chosen
    size with the true total. The template includes ``web/_list_toolbar.html``, ``web/_list_head.html``
    and ``web/_list_pager.html``; ``partial`` is rendered alone for htmx requests. ``query`` is the
    filters as the view parsed them (for the sort, page and export links); by default the request's
    own filter parameters."""
    from django.contrib import messages
    from django.shortcuts import redirect, render

    from lastmile.core.clock import get_clock

    ordering = ordering_from(request.GET.get("sort"), columns, default_sort)
    qs = ordered(qs, ordering, columns)
    if query is None:
        query = filter_query(request.GET)
    if request.GET.get("export") == "xlsx":
        try:
            return xlsx_response(
                filename=f"{export_name}-{get_clock().today():%Y%m%d}.xlsx",
                title=export_name,
                columns=columns,
                rows=qs.iterator(chunk_size=2000),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(f"{request.path}?{query}")
    page = page_of(qs, request.GET)
    ctx = {
        **context,
        "page": page,
        "query": query,
        "ordering": ordering,
        "columns": columns,
        "per_page": page.paginator.per_page,
        "page_sizes": PAGE_SIZES,
    }
    htmx = bool(getattr(request, "htmx", False))
    return render(request, partial if (partial and htmx) else template, ctx)


def param_int(raw: str | None) -> int | None:
    """A filter's whole number; anything else is no filter (never an error page)."""
    return int(raw) if raw and raw.isdecimal() and len(raw) < 12 else None


def param_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def param_amount(raw: str | None) -> Decimal | None:
    try:
        value = Decimal((raw or "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and abs(value) < Decimal("1e15") else None
