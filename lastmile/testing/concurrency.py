"""Run functions at the same moment in threads, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections


def run_parallel(workers: Sequence[Callable[[], object]]) -> None:
    """Start every worker together (behind a barrier), wait for all, and fail if any raised."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def wrap(fn: Callable[[], object]) -> Callable[[], None]:
        def go() -> None:
            try:
                barrier.wait()
                fn()
            except BaseException as exc:  # reported below, with the others
                errors.append(exc)
            finally:
                connections.close_all()

        return go

    threads = [threading.Thread(target=wrap(fn)) for fn in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [], errors
