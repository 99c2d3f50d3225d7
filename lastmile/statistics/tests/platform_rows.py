"""Rows of the financial-case platform, written in bulk (``bulk_create``): the rows the 岳麓 report
reads, and nothing else. Used by the report's tests (a handful of cases) and by
``bench/yuelu_report.py`` (17,631 cases); the report reads rows, so rows are the input under test.

A :class:`Dispute` says what happened to one platform case: filed when (by batch of a bank, or not),
its outcome and when the dispute closed, and the documents issued in its cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from lastmile.accounts.models import Court, User
from lastmile.cases.models import Case, CaseStatus
from lastmile.documents.models import Document, DocumentTemplate, TemplateKind, TemplateVersion
from lastmile.filing.models import InstitutionClient, IntakeBatch, LoanClaim
from lastmile.mediation.models import Agreement, Mediation, MediationStatus, ResultKind
from lastmile.trial.models import Judgment, Lawsuit, Procedure

# Outcomes: "mediating" (open), "confirmed" (司法确认), "statement" (调解书), "failed" (调解不成,
# not yet sued), "sued" (民初 filed, not judged), "judged" (民初 judged and closed), "in_suit" (民初
# filed, then mediated in the suit: an agreement and a 民事调解书 close it), "withdrawn".
OUTCOMES = ("mediating", "confirmed", "statement", "failed", "sued", "judged", "in_suit", "withdrawn")
SUED = ("sued", "judged", "in_suit")
TEMPLATES = {
    "pre_suit_notice": ("诉前调解告知书", TemplateKind.NOTICE),
    "judicial_confirmation_ruling": ("民事裁定书", TemplateKind.RULING),
    "mediation_statement": ("民事调解书", TemplateKind.MEDIATION),
    "loan_judgment": ("民事判决书", TemplateKind.JUDGMENT),
}


@dataclass
class Dispute:
    filed: datetime
    outcome: str = "mediating"
    client: InstitutionClient | None = None  # filed by this bank's batch; None = one by one
    batch: IntakeBatch | None = None
    days: int = 0  # filing → the dispute's closing (confirmed, statement, judged, withdrawn)
    hours: int = 0  # added to ``days``
    agreed_days: int | None = None  # filing → agreement (defaults to days - 1 for confirmed/statement)
    docs: Sequence[str] = ("pre_suit_notice",)  # on the platform case, besides the outcome's own
    court: Court | None = None
    amount: Decimal = Decimal("10000.00")
    cases: dict[str, Case] = field(default_factory=dict)


_numbers = itertools.count(1)


def templates_ensure() -> dict[str, tuple[DocumentTemplate, TemplateVersion]]:
    out = {}
    for code, (title, kind) in TEMPLATES.items():
        t, _ = DocumentTemplate.objects.get_or_create(
            code=code, defaults={"name": title, "title": title, "kind": kind}
        )
        v = t.versions.filter(court=None).order_by("-number").first()
        if v is None:
            v = TemplateVersion.objects.create(
                template=t, number=1, body="", created_at=datetime(2024, 1, 1).astimezone()
            )
        out[code] = (t, v)
    return out


def _case(
    court: Court, type_code: str, at: datetime, closed: datetime | None, parent: Case | None = None
) -> Case:
    n = next(_numbers)
    return Case(
        court=court,
        year=at.year,
        type_code=type_code,
        seq=n,
        number=f"（{at.year}）{court.code}{type_code}{n}号",
        status=CaseStatus.CLOSED if closed else CaseStatus.IN_PROGRESS,
        received_at=at,
        filed_at=at,
        closed_at=closed,
        closing_method="结案" if closed else "",
        amount_claimed=Decimal("10000.00"),
        parent=parent,
    )


def disputes_create(disputes: Sequence[Dispute], *, court: Court, mediator: User) -> None:
    """Write every row the report reads for ``disputes``, in bulk, stage by stage."""
    templates = templates_ensure()
    for d in disputes:
        d.court = d.court or court
        if d.outcome not in OUTCOMES:
            raise ValueError(d.outcome)
    # the platform cases
    origins = []
    for d in disputes:
        end = d.filed + timedelta(days=d.days, hours=d.hours)
        closed = {
            "mediating": None,
            "sued": d.filed + timedelta(days=1),
            "judged": d.filed + timedelta(days=1),
            "in_suit": d.filed + timedelta(days=1),
        }
        origin_closed = closed.get(d.outcome, d.filed + timedelta(days=1) if d.outcome == "failed" else end)
        if d.outcome in ("confirmed", "statement"):
            origin_closed = end
        d.cases["origin"] = _case(d.court, "民诉前调", d.filed, origin_closed)
        origins.append(d.cases["origin"])
    Case.objects.bulk_create(origins)
    LoanClaim.objects.bulk_create(
        [
            LoanClaim(
                case=d.cases["origin"],
                client=d.client,
                batch=d.batch,
                contract_no=f"HT{d.cases['origin'].pk}",
                loan_amount=d.amount,
                disbursed_on=(d.filed - timedelta(days=400)).date(),
                due_on=(d.filed - timedelta(days=35)).date(),
                principal=d.amount,
                claimed_total=d.amount,
                fee_estimate=Decimal("25.00"),
                created_at=d.filed,
            )
            for d in disputes
            if d.client is not None and d.batch is not None
        ]
    )
    # results (调确 / 调书) and suits (民初)
    results, suits = [], []
    for d in disputes:
        end = d.filed + timedelta(days=d.days, hours=d.hours)
        if d.outcome == "confirmed":
            d.cases["result"] = _case(d.court, "诉前调确", end, end, parent=d.cases["origin"])
            results.append(d.cases["result"])
        elif d.outcome == "statement":
            d.cases["result"] = _case(d.court, "诉前调书", end, end, parent=d.cases["origin"])
            results.append(d.cases["result"])
        elif d.outcome in SUED:
            at = d.filed + timedelta(days=1)
            d.cases["suit"] = _case(
                d.court, "民初", at, None if d.outcome == "sued" else end, parent=d.cases["origin"]
            )
            suits.append(d.cases["suit"])
    Case.objects.bulk_create(results + suits)
    mediations = []
    for d in disputes:
        if d.outcome == "withdrawn":
            continue
        status = {
            "mediating": MediationStatus.MEDIATING,
            "confirmed": MediationStatus.CONCLUDED,
            "statement": MediationStatus.CONCLUDED,
        }.get(d.outcome, MediationStatus.FAILED)
        result = d.cases.get("result")
        m = Mediation(
            case=d.cases["origin"],
            court=d.court,
            mediator=mediator,
            status=status,
            accepted_on=d.filed.date(),
            period_ends_on=(d.filed + timedelta(days=30)).date(),
            assigned_at=d.filed,
            closed_at=None if status == MediationStatus.MEDIATING else d.cases["origin"].closed_at,
            failure_reason="被申请人拒绝调解" if status == MediationStatus.FAILED else "",
            result_kind=(ResultKind.CONFIRMATION if d.outcome == "confirmed" else ResultKind.STATEMENT)
            if result
            else "",
            result_case=result,
        )
        d.cases["mediation"] = m  # type: ignore[assignment]
        mediations.append(m)
        if d.outcome == "in_suit":  # 诉中调解 of the 民初 case (its stage field defaults otherwise)
            m2 = Mediation(
                case=d.cases["suit"],
                court=d.court,
                mediator=mediator,
                status=MediationStatus.AGREED,
                accepted_on=(d.filed + timedelta(days=2)).date(),
                period_ends_on=(d.filed + timedelta(days=32)).date(),
                assigned_at=d.filed + timedelta(days=2),
            )
            if hasattr(m2, "stage"):
                m2.stage = "in_suit"
            d.cases["in_suit_mediation"] = m2  # type: ignore[assignment]
            mediations.append(m2)
    # documents: the platform case's own, then the outcome's
    docs: list[tuple[Dispute, Document]] = []
    for d in disputes:
        for i, code in enumerate(d.docs):
            docs.append(
                (d, _document(templates[code], d.cases["origin"], d.filed, index=1 + d.docs[:i].count(code)))
            )
        end = d.filed + timedelta(days=d.days, hours=d.hours)
        if d.outcome in ("confirmed", "statement"):
            code = "judicial_confirmation_ruling" if d.outcome == "confirmed" else "mediation_statement"
            doc = _document(templates[code], d.cases["result"], end)
            d.cases["result_doc"] = doc  # type: ignore[assignment]
            docs.append((d, doc))
        elif d.outcome == "in_suit":
            docs.append((d, _document(templates["mediation_statement"], d.cases["suit"], end)))
        elif d.outcome == "judged":
            doc = _document(templates["loan_judgment"], d.cases["suit"], end)
            d.cases["judgment_doc"] = doc  # type: ignore[assignment]
            docs.append((d, doc))
    Document.objects.bulk_create([doc for _, doc in docs])
    for d in disputes:
        if "result_doc" in d.cases:
            d.cases["mediation"].result_document = d.cases["result_doc"]  # type: ignore[attr-defined]
    Mediation.objects.bulk_create(mediations)
    Agreement.objects.bulk_create(
        [
            Agreement(
                mediation=d.cases["mediation"],  # type: ignore[misc]
                agreed_on=(
                    d.filed + timedelta(days=d.agreed_days if d.agreed_days is not None else d.days - 1)
                ).date(),
                total=d.amount,
                terms=["被申请人分期偿还"],
                created_at=d.filed,
            )
            for d in disputes
            if d.outcome in ("confirmed", "statement") or d.agreed_days is not None
        ]
        + [
            Agreement(
                mediation=d.cases["in_suit_mediation"],  # type: ignore[misc]
                agreed_on=(d.filed + timedelta(days=d.days - 1)).date(),
                total=d.amount,
                terms=["被告分期偿还"],
                created_at=d.filed,
            )
            for d in disputes
            if d.outcome == "in_suit"
        ]
    )
    lawsuits = [
        Lawsuit(
            case=d.cases["suit"],
            court=d.court,
            mediation=d.cases["mediation"],  # type: ignore[misc]
            procedure=Procedure.SMALL_CLAIMS,
            claimed=d.amount,
            fee=Decimal("25.00"),
            fee_halved=True,
            filed_at=d.cases["suit"].filed_at,
        )
        for d in disputes
        if "suit" in d.cases
    ]
    Lawsuit.objects.bulk_create(lawsuits)
    Judgment.objects.bulk_create(
        [
            Judgment(
                lawsuit=lawsuit,
                document=d.cases["judgment_doc"],  # type: ignore[misc]
                issued_at=d.cases["judgment_doc"].issued_at,  # type: ignore[attr-defined]
                principal=d.amount,
                interest=Decimal("0.00"),
                interest_until=(d.filed + timedelta(days=d.days)).date(),
                court_fee=Decimal("25.00"),
            )
            for d, lawsuit in zip([d for d in disputes if "suit" in d.cases], lawsuits, strict=True)
            if d.outcome == "judged"
        ]
    )


def _document(
    template: tuple[DocumentTemplate, TemplateVersion], case: Case, at: datetime, index: int = 1
) -> Document:
    t, v = template
    return Document(
        court=case.court,
        case=case,
        template=t,
        template_version=v,
        title=t.title,
        series_index=index,
        number=f"{case.number}-{t.code}-{index}",
        sha256="0" * 64,
        pdf_path="",
        issued_at=at,
    )
