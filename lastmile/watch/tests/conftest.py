"""Fixtures of the 布控 tests: a case with its debtor and officer, and the real MQTT broker."""

from __future__ import annotations

import os
import socket

import pytest

from lastmile.accounts.models import Role
from lastmile.documents.services import templates_ensure
from lastmile.measures.tests.helpers import enforcement_case, person
from lastmile.testing.factories import UserFactory

BROKER = (
    os.environ.get("LASTMILE_TEST_MQTT_HOST", "127.0.0.1"),
    int(os.environ.get("LASTMILE_TEST_MQTT_PORT", "1883")),
)


def broker_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


@pytest.fixture
def mqtt_broker() -> tuple[str, int]:
    """The real broker (mosquitto on 127.0.0.1:1883 in CI and on the development machines). In CI
    (``CI=true``) a missing broker fails the test; elsewhere the test is skipped, loudly."""
    if broker_answers(*BROKER):
        return BROKER
    message = (
        f"no MQTT broker answers on {BROKER[0]}:{BROKER[1]} (start mosquitto: apt-get install mosquitto)"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI requires the real broker: " + message)
    pytest.skip("SKIPPED LOUDLY: " + message)


@pytest.fixture
def debtor_person(db):
    return person(name="赵车主")


@pytest.fixture
def case(yuelu, officer, debtor_person, now):
    return enforcement_case(court=yuelu, officer=officer, debtor=debtor_person, now=now)


@pytest.fixture
def command_center(yuelu):
    return UserFactory(court=yuelu, role=Role.COMMAND_CENTER, username="cc_watch")


@pytest.fixture
def templates(db, now):
    templates_ensure(now=now)
