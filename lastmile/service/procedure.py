"""Which procedure a case is tried under, as the stage that tries it says.

Public notice (公告送达, CPL 2023 art. 95) is not used in simplified procedure or small claims
(民诉解释 2022 art. 140); whether a first-instance civil case (民初) is in ordinary procedure is a
fact of the trial stage (``trial.Lawsuit.procedure``), which sits above service. Service owns this
port and reads the fact through it; trial fills it when the app starts (``TrialConfig.ready``).
The fact keeps one home and service imports nothing from above. A case type nobody registered
reads as unknown (``None``), and its public notice is refused as before: deny by default."""

from __future__ import annotations

from collections.abc import Callable

from lastmile.cases.models import Case

ORDINARY = "ordinary"
"""The procedure value in which public notice is allowed (普通程序)."""

ProcedureReader = Callable[[Case], "str | None"]

_readers: dict[str, ProcedureReader] = {}


def procedure_reader_register(type_code: str, reader: ProcedureReader) -> None:
    """Let the stage trying cases of ``type_code`` say which procedure one is in (``"ordinary"``,
    ``"simplified"``, ``"small_claims"``, or ``None`` when it does not know the case)."""
    _readers[type_code] = reader


def case_procedure(case: Case) -> str | None:
    """The procedure ``case`` is tried under, or ``None`` when no stage says."""
    reader = _readers.get(case.type_code)
    return reader(case) if reader is not None else None
