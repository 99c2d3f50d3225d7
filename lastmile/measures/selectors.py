"""Reads of measures: per case (staff, court-scoped), for the 终本 check, for statistics, and the
public dishonest list (masked fields only)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum

from lastmile.accounts.models import Court, User
from lastmile.accounts.permissions import require
from lastmile.cases.models import DEBTOR_ROLES, Case, CaseParty
from lastmile.core.clock import SHANGHAI
from lastmile.core.db import prepared_cursor
from lastmile.core.errors import InvalidIdentifier, NotFound
from lastmile.core.identifiers import validate_resident_id, validate_uscc

from . import rules
from .models import (
    DishonestGround,
    DishonestListing,
    DishonestNotApplicable,
    ListingStatus,
    Measure,
    MeasureKind,
    MeasureStatus,
    OperationTarget,
    PublicationExport,
    ReferralStatus,
    ReferralStep,
    RefusalReferral,
    SpecialOperation,
    TargetOutcome,
)


def court_id_of(actor: User) -> int:
    """The actor's court; staff without a court see nothing."""
    if actor.court_id is None:
        raise NotFound("您没有所属法院。")
    return actor.court_id


# A measure that was taken: in force, or over (a 拘传 released, a 拘留 served, a 罚款 paid in full
# still punished the obstruction it answered).
TAKEN_STATUSES = (
    MeasureStatus.IN_FORCE,
    MeasureStatus.EXPIRED,
    MeasureStatus.LIFTED,
    MeasureStatus.REVOKED,
    MeasureStatus.CARRIED_OUT,
)

# --- for the 终本 check (enforcement) ---------------------------------------------------------------


def consumption_restriction_issued(case: Case) -> bool:
    """Whether a 限制消费令 has taken effect in the case (终本规定 2016 art. 1(2))."""
    return Measure.objects.filter(
        case=case, kind=MeasureKind.CONSUMPTION_RESTRICTION, status__in=TAKEN_STATUSES
    ).exists()


ListingState = Literal["listed", "not_applicable", "none"]


@dataclass(frozen=True)
class DishonestListingStatus:
    """Per case: ``listed`` when every debtor is listed or recorded as not applicable and at least
    one is listed; ``not_applicable`` when every debtor is recorded as not applicable; else ``none``."""

    state: ListingState
    listed_party_ids: frozenset[int]
    not_applicable: dict[int, str]
    unresolved_party_ids: frozenset[int]


def dishonest_listing_status(case: Case) -> DishonestListingStatus:
    debtors = set(
        CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES).values_list("party_id", flat=True)
    )
    listed = set(
        DishonestListing.objects.filter(case=case)
        .exclude(status=ListingStatus.REVOKED)
        .values_list("party_id", flat=True)
    )
    na = dict(DishonestNotApplicable.objects.filter(case=case).values_list("party_id", "reason"))
    unresolved = debtors - listed - set(na)
    state: ListingState
    if debtors and not unresolved and listed & debtors:
        state = "listed"
    elif debtors and not unresolved:
        state = "not_applicable"
    else:
        state = "none"
    return DishonestListingStatus(state, frozenset(listed), na, frozenset(unresolved))


def debtors_without_restriction_in_force(case: Case) -> list[str]:
    """The names of the case's debtors no 限制消费令 is in force against now (终本规定 2016 art. 1(2):
    one for every debtor; an order that expired, was lifted or revoked no longer counts)."""
    restricted = set(
        Measure.objects.filter(
            case=case, kind=MeasureKind.CONSUMPTION_RESTRICTION, status=MeasureStatus.IN_FORCE
        ).values_list("subject_id", flat=True)
    )
    return [
        cp.party.name
        for cp in CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES)
        .select_related("party")
        .order_by("position", "pk")
        if cp.party_id not in restricted
    ]


