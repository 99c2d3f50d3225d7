"""What the ledger's batch paths (a bank statement's import, the statements of many cases) share."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch, and restore it after.

    A batch allocates hundreds of thousands of small objects (rows, Decimals, tuples, the chain's
    JSON), nearly all freed by reference counting, yet each allocation counts towards the
    collector's thresholds: it ran over a thousand collections in an import of 20,000 receipts,
    the full ones walking every live object of the process (a quarter of the import's CPU in
    ``bench/ledger.py``). Cycles made during the batch are collected once it ends. Nested or
    parallel uses are safe: only the use that found the collector running turns it back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
