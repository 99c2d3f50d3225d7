"""Reads of batch filing. Staff see the batches of their own court (``filing.batch``); an
institution sees only its own batches. Anything else is simply not found."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import Case
from lastmile.core.errors import NotFound, PermissionDenied
from lastmile.parties.models import Party

from .models import InstitutionClient, InstitutionStaff, IntakeBatch, IntakeRow, LoanClaim, RowStatus


def batches_visible_to(actor: User) -> QuerySet[IntakeBatch]:
    require(actor, "filing.batch")
    if actor.court_id is None:
        return IntakeBatch.objects.none()
    return IntakeBatch.objects.filter(court_id=actor.court_id).select_related(
        "client", "court", "uploaded_by"
    )


def batch_get_for(*, actor: User, batch_id: int) -> IntakeBatch:
    batch = batches_visible_to(actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("批次不存在或您无权查看。")
    return batch


def batches_of_client(client: InstitutionClient) -> QuerySet[IntakeBatch]:
    return IntakeBatch.objects.filter(client=client).select_related("client", "court")


def batch_get_for_client(*, client: InstitutionClient, batch_id: int) -> IntakeBatch:
    batch = batches_of_client(client).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("批次不存在或您无权查看。")
    return batch


def is_institution_staff(user: Any) -> bool:
    """Whether ``user`` is a bank's staff login (机构经办人), whose start page and menu are its
    batches; :func:`institution_staff_for` then checks it may still act."""
    return hasattr(user, "institution_staff")


def institution_staff_for(user: Any) -> InstitutionStaff:
    """The institution staff login behind ``user``; anyone else (court staff, a party, a disabled
    login or institution) is refused."""
    pk = getattr(user, "pk", None)
    staff = None
    if pk is not None:
        staff = (
            InstitutionStaff.objects.filter(user_id=pk, active=True, client__active=True)
            .select_related("client", "client__party", "user")
            .first()
        )
    if staff is None:
        raise PermissionDenied("请使用金融机构经办人账号登录。")
    return staff


def batch_error_rows(batch: IntakeBatch) -> QuerySet[IntakeRow]:
    return IntakeRow.objects.filter(batch=batch, status=RowStatus.ERROR).order_by("row_number")


def batch_created_rows(batch: IntakeBatch) -> QuerySet[IntakeRow]:
    return (
        IntakeRow.objects.filter(batch=batch, case__isnull=False)
        .select_related("case")
        .order_by("row_number")
    )


def batch_cases(batch: IntakeBatch) -> QuerySet[Case]:
    """The cases a batch created, in row order (for the stages that follow: mediation, trial)."""
    return Case.objects.filter(loan_claim__batch=batch).order_by("seq")


def clients_for_court(court: Court) -> QuerySet[InstitutionClient]:
    return (
        InstitutionClient.objects.filter(courts=court, active=True).select_related("party").order_by("name")
    )


def loan_claim_for_case(case: Case) -> LoanClaim | None:
    return LoanClaim.objects.filter(case=case).select_related("client", "batch").first()


def loan_guarantor_ids(case: Case) -> list[int]:
    """The parties the bank's spreadsheet row names as the loan's guarantors (the ``guarantors``
    columns), for the batch-filed case or a case that grew from it (its 民初, 调确 or 调书 case,
    whose ``parent`` is the batch-filed one). Documents print them as 连带责任保证人. Empty when the
    case did not come from a spreadsheet."""
    row = IntakeRow.objects.filter(case_id__in=[case.pk, case.parent_id or 0]).order_by("pk").first()
    if row is None:
        return []
    wanted = [(g.get("id_type", ""), g.get("id_number", "")) for g in row.data.get("guarantors", [])]
    wanted = [w for w in wanted if w[1]]
    if not wanted:
        return []
    match = Q()
    for id_type, id_number in wanted:
        match |= Q(id_type=id_type, id_number=id_number)
    return list(Party.objects.filter(match).order_by("pk").values_list("pk", flat=True))


@dataclass(frozen=True)
class BatchSummary:
    id: int
    batch_id: str
    court: str
    client: str
    source: str
    status: str
    status_label: str
    message: str
    total_rows: int
    ok_rows: int
    error_rows: int
    created_cases: int
    progress_done: int
    progress_total: int
    percent: int
    finished: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def batch_summary(batch: IntakeBatch) -> BatchSummary:
    return BatchSummary(
        id=batch.pk,
        batch_id=batch.external_id,
        court=batch.court.code,
        client=batch.client.name,
        source=batch.source,
        status=batch.status,
        status_label=str(batch.get_status_display()),
        message=batch.message,
        total_rows=batch.total_rows,
        ok_rows=batch.ok_rows,
        error_rows=batch.error_rows,
        created_cases=batch.created_cases,
        progress_done=batch.progress_done,
        progress_total=batch.progress_total,
        percent=batch.percent,
        finished=batch.is_finished,
    )
