"""The published API is true (issue I.11): a property-based run of the whole OpenAPI schema.

Schemathesis generates requests for every operation from the schema the API publishes and sends
them in-process (WSGI) as a court's staff member (session + CSRF token) and as a bank (its
``X-Api-Key``). Every answer must be below 500 and, where the schema documents its status, match
the documented schema and content type. Bounded: ``LASTMILE_FUZZ_EXAMPLES`` examples per
operation (default 4), no deadline, no shrinking beyond Hypothesis's default budget; about a
minute on two cores.
"""

from __future__ import annotations

import os
from datetime import datetime
from decimal import Decimal

import pytest
import schemathesis
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings

from lastmile.accounts.models import Role
from lastmile.testing.factories import UserFactory

EXAMPLES = int(os.environ.get("LASTMILE_FUZZ_EXAMPLES", "4"))


@pytest.fixture
def api_schema(db, yuelu, wuling, now, settings, tmp_path):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    settings.MEDIA_ROOT = tmp_path / "media"
    # Requests go through the real WSGI handler, whose request signals close "old" connections;
    # inside the test's transaction (autocommit off) Django counts the test's own connection as
    # old and closes it on PostgreSQL. The Django test client disconnects them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def principals(yuelu, now):
    """Request headers of the two principals: a court's enforcement judge and a bank."""
    from lastmile.filing.services import api_key_issue, institution_client_upsert
    from lastmile.testing.factories import make_uscc

    judge = UserFactory(court=yuelu, role=Role.ENFORCEMENT_JUDGE, username="fuzz_judge")
    client = Client()
    client.force_login(judge)
    token = _get_new_csrf_string()
    session = {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={token}",
        "X-CSRFToken": token,
    }
    institution = institution_client_upsert(
        name="长沙模糊测试银行股份有限公司", uscc=make_uscc(), courts=[yuelu], now=now
    )
    bank = {"X-Api-Key": api_key_issue(client=institution, now=now, label="fuzz")[1]}
    _seed_a_case(yuelu, judge, now)
    return {"staff": session, "bank": bank}


def _seed_a_case(court, officer, now: datetime) -> None:
    """One enforcement case, so that small ids name real rows for some of the generated requests."""
    from lastmile.enforcement.services import ExecutionBasisIn, enforcement_file
    from lastmile.testing.factories import OrganisationFactory, PersonFactory

    clerk = UserFactory(court=court, role=Role.FILING_CLERK, username="fuzz_clerk")
    enforcement_file(
        court=court,
        basis=ExecutionBasisIn(
            kind="judgment",
            issuer="长沙市岳麓区人民法院",
            number="（2025）湘0104民初9999号",
            effective_on=now.date(),
            principal=Decimal("10000"),
        ),
        applicants=[OrganisationFactory()],
        respondents=[PersonFactory()],
        actor=clerk,
        now=now,
        cause="金融借款合同纠纷",
    )


CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.mark.django_db
def test_every_operation_answers_below_500_and_as_documented(api_schema, principals):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 70
    failures: dict[str, str] = {}
    requests = 0

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case) -> None:
            nonlocal requests
            for headers in principals.values():
                response = case.call(headers=headers)
                requests += 1
                case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # one operation's failure must not hide the others'
            failures[operation.label] = str(exc)[:1500]
    print(f"schemathesis: {len(operations)} operations, {requests} requests")
    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
