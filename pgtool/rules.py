"""Locate and load the rule files in `rules/` (data, not code).

Search order: an explicit directory, then $PGTOOL_RULES, then the `rules/`
folder beside the package (a source checkout or an editable install), then
the copy a wheel installs under `<prefix>/share/pgtool/rules` (what the
pre-commit framework's own environment gets).
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from pgtool.errors import UserError

_PACKAGE_RULES = Path(__file__).resolve().parent.parent / "rules"
_INSTALLED_RULES = Path(sys.prefix) / "share" / "pgtool" / "rules"


def rules_dir(explicit: str | os.PathLike | None = None) -> Path:
    for candidate in (explicit, os.environ.get("PGTOOL_RULES"), _PACKAGE_RULES, _INSTALLED_RULES):
        if candidate:
            path = Path(candidate)
            if path.is_dir():
                return path
    raise UserError("no rules directory found (set PGTOOL_RULES or pass --rules)")


def load_rules(name: str, explicit: str | os.PathLike | None = None) -> dict:
    """Load `rules/<name>.toml`; a syntax error is reported with file and line."""
    path = rules_dir(explicit) / f"{name}.toml"
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise UserError("rule file not found", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"invalid TOML: {exc}", path=str(path)) from None
