"""Who may reach what: an access test generated from the URLconf and the OpenAPI schema.

Every page route (walked from the URLconf) and every API operation (from the published OpenAPI
document) is requested as each principal: anonymous, each role of two courts, the applicant and
the debtor of a case and of another case (portal logins), and a bank with its API key. Path
arguments name the first case (court A) where the route takes a case, a non-existent row
otherwise. ``DECISIONS`` says, per route, who MAY get through; everyone else must be denied
(401/403/404 or a redirect to a login page). The test fails when a route or operation has no
decision, so adding a route forces a decision. The figures are printed and kept in
docs/security.md.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from lastmile.accounts.models import Role
from lastmile.accounts.permissions import ROLE_CAPABILITIES
from lastmile.testing.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# --- who -------------------------------------------------------------------------------------
# A decision is a set of tokens:
#   "anyone"        everyone, anonymous included (public pages, login, health)
#   "staff"         any staff login of any court (lists scoped to the viewer's own court)
#   "court"         staff of the case's court (court A); a capability check may narrow it further
#   "cap:<name>"    staff of any court holding the capability (court-scoped lists)
#   "court+cap:<n>" staff of court A holding the capability
#   "party"         any portal login (its own cases only)
#   "party_a"       the applicant or the debtor of case A
#   "applicant_a"   the applicant of case A only
#   "bank"          the bank's API key (its own batches only)
#   "bank_staff"    a bank's staff portal login (机构经办人; its own institution's batches only)
# The test asserts that every principal outside the decision is denied; a principal inside may
# still be refused by a finer rule (a state, a capability), which is never a leak.

STAFF_COURT = {"court"}
DECISIONS: dict[str, set[str]] = {
    # pages: web
    "web:home": {"anyone"},
    "web:login": {"anyone"},
    "web:logout": {"anyone"},
    "web:healthz": {"anyone"},
    "web:workbench": {"staff"},
    "web:case_list": {"staff"},
    "web:case_detail": STAFF_COURT,
    "web:case_print": STAFF_COURT,
    "web:inbox": {"staff"},  # each viewer's own queues, in its own court
    "web:inbox_act": {"staff"},  # refused below unless the viewer holds the queue and the row is its court's
    "web:inbox_bulk": {"staff"},  # each item refused unless the viewer holds the queue, in its court
    "web:notifications": {"staff"},
    "web:notifications_read": {"staff"},
    "api_not_found": {"anyone"},
    # pages: enforcement
    "enforcement:case_list": {"staff"},
    "enforcement:file": {"staff"},
    "enforcement:triage_rules": {"staff"},
    "enforcement:act": STAFF_COURT,
    # requests between courts: the assisting court's staff (enforcement.work) or the requesting
    # court's; any other viewer of a request is a 404 (the path names a missing request here)
    "enforcement:assistance_list": {"staff"},  # refused unless enforcement.work; its own court's requests
    "enforcement:assistance_detail": {"staff"},
    "enforcement:assistance_letter": {"staff"},
    "enforcement:assistance_answer": {"staff"},
    "enforcement:court_search": {"staff"},  # the public national court directory, for the request form
    # pages: filing
    "filing:home": {"staff"},
    "filing:batch_detail": {"staff"},
    "filing:batch_progress": {"staff"},
    "filing:batch_report": {"staff"},
    "filing:sample": {"staff", "party", "bank_staff"},  # a blank sample template, no data
    # pages: mediation, trial, service
    "mediation:work": {"staff"},
    "mediation:assign": {"staff"},
    "mediation:fail_many": {"staff"},  # 调解不成 in batch: own court's mediations only (mediation.work)
    "measures:list": {"staff"},  # the court's measures (case.view), own court only
    "ledger:receipts": {"staff"},  # money received in the own court's account (funds.view)
    "ledger:payouts": {"staff"},  # the own court's payouts (funds.view)
    "inquiry:deduct_all": STAFF_COURT,  # 扣划 every frozen account: the case's court, control.deduct
    # the 管理员's staff page: the own court's staff, departments and teams
    "accounts:staff": {"cap:staff.manage"},
    "accounts:staff_act": {"cap:staff.manage"},
    "mediation:detail": {"staff"},
    "mediation:act": {"staff"},
    "mediation:in_suit_start": {"staff"},
    "mediation:in_suit": STAFF_COURT,
    "trial:work": {"staff"},
    "trial:act": {"staff"},
    "trial:judgment_batch": {"staff"},
    "trial:judgment_act": {"staff"},
    "trial:lawsuit": {"staff"},  # court-scoped by the selector (404 for another court's lawsuit)
    "trial:lawsuit_act": {"staff"},
    "service:status": {"staff"},
    "service:order": {"staff"},  # the order is read through the viewer's court (404 otherwise)
    "service:batch": {"staff"},  # lists and batches are scoped to the viewer's court
    "service:results": {"staff"},
    # pages: funds
    "ledger:sheet": STAFF_COURT,
    "ledger:payout_request": STAFF_COURT,
    "ledger:payout_action": {"staff"},
    "ledger:unclaimed": {"staff"},
    "ledger:claim": {"staff"},
    "ledger:pause_record": STAFF_COURT,
    "ledger:pause_end": STAFF_COURT,
    "ledger:distribution": STAFF_COURT,  # the service asks funds.manage (issue M item 1: 参与分配)
    # pages: documents, measures, inquiry, statistics
    "documents:pdf": {"staff"},
    "documents:docx": {"staff"},
    "documents:batch_list": {"staff"},
    "documents:batch_detail": {"staff"},
    "measures:propose": STAFF_COURT,
    "measures:decide": {"staff"},
    "measures:carry_out": {"staff"},  # the services lock the measure and check its court
    "measures:exports": {"cap:measure.propose"},
    "measures:export": {"staff"},
    "measures:operation": {"staff"},
    "measures:operations": {"staff"},  # the viewer's own court's operations; creating needs dispatch
    # issue M item 1: the acts after a measure is taken; the rows are fetched in the viewer's court
    # (another court's id is a 404) and the services check the capability
    "measures:target_act": {"staff"},
    "measures:case_act": STAFF_COURT,
    "measures:measure_act": {"staff"},
    "measures:listing_act": {"staff"},
    "measures:referral_advance": {"staff"},
    "inquiry:callback": {"anyone"},  # signed by the institution; a bad signature is refused (401)
    "inquiry:queue": {"staff"},
    "inquiry:panel": STAFF_COURT,
    "inquiry:start": STAFF_COURT,
    "inquiry:freeze_action": {"staff"},
    "inquiry:seize": {"staff"},
    "inquiry:resend": {"staff"},
    "inquiry:held_review": {"staff"},
    # 扣押 of movables, income withholding, 到期债权, 轮候查封 (issue N): acts started from the case
    # are court A's; a row act names a row (missing here) and checks its case's court.
    "takings:case_act": STAFF_COURT,
    "takings:row_act": {"staff"},
    # The reference price (issue N item 1).
    "valuation:start": STAFF_COURT,
    "valuation:act": {"staff"},
    "valuation:decide": {"staff"},
    # pages: watch (布控). Reads ask alerts.view or enforcement.work in the viewer's own court;
    # acts are refused by the services unless the capability and the court fit (another court's
    # alert or entry is a 404). The feed is signed by the railway, airline or hotel (401 unsigned).
    "watch:center": {"cap:alerts.view", "cap:enforcement.work"},
    "watch:stream": {"cap:alerts.view", "cap:enforcement.work"},
    "watch:alert": {"staff"},
    "watch:alert_act": {"staff"},
    "watch:entries": {"cap:alerts.view", "cap:enforcement.work"},
    "watch:entry_end": {"staff"},
    # the duty roster: read like the watch list; kept by enforcement.dispatch (the service refuses)
    "watch:duty": {"cap:alerts.view", "cap:enforcement.work"},
    "watch:duty_remove": {"staff"},
    "watch:feed": {"anyone"},
    # pages: auction (网络司法拍卖). The public site is for anyone: announced rounds only, bidders by
    # code (网络司法拍卖规定 2016 art. 18). Registering and bidding need a login (a staff account
    # is refused in the view); the staff pages need case.view in the lot's court, acts a capability.
    "auction:public_list": {"anyone"},
    "auction:public_detail": {"anyone"},
    "auction:public_state": {"anyone"},
    "auction:public_signup": {"anyone"},  # a member of the public becomes a real-name bidder
    "auction:public_register": {"staff", "party", "bank_staff"},
    "auction:public_bid": {"staff", "party", "bank_staff"},
    "auction:staff_lots": {"staff"},
    "auction:staff_lot": {"staff"},
    "auction:staff_act": {"staff"},
    "statistics:dashboard": {"staff"},
    "statistics:export_xlsx": {"staff"},
    "statistics:report": {"staff"},
    "statistics:report_pdf": {"staff"},
    "statistics:financial": {"staff"},  # stats.view below; own court and its subordinates
    "statistics:financial_xlsx": {"staff"},
    # pages: portal
    "portal:public_dishonest": {"anyone"},
    "portal:public_zhongben": {"anyone"},
    "portal:party_login": {"anyone"},
    "portal:party_home": {"party"},
    "portal:party_notifications": {"party"},  # its own cases only
    "portal:party_notifications_read": {"party"},
    "portal:party_case": {"party_a"},
    "portal:party_book": {"party_a"},
    "portal:party_cancel": {"party"},
    "portal:party_file": {"party"},
    "portal:party_clue": {"party_a"},
    # the parties online: sign-up is public (throttled); documents are those served on one's own
    # party (another's order id is a 404); hearing link and the debtor's requests on one's own case
    "portal:party_signup": {"anyone"},
    "portal:party_documents": {"party"},
    "portal:party_document_pdf": {"party"},
    "portal:party_hearing_link": {"party_a"},
    "portal:party_offer": {"party_a"},  # refused below for the applicant (debtor side only)
    "portal:party_release": {"party_a"},
    "portal:staff_requests": {"staff"},  # its own court's requests; refused unless it works cases
    "portal:staff_request_answer": {"staff"},
    # the party's mediations: its own only (a mediation id of another party is a 404)
    "portal:mediation_list": {"party"},
    "portal:mediation_detail": {"party"},
    "portal:mediation_join": {"party"},
    "portal:mediation_sign": {"party"},
    "portal:mediation_apply": {"party"},
    "portal:mediation_document": {"party"},
    "portal:duty": {"staff"},
    "portal:duty_receive": {"staff"},
    # the reception desk: staff who work enforcement or filing, their own court's slots and visits
    "portal:reception": {"staff"},
    "portal:reception_slots": {"staff"},
    "portal:reception_slot_close": {"staff"},
    "portal:reception_walk_in": {"staff"},
    "portal:reception_case_search": {"staff"},
    # the bank's staff: their own institution's batches only (another's batch is a 404)
    "portal:bank_login": {"anyone"},
    "portal:bank_home": {"bank_staff"},
    "portal:bank_batch": {"bank_staff"},
    "portal:bank_batch_progress": {"bank_staff"},
    "portal:bank_batch_errors": {"bank_staff"},
    "portal:bank_batch_report": {"bank_staff"},
}

# API operations: by default an operation under a case (``{case_id}``) is for court A's staff,
# every other operation for staff of any court (its rows are court-scoped by the selectors).
# Exceptions are listed here.
API_DECISIONS: dict[str, set[str]] = {
    "GET /api/v1/public/dishonest": {"anyone"},
    "GET /api/v1/auction/rounds/{round_id}": {"anyone"},  # the public state of an announced round
    "POST /api/v1/auction/rounds/{round_id}/bids": {"staff", "party", "bank_staff"},  # staff refused
    "POST /api/v1/filing/batches": {"staff", "bank"},
    "GET /api/v1/filing/batches": {"staff", "bank"},
    "GET /api/v1/filing/batches/{batch_id}": {"staff", "bank"},
    "GET /api/v1/filing/batches/{batch_id}/errors": {"staff", "bank"},
    "GET /api/v1/filing/batches/{batch_id}/cases": {"staff", "bank"},
    "GET /api/v1/filing/batches/{batch_id}/errors.xlsx": {"staff", "bank"},
}
PARTY_API = re.compile(r"^\w+ /api/v1/party/")


def api_decision(key: str, path: str) -> set[str] | None:
    if key in API_DECISIONS:
        return API_DECISIONS[key]
    if PARTY_API.match(key):
        return {"party_a"} if "{case_id}" in path else {"party"}
    if path.startswith("/api/v1/"):
        return STAFF_COURT if "{case_id}" in path else {"staff"}
    return None


# --- principals -------------------------------------------------------------------------------


@dataclass
class Principal:
    name: str
    kind: str  # anonymous | staff | party | bank | bank_staff
    client: Client
    court: str = ""
    capabilities: frozenset[str] = frozenset()
    tags: set[str] = field(default_factory=set)

    def allowed(self, decision: set[str]) -> bool:
        if "anyone" in decision:
            return True
        if self.kind == "staff":
            if "staff" in decision:
                return True
            if "court" in decision and self.court == "A":
                return True
            for token in decision:
                if token.startswith("cap:") and token[4:] in self.capabilities:
                    return True
                if token.startswith("court+cap:") and self.court == "A" and token[10:] in self.capabilities:
                    return True
            return False
        if self.kind == "party":
            return "party" in decision or bool(self.tags & decision)
        if self.kind == "bank":
            return "bank" in decision
        if self.kind == "bank_staff":
            return "bank_staff" in decision
        return False


def _case(court, clerk, now, applicant, debtor, number: str):
    from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file

    return enforcement_file(
        court=court,
        basis=ExecutionBasisIn(
            kind="judgment",
            issuer=court.name,
            number=number,
            effective_on=date(2025, 1, 10),
            performance_deadline=date(2025, 1, 20),
            principal=Decimal("100000"),
        ),
        applicants=[applicant],
        respondents=[debtor],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
    )


@pytest.fixture
def world(yuelu, wuling, now, settings, tmp_path):
    from lastmile.filing.services import api_key_issue, institution_client_upsert, institution_staff_create
    from lastmile.portal.services import portal_account_create
    from lastmile.testing.factories import make_uscc

    settings.MEDIA_ROOT = tmp_path / "media"
    principals: list[Principal] = [Principal("anonymous", "anonymous", Client(raise_request_exception=False))]
    clerks = {}
    for label, court in (("A", yuelu), ("B", wuling)):
        for role in Role:
            user = UserFactory(court=court, role=role, username=f"am_{label}_{role.value}")
            client = Client(raise_request_exception=False)
            client.force_login(user)
            caps = ROLE_CAPABILITIES.get(role, frozenset())
            principals.append(Principal(f"{label}:{role.value}", "staff", client, label, frozenset(caps)))
            if role == Role.FILING_CLERK:
                clerks[label] = user
    case_a = _case(
        yuelu, clerks["A"], now, OrganisationFactory(), PersonFactory(), "（2025）湘0104民初1001号"
    )
    case_b = _case(
        wuling, clerks["B"], now, OrganisationFactory(), PersonFactory(), "（2025）湘0702民初1002号"
    )
    for label, case in (("a", case_a), ("b", case_b)):
        for role, tag in (("applicant", "applicant"), ("respondent", "debtor")):
            party = case.case_parties.get(role=role).party
            account = portal_account_create(party=party, username=f"am_{tag}_{label}", password="pw", now=now)
            client = Client(raise_request_exception=False)
            client.force_login(account.user)
            tags = {f"{tag}_{label}", f"party_{label}"}
            principals.append(Principal(f"{tag} of case {label.upper()}", "party", client, tags=tags))
    institution = institution_client_upsert(
        name="长沙访问测试银行", uscc=make_uscc(), courts=[yuelu], now=now
    )
    key = api_key_issue(client=institution, now=now, label="access")[1]
    principals.append(
        Principal("bank", "bank", Client(raise_request_exception=False, headers={"X-Api-Key": key}))
    )
    staff = institution_staff_create(
        client=institution, username="am_bank_staff", display_name="经办", password="pw", now=now
    )
    bank_staff = Client(raise_request_exception=False)
    bank_staff.force_login(staff.user)
    principals.append(Principal("bank staff", "bank_staff", bank_staff))
    return {"principals": principals, "case_a": case_a}


# --- routes -------------------------------------------------------------------------------------

MISSING = 987654321
SAMPLE_ACTIONS = {
    "enforcement:act": "accept",
    "enforcement:assistance_answer": "accept",
    "ledger:payout_action": "approve",
    "inquiry:freeze_action": "release",
    "takings:case_act": "distrain",
    "valuation:act": "collect",
    "mediation:act": "fail",
    "trial:act": "schedule",
    "trial:judgment_act": "serve",
}


def _page_routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str, Any]]:
    routes = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if prefix + str(entry.pattern) in ("admin/", "api/v1/"):
                continue  # the admin is Django's own (staff flag); the API is walked from OpenAPI
            routes += _page_routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            routes.append((name, prefix + str(entry.pattern), entry))
    return routes


def _page_url(name: str, route: str, case_id: int) -> str:
    def arg(match: re.Match[str]) -> str:
        converter, arg_name = match.group(1), match.group(2)
        if converter == "int":
            return str(case_id if arg_name == "case_id" else MISSING)
        return SAMPLE_ACTIONS.get(name, "view")

    url = re.sub(r"<(?:(\w+):)?(\w+)>", arg, route)
    url = re.sub(r"^\^|\(\?P<rest>\.\*\)\$$", "", url)
    return "/" + url


def _minimal(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> Any:
    """The smallest value that validates against ``schema`` (so that the permission check, which
    runs after body validation, is what answers)."""
    if "$ref" in schema:
        return _minimal(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _minimal(options[0], defs, depth + 1)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            name: _minimal(s, defs, depth + 1)
            for name, s in schema.get("properties", {}).items()
            if name in required
        }
    if kind == "array":
        return [] if not schema.get("minItems") else [_minimal(schema["items"], defs, depth + 1)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = schema.get("format", "")
    if fmt == "date":
        return "2025-03-03"
    if fmt == "date-time":
        return "2025-03-03T09:30:00+08:00"
    if fmt == "decimal" or schema.get("pattern", "").startswith("^(?!^[-+.]*$)"):
        return "1.00"
    return "1"


DENIED = {401, 403, 404, 405}


def _denied(response) -> bool:
    """Refused: 401/403/404, a method the route does not serve (405), a redirect to a login page,
    a page that answers with the error page (a service refused the action), or a page that carries
    an error message (a form action the service refused, shown on the page or after a redirect)."""
    from django.contrib.messages import constants

    if response.status_code in DENIED:
        return True
    if response.status_code in (301, 302) and "login" in response.get("Location", ""):
        return True
    templates = {t.name for t in getattr(response, "templates", None) or []}
    if response.status_code == 400 and "web/error.html" in templates:
        return True
    request = getattr(response, "wsgi_request", None)
    if response.status_code in (200, 302) and request is not None and not request.path.startswith("/api/"):
        # only the messages this request added (earlier requests' unread ones stay in storage)
        queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
        if any(m.level >= constants.ERROR for m in queued):
            return True
        # a page that rendered this request's messages shows the refusal itself
        return response.status_code == 200 and b'<li class="error">' in response.content
    return False


# Gaps found by this test and not yet closed: (route key, principal) -> why. Each entry must still
# be a gap (the test fails when it no longer gets through, so the entry is removed with the fix).
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def test_every_route_and_operation_has_a_decision_and_only_those_decided_get_through(world):
    from lastmile.web.api import api

    started = time.monotonic()
    principals: list[Principal] = world["principals"]
    case_id = world["case_a"].pk
    undecided: list[str] = []
    leaks: list[str] = []
    errors: list[str] = []
    requests = denials = 0
    gaps_seen: set[tuple[str, str]] = set()
    pages = _page_routes(get_resolver().url_patterns)
    seen_pages = set()

    def check(key: str, decision: set[str], send) -> None:
        nonlocal requests, denials
        for principal in principals:
            principal.client.cookies.pop("messages", None)  # each answer shows only its own messages
            response = send(principal)
            requests += 1
            if response.status_code >= 500:
                errors.append(f"{key} as {principal.name}: {response.status_code}")
            elif _denied(response):
                denials += 1
            elif (key, principal.name) in KNOWN_GAPS:
                gaps_seen.add((key, principal.name))
            elif not principal.allowed(decision):
                leaks.append(f"{key} as {principal.name}: {response.status_code}")

    for name, route, _pattern in pages:
        seen_pages.add(name)
        if name not in DECISIONS:
            undecided.append(f"page {name} ({route})")
            continue
        url = _page_url(name, route, case_id)
        for method in ("get", "post"):
            check(
                f"{method.upper()} {name}",
                DECISIONS[name],
                lambda p, m=method, u=url: getattr(p.client, m)(u),
            )

    document = api.get_openapi_schema()
    defs = document["components"]["schemas"]
    operations = 0
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            operations += 1
            key = f"{method.upper()} {path}"
            decision = api_decision(key, path)
            if decision is None:
                undecided.append(f"operation {key}")
                continue
            url = re.sub(r"\{(\w+)\}", lambda m: str(case_id if m.group(1) == "case_id" else MISSING), path)
            body = None
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = json.dumps(_minimal(content["application/json"]["schema"], defs))

            def send(p: Principal, m: str = method, u: str = url, b: str | None = body):
                if b is None:
                    return getattr(p.client, m)(u)
                return getattr(p.client, m)(u, b, content_type="application/json")

            check(key, decision, send)

    stale = sorted(set(DECISIONS) - seen_pages)
    elapsed = time.monotonic() - started
    print(
        f"\naccess matrix: {len(pages)} page routes, {operations} API operations, "
        f"{len(principals)} principals, {requests} requests, {denials} denials, {elapsed:.0f} s"
    )
    assert not undecided, "routes without an access decision (add them to DECISIONS):\n" + "\n".join(
        undecided
    )
    assert not stale, f"decisions for routes that no longer exist: {stale}"
    assert not errors, "server errors:\n" + "\n".join(errors)
    closed = sorted(set(KNOWN_GAPS) - gaps_seen)
    assert not closed, f"known gaps now closed, remove them from KNOWN_GAPS: {closed}"
    assert not leaks, "got through without a decision allowing it:\n" + "\n".join(leaks)