@dataclass(frozen=True)
class ObstructionStatus:
    """Obstruction of execution on record in a case and whether it was punished (终本规定 2016
    art. 1(5)): recorded when a debtor was listed for obstructing (失信规定 2017 art. 1 ground 2);
    punished by a fine or detention taken, or a 拒执 referral prepared."""

    recorded: bool
    punished: bool


def obstruction_status(case: Case) -> ObstructionStatus:
    recorded = Measure.objects.filter(
        case=case,
        kind=MeasureKind.DISHONEST_LISTING,
        ground=DishonestGround.OBSTRUCTS,
        status__in=TAKEN_STATUSES,
    ).exists()
    punished = (
        Measure.objects.filter(
            case=case, kind__in=(MeasureKind.FINE, MeasureKind.DETENTION), status__in=TAKEN_STATUSES
        ).exists()
        or RefusalReferral.objects.filter(case=case).exists()
    )
    return ObstructionStatus(recorded=recorded, punished=punished)


@dataclass(frozen=True)
class MeasuresSummary:
    by_kind: dict[str, int]
    active: list[Measure]
    pending_approval: list[Measure]
    listings: list[DishonestListing]
    consumption_restriction_issued: bool
    dishonest: DishonestListingStatus


def measures_summary(case: Case) -> MeasuresSummary:
    """Everything a stage app or the case page needs to know about a case's measures."""
    measures = list(Measure.objects.filter(case=case).select_related("subject"))
    return MeasuresSummary(
        by_kind=dict(Counter(m.kind for m in measures if m.status in TAKEN_STATUSES)),
        active=[m for m in measures if m.status == MeasureStatus.IN_FORCE],
        pending_approval=[
            m for m in measures if m.status in (MeasureStatus.PROPOSED, MeasureStatus.APPROVED)
        ],
        listings=list(DishonestListing.objects.filter(case=case).order_by("-decided_on")),
        consumption_restriction_issued=consumption_restriction_issued(case),
        dishonest=dishonest_listing_status(case),
    )


def measures_for_case(*, actor: User, case: Case) -> QuerySet[Measure]:
    require(actor, "case.view", court=case.court)
    return Measure.objects.filter(case=case).select_related(
        "subject", "organisation", "proposed_by", "decided_by"
    )


def measure_get_for(*, actor: User, measure_id: int) -> Measure:
    require(actor, "case.view")
    m = (
        Measure.objects.select_related("case", "subject")
        .filter(pk=measure_id, court_id=court_id_of(actor))
        .first()
    )
    if m is None:
        raise NotFound("措施不存在或您无权查看。")
    return m


# --- for statistics ------------------------------------------------------------------------------


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, tzinfo=SHANGHAI),
        datetime.combine(end, time.max, tzinfo=SHANGHAI),
    )


def measure_counts(*, court: Court, start: date, end: date) -> dict[str, int]:
    """Measures taken by ``court`` between ``start`` and ``end`` (inclusive, Beijing dates).

    Keys: ``summons_by_force`` (拘传), ``detention`` (拘留), ``fine`` (罚款), ``vehicle_seizure``
    (扣押车辆), ``consumption_restriction`` (限制消费), ``exit_restriction`` (限制出境),
    ``dishonest_published`` (失信 published person-times), ``refusal_referrals`` (拒执移送).
    A measure counts when it took effect in the period (a 拘传 or 拘留 since carried out and
    released, or a fine paid, still took effect). A 拒执 referral counts when it was transferred
    to the public security organ in the period (its 移送公安机关 step); a package only prepared
    has not been transferred (刑法 art. 313; 法释〔2024〕13号).
    """
    return measure_counts_of_courts(court_ids=[court.pk], start=start, end=end)


