"""Enforcement API (/api/v1/enforcement): the same operations as the staff pages, each endpoint one
call into a service or selector. Another court's case or row answers 404 (``not_found``); a refused
action answers 409 with ``invalid_transition`` or ``conditions_not_met`` (``details.unmet``).

One module per family of endpoints, each adding its operations to the one ``router``
(:mod:`.router`); importing them here registers them, in this order, before
:mod:`lastmile.web.api` mounts the router.
"""

from __future__ import annotations

# Importing a module registers its operations; this order is the order of the paths in the schema.
# isort: off
from . import cases, time_limits, clues, assistance, settlements, closing  # noqa: F401

# isort: on
from .router import router

# The operation ids stay the ones the endpoints had when they lived in one module
# (``lastmile_enforcement_api_<function>``): clients generated from the schema use them.
for _path in router.path_operations.values():
    for _operation in _path.operations:
        if _operation.operation_id is None:
            _operation.operation_id = f"lastmile_enforcement_api_{_operation.view_func.__name__}"

__all__ = ["router"]
