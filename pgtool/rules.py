"""Locate and load the rule files in `rules/` (data, not code).

Search order: an explicit directory, then $PGTOOL_RULES, then the `rules/`
folder beside the package (a source checkout or an editable install), then
the copy a wheel installs under `<prefix>/share/pgtool/rules` (what the
pre-commit framework's own environment gets). A directory the user names
(`--rules`, $PGTOOL_RULES) that is not there is an error, never a silent
fall-back to the default rules. A rule file that cannot be read, is not
UTF-8 or is not TOML is a one-line error naming it.
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
    for given in (explicit, os.environ.get("PGTOOL_RULES")):
        if given:
            if not Path(given).is_dir():
                raise UserError("rules directory not found", path=os.fspath(given))
            return Path(given)
    for candidate in (_PACKAGE_RULES, _INSTALLED_RULES):
        if candidate.is_dir():
            return candidate
    raise UserError("no rules directory found (set PGTOOL_RULES or pass --rules)")


def load_rules(name: str, explicit: str | os.PathLike | None = None) -> dict:
    """Load `rules/<name>.toml`; a syntax error is reported with file and line."""
    path = rules_dir(explicit) / f"{name}.toml"
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise UserError("rule file not found", path=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read the rule file: {exc.strerror}", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise UserError(f"invalid TOML: not UTF-8 (byte {exc.start})", path=str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"invalid TOML: {exc}", path=str(path)) from None