def measure_counts_of_courts(*, court_ids: Sequence[int], start: date, end: date) -> dict[str, int]:
    """:func:`measure_counts` summed over several courts, in three queries whatever their number
    (the command center over a high court's tree)."""
    lo, hi = _bounds(start, end)
    taken = Counter(
        Measure.objects.filter(
            court_id__in=court_ids, starts_at__range=(lo, hi), status__in=TAKEN_STATUSES
        ).values_list("kind", flat=True)
    )
    out: dict[str, int] = {
        str(k): taken.get(k, 0)
        for k in (
            MeasureKind.SUMMONS_BY_FORCE,
            MeasureKind.DETENTION,
            MeasureKind.FINE,
            MeasureKind.VEHICLE_SEIZURE,
            MeasureKind.CONSUMPTION_RESTRICTION,
            MeasureKind.EXIT_RESTRICTION,
        )
    }
    out["dishonest_published"] = (
        DishonestListing.objects.filter(court_id__in=court_ids, publish_on__range=(start, end))
        .exclude(status=ListingStatus.GRACE)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=F("publish_on")))
        .count()
    )
    out["refusal_referrals"] = (
        ReferralStep.objects.filter(
            referral__court_id__in=court_ids, status=ReferralStatus.SENT_TO_POLICE, on__range=(start, end)
        )
        .values("referral")
        .distinct()
        .count()
    )
    return out


# --- the public dishonest list --------------------------------------------------------------------


@dataclass(frozen=True)
class PublicListing:
    """What the public may see of a listing (失信规定 2017 art. 6); the ID is masked."""

    name: str
    masked_id: str
    is_person: bool
    sex: str
    age: int | None
    legal_representative: str
    court_name: str
    case_number: str
    filed_on: date | None
    basis: str
    obligation: str
    performance: str
    conduct: str
    publish_on: date

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "id_number": self.masked_id,
            "kind": "person" if self.is_person else "organisation",
            "sex": self.sex,
            "age": self.age,
            "legal_representative": self.legal_representative,
            "court": self.court_name,
            "case_number": self.case_number,
            "filed_on": self.filed_on.isoformat() if self.filed_on else None,
            "basis": self.basis,
            "obligation": self.obligation,
            "performance": self.performance,
            "conduct": self.conduct,
            "published_on": self.publish_on.isoformat(),
        }


PUBLIC_FIELDS = (
    "name",
    "masked_id",
    "is_person",
    "sex",
    "birth_year",
    "legal_representative",
    "court_name",
    "case_number",
    "filed_on",
    "basis",
    "obligation",
    "performance",
    "conduct",
    "publish_on",
)


def name_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name or "").strip().replace(" ", "").upper()


def identity_key(identity: str) -> str:
    """Normalise a resident ID (18 or legacy 15 digits) or a unified social credit code."""
    raw = unicodedata.normalize("NFKC", identity or "").strip().upper()
    if not raw:
        return ""
    try:
        return validate_resident_id(raw).number
    except InvalidIdentifier:
        pass
    try:
        return validate_uscc(raw)
    except InvalidIdentifier:
        raise InvalidIdentifier("请输入正确的身份证号码或统一社会信用代码。") from None


def _public(row: dict[str, object], today: date) -> PublicListing:
    birth_year = row["birth_year"]
    return PublicListing(
        name=str(row["name"]),
        masked_id=str(row["masked_id"]),
        is_person=bool(row["is_person"]),
        sex=str(row["sex"]),
        age=(today.year - int(birth_year))
        if isinstance(birth_year, int)
        else None,  # as the national list shows
        legal_representative=str(row["legal_representative"]),
        court_name=str(row["court_name"]),
        case_number=str(row["case_number"]),
        filed_on=row["filed_on"],  # type: ignore[arg-type]
        basis=str(row["basis"]),
        obligation=str(row["obligation"]),
        performance=str(row["performance"]),
        conduct=str(row["conduct"]),
        publish_on=row["publish_on"],  # type: ignore[arg-type]
    )


