"""Migration operations the owning apps use on the case core's deadline table.

Until 2026-12 a deadline about one row carried the row in its kind (``clue_17``,
``funds_payout:20250506``). Each owning app's migration re-tags its own rows with
:func:`retag_deadlines`: the kind becomes the duty alone and the row becomes the ``source``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import migrations

Lookup = Callable[[Any, Any, str], "int | None"]


def by_pk(_apps: Any, _deadline: Any, suffix: str) -> int | None:
    return int(suffix)


def retag_deadlines(
    *, pattern: str, kind: str, source: tuple[str, str] | None, lookup: Lookup = by_pk
) -> migrations.RunPython:
    """Rows whose kind fully matches ``pattern`` (one group: the suffix) get ``kind`` and, when
    ``source`` names a model (app label, model name), the row ``lookup`` finds from the suffix."""
    compiled = re.compile(pattern)

    def forward(apps: Any, _schema_editor: Any) -> None:
        deadline_model = apps.get_model("cases", "Deadline")
        content_type = None
        if source is not None:
            content_types = apps.get_model("contenttypes", "ContentType")
            content_type, _ = content_types.objects.get_or_create(app_label=source[0], model=source[1])
        prefix = pattern.split("(", 1)[0].replace("\\", "")
        for deadline in deadline_model.objects.filter(kind__startswith=prefix).iterator():
            match = compiled.fullmatch(deadline.kind)
            if match is None:
                continue
            deadline.kind = kind
            if content_type is not None:
                source_id = lookup(apps, deadline, match.group(1))
                if source_id is not None:
                    deadline.source_type_id = content_type.pk
                    deadline.source_id = source_id
            deadline.save(update_fields=["kind", "source_type", "source_id"])

    return migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)
