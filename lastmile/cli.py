"""The ``lastmile`` command: one entry point for everything an operator runs.

``lastmile <command> [args]`` runs the Django management command of that name, with hyphens
read as underscores: ``lastmile audit verify``, ``lastmile run``, ``lastmile demo-seed``,
``lastmile migrate``. ``lastmile help`` lists them.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.management import execute_from_command_line

    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["lastmile", *args])


if __name__ == "__main__":
    main()
