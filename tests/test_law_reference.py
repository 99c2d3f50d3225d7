"""docs/law.md is the project's reference of the law it implements: every function and every test
it names must exist, so the page cannot drift from the code."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAW = ROOT / "docs" / "law.md"


def _rows() -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(LAW.read_text(encoding="utf-8").splitlines(), 1):
        if not line.startswith("| ") or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if len(cells) == 4 and cells[0] != "Rule":
            rows.append((number, cells))
    return rows


def _functions() -> list[tuple[int, str]]:
    found = []
    for number, cells in _rows():
        for name in re.findall(r"`([a-z_]+(?:\.[A-Za-z_][A-Za-z_0-9]*)+)`", cells[2]):
            found.append((number, name))
    return found


def _tests() -> list[tuple[int, str, str]]:
    found = []
    for number, cells in _rows():
        path = ""
        for ref in re.findall(r"`([^`]*::[A-Za-z_0-9]+)`", cells[3]):
            file, _, name = ref.partition("::")
            path = file or path
            found.append((number, path, name))
    return found


def _resolve(dotted: str) -> bool:
    """``app.module.name[.attr]`` under ``lastmile``: import the longest module prefix, then walk."""
    parts = f"lastmile.{dotted}".split(".")
    for cut in range(len(parts), 1, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


def test_the_page_has_rules():
    assert len(_rows()) > 60 and len(_functions()) > 100 and len(_tests()) > 100


def test_every_named_function_exists():
    missing = [f"docs/law.md:{line}: `{name}`" for line, name in _functions() if not _resolve(name)]
    assert not missing, "\n".join(missing)


def test_every_named_test_exists():
    missing = []
    defined: dict[str, set[str]] = {}
    for line, path, name in _tests():
        if path not in defined:
            file = ROOT / path
            defined[path] = (
                {
                    n.name
                    for n in ast.walk(ast.parse(file.read_text(encoding="utf-8")))
                    if isinstance(n, ast.FunctionDef)
                }
                if file.is_file()
                else set()
            )
        if name not in defined[path]:
            missing.append(f"docs/law.md:{line}: {path}::{name}")
    assert not missing, "\n".join(missing)