@lru_cache(maxsize=4)
def _public_sql(vendor: str, *, with_identity: bool) -> str:
    """The public query as one SQL statement (the hot path of a public endpoint: no ORM compile),
    written once per database vendor and shape.

    ``status = 'published'`` is a literal so both SQLite and PostgreSQL match the partial index
    ``listing_public_lookup`` (name_key, id_key) WHERE status = 'published'.
    """
    qn = connection.ops.quote_name
    meta = DishonestListing._meta
    columns = {f.name: f.column for f in meta.concrete_fields}
    cols = ", ".join(qn(columns[f]) for f in PUBLIC_FIELDS)
    # identifiers only, quoted by the backend; every value is a bound parameter
    sql = (
        f"SELECT {cols} FROM {qn(meta.db_table)} WHERE {qn('status')} = 'published' "  # noqa: S608
        f"AND {qn('name_key')} = %s AND {qn('publish_on')} <= %s"
    )
    if with_identity:
        sql += f" AND {qn('id_key')} = %s"
    return sql + f" ORDER BY {qn('publish_on')} DESC, {qn('id')} DESC LIMIT %s"


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def public_dishonest_search(*, name: str, identity: str = "", today: date) -> list[PublicListing]:
    """The public query: exact name, optionally narrowed by ID number or credit code.

    Only published entries whose publication date has come are returned (never during a grace
    period). Reads only the masked columns; the full ID is used for matching and never returned.
    Uses the partial index ``listing_public_lookup`` (name_key, id_key) WHERE status='published'.
    """
    key = name_key(name)
    if len(key) < 2:
        raise InvalidIdentifier("请输入被执行人姓名或名称（至少两个字）。")
    ident = identity_key(identity)
    limit = int(rules.measures_setting("PUBLIC_QUERY_MAX_RESULTS"))  # type: ignore[call-overload]
    params: list[Any] = [key, today] + ([ident] if ident else []) + [limit]
    with prepared_cursor() as cur:  # planned once per connection on PostgreSQL
        cur.execute(_public_sql(connection.vendor, with_identity=bool(ident)), params)
        rows = cur.fetchall()
    out = []
    for values in rows:
        row = dict(zip(PUBLIC_FIELDS, values, strict=True))
        row["filed_on"], row["publish_on"] = _as_date(row["filed_on"]), _as_date(row["publish_on"])
        row["is_person"] = bool(row["is_person"])
        out.append(_public(row, today))
    return out


def publication_export_rows(
    *, actor: User, export_id: int, today: date
) -> tuple[PublicationExport, list[PublicListing]]:
    require(actor, "case.view")
    export = PublicationExport.objects.filter(pk=export_id, court_id=court_id_of(actor)).first()
    if export is None:
        raise NotFound("发布记录不存在。")
    rows = (
        DishonestListing.objects.filter(pk__in=export.listing_ids)
        .order_by("-publish_on", "-id")
        .values(*PUBLIC_FIELDS)
    )
    return export, [_public(r, today) for r in rows]


def publication_person_times(*, court: Court, start: date, end: date) -> dict[str, int]:
    """Person-times published per channel (newspaper, WeChat, LED) in the period."""
    lo, hi = _bounds(start, end)
    rows = (
        PublicationExport.objects.filter(court=court, created_at__range=(lo, hi))
        .values("channel")
        .annotate(n=Sum("person_times"))
    )
    return {r["channel"]: int(r["n"] or 0) for r in rows}


# --- 专项行动 report ------------------------------------------------------------------------------


@dataclass
class OperationReport:
    operation: SpecialOperation
    targets: list[OperationTarget]
    by_outcome: dict[str, int] = field(default_factory=dict)
    amount_recovered: Decimal = Decimal("0.00")
    measures: dict[str, int] = field(default_factory=dict)
    produced: dict[str, int] = field(default_factory=dict)  # measures linked to its targets, by kind


