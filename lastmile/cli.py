"""The ``lastmile`` command: one entry point for everything an operator runs.

``lastmile <command> [args]`` runs the Django management command of that name, with hyphens
read as underscores: ``lastmile audit verify``, ``lastmile run``, ``lastmile demo-seed``,
``lastmile migrate``. ``lastmile help`` lists them.

``lastmile run`` on the embedded default (no ``DATABASE_URL``) is demo mode: it sets
``LASTMILE_DEMO=1`` unless the environment says otherwise or ``--no-demo`` is given. Nothing else
turns demo mode on.
"""

from __future__ import annotations

import os
import sys


def demo_requested(args: list[str], environ: dict[str, str] | os._Environ[str]) -> bool:
    """Whether ``lastmile <args>`` starts the embedded demo: ``run`` without ``--no-demo``, on
    the embedded SQLite default, with ``LASTMILE_DEMO`` not set either way."""
    return (
        bool(args)
        and args[0] == "run"
        and "--no-demo" not in args
        and not environ.get("DATABASE_URL", "").strip()
        and "LASTMILE_DEMO" not in environ
    )


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    from django.core.management import execute_from_command_line

    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    if demo_requested(args, os.environ):
        os.environ["LASTMILE_DEMO"] = "1"  # before the settings are read
    execute_from_command_line(["lastmile", *args])


if __name__ == "__main__":
    main()
