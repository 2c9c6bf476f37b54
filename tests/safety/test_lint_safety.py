"""`pgtool lint-locks` and `pgtool parse` on careless or hostile input: PATHs
read against the right tree, file names that are not UTF-8, damaged rule
files, folders where files are expected. Never a traceback; every output
format stays valid UTF-8."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[2]
PGTOOL = [sys.executable, "-m", "pgtool"]
SARIF_SCHEMA = REPO / "tests" / "lint" / "data" / "sarif-schema-2.1.0.json"

# A lock released on one path only: one inconsistent-exit warning.
LEAKY = b"void %s(void)\n{\n\tspin_lock(&l);\n\tif (x)\n\t\treturn;\n\tspin_unlock(&l);\n}\n"
BALANCED = b"void %s(void)\n{\n\tspin_lock(&l);\n\tspin_unlock(&l);\n}\n"
CAFE = b"caf\xe9.c"   # a name that is not UTF-8 (Latin-1 e-acute)


def pgtool(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run pgtool; stdout and stderr as bytes, so their encoding is checked too."""
    return subprocess.run([*PGTOOL, *args], capture_output=True, cwd=cwd, env=env or dict(os.environ),
                          timeout=300)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    stderr = proc.stderr.decode("utf-8")
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("pgtool: error: "), stderr
    return lines[0]


def write(path: Path | bytes, data: bytes) -> None:
    os.makedirs(os.path.dirname(os.fsencode(path)), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


# -- damaged rule files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ["locks", "macros", "flags"])
@pytest.mark.parametrize("damage", ["folder", "not-utf8", "not-toml"])
def test_damaged_rule_file_is_one_line(tmp_path, rule, damage):
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    path = rules / f"{rule}.toml"
    path.unlink()
    if damage == "folder":
        path.mkdir()
    elif damage == "not-utf8":
        path.write_bytes(b'# caf\xe9\n')
    else:
        path.write_text("[class.x\n")
    src = tmp_path / "a.c"
    src.write_bytes(BALANCED % b"f")
    proc = pgtool("lint-locks", "--no-cache", "--rules", str(rules), str(src))
    assert proc.returncode == 2
    assert f"pgtool: error: {path}: " in one_error_line(proc)


SHAPES = [("locks", 'class = "spinlock"\n'), ("locks", '[[op]]\nclass = 1\n[class]\nx = "binary"\n'),
          ("macros", '[loops]\npatterns = ["list_for_each("]\n'), ("macros", '[[definers]]\nprefix = "x"\n'),
          ("macros", 'typedefs = ["u8"]\n')]


@pytest.mark.parametrize("rule,text", SHAPES)
def test_rule_file_of_the_wrong_shape_is_one_line(tmp_path, rule, text):
    """Valid TOML, but not what the rules mean: a string for a table, a bad regex, a missing key."""
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    path = rules / f"{rule}.toml"
    path.write_text(text)
    src = tmp_path / "a.c"
    src.write_bytes(BALANCED % b"f")
    proc = pgtool("lint-locks", "--no-cache", "--rules", str(rules), str(src))
    assert proc.returncode == 2
    assert f"pgtool: error: {path}: " in one_error_line(proc)


def test_missing_rules_folder_is_an_error_not_the_default_rules(tmp_path):
    src = tmp_path / "a.c"
    src.write_bytes(BALANCED % b"f")
    proc = pgtool("lint-locks", "--no-cache", "--rules", str(tmp_path / "nowhere"), str(src))
    assert proc.returncode == 2
    assert f"{tmp_path / 'nowhere'}: rules directory not found" in one_error_line(proc)