def operation_report(*, actor: User, operation_id: int) -> OperationReport:
    """The summary report of a special operation: outcome per target, totals, measures taken."""
    require(actor, "case.view")
    op = SpecialOperation.objects.filter(pk=operation_id, court_id=court_id_of(actor)).first()
    if op is None:
        raise NotFound("专项行动不存在。")
    targets = list(
        op.targets.select_related("case", "party", "team")
        .prefetch_related("measures")
        .order_by("case__number")
    )
    counts = Counter(t.outcome for t in targets)
    total = sum((t.amount_recovered for t in targets), Decimal("0.00"))
    measures = measure_counts(court=op.court, start=op.starts_on, end=op.ends_on)
    return OperationReport(
        operation=op,
        targets=targets,
        by_outcome={o.value: counts.get(o.value, 0) for o in TargetOutcome},
        amount_recovered=total,
        measures=measures,
        produced={
            str(MeasureKind(r["kind"]).label): r["n"]
            for r in Measure.objects.filter(operation_targets__operation=op)
            .values("kind")
            .annotate(n=Count("pk", distinct=True))
            .order_by("kind")
        },
    )


def operations_for(*, actor: User) -> QuerySet[SpecialOperation]:
    require(actor, "case.view")
    return SpecialOperation.objects.filter(court_id=court_id_of(actor)).order_by("-starts_on")


def enterprise_screenings_missing(*, case: Case) -> list[str]:
    """The names of the case's organisation debtors with no 经营状况甄别 recorded in it: the
    green channel of 涉企 cases screens first (法发〔2019〕35号). Read by the enforcement app."""
    from .models import EnterpriseScreening

    screened = set(EnterpriseScreening.objects.filter(case=case).values_list("party_id", flat=True))
    return [
        cp.party.name
        for cp in CaseParty.objects.filter(case=case, role__in=DEBTOR_ROLES)
        .select_related("party")
        .order_by("position", "pk")
        if not cp.party.is_person and cp.party_id not in screened
    ]


# --- the case page's records of measures (issue M item 1) ----------------------------------------


@dataclass
class CaseMeasureRecords:
    """What the case page lists below the measures: the case's listings and their correction
    requests, 复议, temporary lifts, 拒执 referrals and the guardrail inputs recorded."""

    listings: list[DishonestListing]
    reviews: list[Any]
    temporary_lifts: list[Any]
    referrals: list[RefusalReferral]
    screenings: list[Any]
    graces: list[Any]
    homes: list[Any]
    profiles: list[Any]
    overrides: list[Any]
    not_listed: list[DishonestNotApplicable]
    vacate_notices: list[Any]


def case_measure_records(*, actor: User, case: Case) -> CaseMeasureRecords:
    """The records of ``case`` (the caller fetched it through ``case_get_for``: court-scoped)."""
    from .models import (
        DebtorProfile,
        EnterpriseScreening,
        GracePeriod,
        GuardrailOverride,
        HomeDesignation,
        MeasureReview,
        TemporaryLift,
        VacateNotice,
    )

    require(actor, "case.view")
    return CaseMeasureRecords(
        listings=list(
            DishonestListing.objects.filter(case=case).prefetch_related("corrections").order_by("pk")
        ),
        reviews=list(
            MeasureReview.objects.filter(measure__case=case).select_related("measure__subject").order_by("pk")
        ),
        temporary_lifts=list(
            TemporaryLift.objects.filter(measure__case=case).select_related("measure__subject").order_by("pk")
        ),
        referrals=list(
            RefusalReferral.objects.filter(case=case).select_related("party").prefetch_related("steps")
        ),
        screenings=list(EnterpriseScreening.objects.filter(case=case).select_related("party").order_by("pk")),
        graces=list(GracePeriod.objects.filter(case=case).select_related("party").order_by("pk")),
        homes=list(HomeDesignation.objects.filter(case=case).select_related("party").order_by("pk")),
        profiles=list(DebtorProfile.objects.filter(case=case).select_related("party").order_by("pk")),
        overrides=list(GuardrailOverride.objects.filter(case=case).select_related("party").order_by("pk")),
        not_listed=list(DishonestNotApplicable.objects.filter(case=case).select_related("party")),
        vacate_notices=list(VacateNotice.objects.filter(case=case).select_related("document").order_by("pk")),
    )


