"""Periodic work of the statistics: the dashboard's summary rebuilt from the cases (.summary)."""

from __future__ import annotations

from django_tasks import task

from lastmile.core.clock import get_clock

from .summary import summary_rebuild


@task()
def statistics_summary_task() -> dict[str, int | str]:
    state = summary_rebuild(now=get_clock().now())
    return {"as_of": state.as_of.isoformat(), "cells": state.cells, "cases": state.cases}
