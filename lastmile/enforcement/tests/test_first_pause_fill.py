"""Migration 0011 fills ``Case.time_limit_first_pause_on`` for the cases whose excluded periods were
recorded before the copy existed: the earliest period's first day, nothing for the others."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps

from lastmile.cases.models import Case
from lastmile.enforcement.models import PauseKind, TimeLimitPause

from .conftest import at

fill = importlib.import_module("lastmile.enforcement.migrations.0011_case_time_limit_first_pause_on").fill


@pytest.mark.django_db
def test_the_fill_sets_the_earliest_excluded_periods_first_day(file_case):
    paused, plain = file_case(at(2025, 3, 3)), file_case(at(2025, 3, 4))
    # rows as they were before the copy: written without it
    TimeLimitPause.objects.create(
        case=paused, kind=PauseKind.VALUATION, started_on=date(2025, 6, 1), ended_on=date(2025, 6, 30)
    )
    TimeLimitPause.objects.create(case=paused, kind=PauseKind.SUSPENSION, started_on=date(2025, 4, 2))
    Case.objects.update(time_limit_first_pause_on=None)
    fill(apps, None)
    assert Case.objects.get(pk=paused.pk).time_limit_first_pause_on == date(2025, 4, 2)
    assert Case.objects.get(pk=plain.pk).time_limit_first_pause_on is None