def vacate_notice_of(*, case: Case, notice_id: int | None) -> int:
    """The id of a 腾房公告 of ``case`` (the caller fetched the case court-scoped), or NotFound."""
    from .models import VacateNotice

    if not notice_id or not VacateNotice.objects.filter(case=case, pk=notice_id).exists():
        raise NotFound("腾房公告不存在。")
    return notice_id


# --- the list of measures (issue M item 3) ------------------------------------------------------------


def measures_list(
    *,
    actor: User,
    kind: str = "",
    status: str = "",
    officer_id: int | None = None,
    team_id: int | None = None,
    query: str = "",
    proposed_from: date | None = None,
    proposed_to: date | None = None,
    amount_min: Decimal | None = None,
    amount_max: Decimal | None = None,
) -> QuerySet[Measure]:
    """The court's measures by kind and status, by the case's officer or team, the day proposed and
    the fine's amount; ``query`` finds the case number, the subject's name or ID number, or the
    measure's document number."""
    require(actor, "case.view")
    qs = Measure.objects.filter(court_id=court_id_of(actor)).select_related(
        "case", "case__officer", "case__team", "subject"
    )
    if kind in MeasureKind.values:
        qs = qs.filter(kind=kind)
    if status in MeasureStatus.values:
        qs = qs.filter(status=status)
    if officer_id:
        qs = qs.filter(case__officer_id=officer_id)
    if team_id:
        qs = qs.filter(case__team_id=team_id)
    if query := query.strip()[:64]:
        partial = query.replace("(", "（").replace(")", "）")
        qs = qs.filter(
            Q(case__number__contains=partial)
            | Q(subject__name__contains=query)
            | Q(subject__id_number=query.upper())
            | Q(document_number__contains=partial)
        )
    if proposed_from:
        qs = qs.filter(proposed_at__gte=_bounds(proposed_from, proposed_from)[0])
    if proposed_to:
        qs = qs.filter(proposed_at__lte=_bounds(proposed_to, proposed_to)[1])
    if amount_min is not None:
        qs = qs.filter(amount__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount__lte=amount_max)
    return qs


# --- who occupies a seized home, for the auction's public page ----------------------------------------


@dataclass(frozen=True)
class Occupancy:
    """Who occupies a seized home as the 腾房公告 records it: the one source the auction's public
    page reads for 拍卖财产占有使用现状 (网络司法拍卖规定 2016 art. 13 item (5)). ``text`` names
    no person: the debtor's side is "被执行人家庭" or "被执行人一方"."""

    status: str
    ends_on: date | None
    vacated_on: date | None
    forced_on: date | None
    text: str


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def home_occupancy(*, case_id: int, property_ref: str) -> Occupancy | None:
    """The present occupancy of the home ``property_ref`` of case ``case_id`` from its 腾房公告
    (民事诉讼法 2023 art. 261), or None when the case has none for it. A drafted notice is not yet
    public, so the text then says only that the debtor's side lives there."""
    from .models import HomeDesignation, VacateNotice, VacateStatus

    notice = VacateNotice.objects.filter(case_id=case_id, property_ref=property_ref).first()
    if notice is None:
        return None
    family = HomeDesignation.objects.filter(
        case_id=case_id, party_id=notice.party_id, property_ref=property_ref
    ).exists()
    who = "被执行人家庭" if family else "被执行人一方"
    if notice.status == VacateStatus.VACATED and notice.vacated_on is not None:
        text = f"已腾空（{_cn_date(notice.vacated_on)}自行搬离）"
    elif notice.status == VacateStatus.FORCED and notice.forced_on is not None:
        text = f"已腾空（{_cn_date(notice.forced_on)}强制迁出）"
    elif notice.status == VacateStatus.ISSUED and notice.ends_on is not None:
        text = f"现由{who}居住，已发布腾房公告（期限至{_cn_date(notice.ends_on)}）"
    else:
        text = f"现由{who}居住"
    return Occupancy(notice.status, notice.ends_on, notice.vacated_on, notice.forced_on, text)
