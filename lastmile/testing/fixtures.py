"""pytest fixtures shared by all apps: courts, staff and a registered case."""

from __future__ import annotations

import pytest

from lastmile.accounts.models import Court, Role
from lastmile.accounts.services import courts_load

from .factories import FIXED_NOW, OrganisationFactory, PersonFactory, UserFactory, make_uscc


@pytest.fixture
def now():
    return FIXED_NOW


@pytest.fixture
def courts(db) -> dict[str, Court]:
    return {c.code: c for c in courts_load()}


@pytest.fixture
def yuelu(courts) -> Court:
    return courts["湘0104"]


@pytest.fixture
def wuling(courts) -> Court:
    return courts["湘0702"]


@pytest.fixture
def linxiang(courts) -> Court:
    return courts["湘0682"]


@pytest.fixture
def clerk(yuelu):
    return UserFactory(court=yuelu, role=Role.FILING_CLERK, username="clerk")


@pytest.fixture
def officer(yuelu):
    return UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="officer")


@pytest.fixture
def president(yuelu):
    return UserFactory(court=yuelu, role=Role.LEADER, is_president=True, username="president")


@pytest.fixture
def other_clerk(wuling):
    return UserFactory(court=wuling, role=Role.FILING_CLERK, username="wl_clerk")


@pytest.fixture
def bank(db):
    return OrganisationFactory(name="长沙银行股份有限公司岳麓支行")


@pytest.fixture
def debtor(db):
    return PersonFactory(name="王小明")


@pytest.fixture
def registered_case(yuelu, clerk, bank, debtor, now):
    """A 执 case at 岳麓 registered by the filing clerk: the bank against the debtor."""
    from lastmile.cases.models import PartyRole
    from lastmile.cases.services import PartyInRole, case_register

    return case_register(
        court=yuelu,
        type_code="执",
        parties=[PartyInRole(bank, PartyRole.APPLICANT), PartyInRole(debtor, PartyRole.RESPONDENT)],
        actor=clerk,
        now=now,
    )


@pytest.fixture
def clock(now):
    """Pin the edge clock (views, commands) to ``now`` for the test."""
    from lastmile.core.clock import FixedClock, use_clock

    fixed = FixedClock(now)
    with use_clock(fixed):
        yield fixed


# --- measures / public dishonest list (issue E) ------------------------------------------------


class RecordingClient:
    """A Django test client that keeps every response it receives, for the masking scan."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()
        self.responses: list[tuple[str, int, str]] = []

    def get(self, path: str, data: dict | None = None, **extra: object):
        response = self.client.get(path, data, **extra)  # type: ignore[arg-type]
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        self.responses.append((path, response.status_code, body.decode("utf-8", "replace")))
        return response

    def force_login(self, user: object) -> None:
        self.client.force_login(user)  # type: ignore[arg-type]


@pytest.fixture
def public_client(db):
    """A client for public pages and APIs: at teardown every response it received is scanned and the
    test fails if any carries an unmasked resident ID number."""
    from lastmile.measures.publication import unmasked_id_numbers

    client = RecordingClient()
    yield client
    leaks = [(path, unmasked_id_numbers(body)) for path, _, body in client.responses]
    leaks = [(path, found) for path, found in leaks if found]
    assert not leaks, f"unmasked ID numbers in public output: {leaks}"


# --- pre-suit mediation, batch trial, electronic service (issue H) ------------------------------


@pytest.fixture
def cc_env(db, tmp_path, settings, now):
    """Documents and uploads in a temporary folder, built-in templates loaded."""
    from lastmile.documents.services import templates_ensure

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LASTMILE = {**settings.LASTMILE, "DOCUMENTS_ROOT": str(tmp_path / "documents")}
    templates_ensure(now=now)
    return tmp_path


@pytest.fixture
def cc_mediator(yuelu):
    return UserFactory(court=yuelu, role=Role.MEDIATOR, username="mediator", display_name="周调解")


@pytest.fixture
def cc_judge(yuelu):
    return UserFactory(court=yuelu, role=Role.JUDGE, username="judge_civil", display_name="陈审判")


@pytest.fixture
def cc_institution(yuelu, now):
    """The bank that files, with its own consented e-service address (an institution that files
    online agrees to electronic service when it registers)."""
    from lastmile.filing.services import institution_client_upsert
    from lastmile.parties.models import ElectronicAddress

    client = institution_client_upsert(
        name="长沙示范银行股份有限公司岳麓支行", uscc=make_uscc(777), courts=[yuelu], now=now
    )
    ElectronicAddress.objects.create(
        party=client.party,
        channel="platform",
        address="bank-777@court-platform",
        consent_kind="express",
        consented_at=now,
        confirmed=True,
    )
    return client


@pytest.fixture
def cc_file_rows(cc_env, cc_institution, yuelu, now):
    """File sample rows (by index, see lastmile.filing.samples.sample_row) as 民诉前调 cases;
    returns the cases in row order."""
    from django.utils import timezone

    from lastmile.filing.samples import sample_row
    from lastmile.filing.selectors import batch_cases
    from lastmile.filing.services import batch_submit

    def _file(indexes, *, batch_id="CC-1", at=None):
        today = timezone.localtime(now).date()
        rows = [
            {k: ("" if v is None else str(v)) for k, v in sample_row(i, today=today).items()} for i in indexes
        ]
        result = batch_submit(
            court=yuelu,
            client=cc_institution,
            external_id=batch_id,
            now=at or now,
            via_api=True,
            rows=rows,
            process="inline",
        )
        return list(batch_cases(result.batch))

    return _file
