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

from .sandbox import one_error_line

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


def write(path: Path | bytes, data: bytes) -> None:
    os.makedirs(os.path.dirname(os.fsencode(path)), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


# -- PATHs are read inside --tree ----------------------------------------------------------------------

@pytest.fixture
def two_trees(tmp_path):
    """Tree A holds mm/a.c (balanced), tree B holds mm/b.c (leaky): both have an mm/."""
    a, b = tmp_path / "A", tmp_path / "B"
    write(a / "mm" / "a.c", BALANCED % b"a_only")
    write(b / "mm" / "b.c", LEAKY % b"b_only")
    return a, b


def findings(proc: subprocess.CompletedProcess) -> list[dict]:
    return json.loads(proc.stdout.decode("utf-8"))["findings"]


def test_relative_path_is_read_in_the_tree_not_the_current_folder(two_trees):
    a, b = two_trees
    proc = pgtool("lint-locks", "mm", "--tree", "../B", "--no-cache", "--format", "json", cwd=a)
    assert proc.returncode == 1, proc.stderr
    found = findings(proc)
    assert [f["function"] for f in found] == ["b_only"]
    assert Path(a, found[0]["file"]).resolve() == (b / "mm" / "b.c").resolve()
    whole = json.loads(proc.stdout)
    assert whole["files"] == 1 and whole["functions"] == 1


def test_absolute_path_stays_absolute(two_trees):
    a, b = two_trees
    proc = pgtool("lint-locks", str(a / "mm"), "--tree", str(b), "--no-cache", "--format", "json", cwd=b)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["functions"] == 1      # a_only, from tree A


def test_path_relative_to_the_current_folder_only_is_refused(two_trees):
    a, b = two_trees
    proc = pgtool("lint-locks", "A/mm", "--tree", "B", "--no-cache", cwd=a.parent)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert "B/A/mm: not in the tree B" in line and "relative to --tree" in line


def test_without_tree_paths_are_read_from_the_current_folder(two_trees):
    a, _ = two_trees
    proc = pgtool("lint-locks", "mm", "--no-cache", "--format", "json", cwd=a)
    assert proc.returncode == 0 and json.loads(proc.stdout)["functions"] == 1


# -- file names that are not UTF-8 ---------------------------------------------------------------------

@pytest.fixture
def latin1_tree(tmp_path):
    tree = tmp_path / "tree"
    write(os.fsencode(tree / "mm") + b"/" + CAFE, LEAKY % b"f")
    write(tree / "mm" / "plain.c", BALANCED % b"g")
    return tree


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_name_not_utf8_is_linted_in_every_format(latin1_tree, tmp_path, fmt, jobs):
    proc = pgtool("lint-locks", "mm", "--tree", str(latin1_tree), "--format", fmt, "-j", jobs,
                  "--cache-dir", str(tmp_path / "cache"))
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr
    out = proc.stdout.decode("utf-8")      # strict: valid UTF-8
    shown = f"{latin1_tree}/mm/caf\\xe9.c"
    if fmt == "text":
        assert out.startswith(f"{shown}:5:3: warning: f: ") and "[inconsistent-exit]" in out
        return
    doc = json.loads(out)
    if fmt == "json":
        assert [(f["file"], f["function"]) for f in doc["findings"]] == [(shown, "f")]
        assert all(r["file"] == shown for r in doc["findings"][0]["related"])
        return
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    (result,) = doc["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == f"{latin1_tree}/mm/caf%E9.c"


def test_name_not_utf8_in_a_change_against_git(tmp_path):
    """Diff mode reads git's names unquoted: the file is linted, not silently skipped."""
    repo = tmp_path / "repo"
    name = os.fsencode(repo / "mm") + b"/" + CAFE
    write(name, BALANCED % b"f")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "base"], check=True, env=env)
    write(name, LEAKY % b"f")
    proc = pgtool("lint-locks", "--tree", str(repo), "--base", "HEAD", "--no-cache", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    (finding,) = findings(proc)
    assert finding["file"].endswith("mm/caf\\xe9.c") and finding["check"] == "inconsistent-exit"


def test_parse_lists_a_name_not_utf8(latin1_tree, tmp_path):
    shown = f"{latin1_tree}/mm/caf\\xe9.c"
    text = pgtool("parse", "--cache-dir", str(tmp_path / "cache"), str(latin1_tree / "mm"))
    assert text.returncode == 0, text.stderr
    assert f"{shown}: 1 found, 1 parsed, 0 failed" in text.stdout.decode("utf-8")
    as_json = pgtool("parse", "--json", "--cache-dir", str(tmp_path / "cache"), str(latin1_tree / "mm"))
    assert as_json.returncode == 0, as_json.stderr
    assert shown in [f["path"] for f in json.loads(as_json.stdout.decode("utf-8"))["files"]]


# -- folders and other files where a C file is expected ------------------------------------------------

def test_folder_named_like_a_c_file_is_not_parsed(tmp_path):
    src = tmp_path / "src"
    (src / "odd.c").mkdir(parents=True)
    write(src / "real.c", BALANCED % b"f")
    proc = pgtool("parse", "--cache-dir", str(tmp_path / "cache"), str(src))
    assert proc.returncode == 0, proc.stderr
    assert b"odd.c" not in proc.stdout and b"real.c: 1 found, 1 parsed" in proc.stdout


def test_parse_of_a_folder_given_by_name_lists_it_as_unreadable(tmp_path):
    from pgtool.cfront.frontend import parse_files

    folder = tmp_path / "odd.c"
    folder.mkdir()
    (res,) = list(parse_files([folder], jobs=1, cache_dir=tmp_path / "cache"))
    assert res.failures and "cannot read" in res.failures[0].reason


def test_special_file_given_as_path_is_a_one_line_error(tmp_path):
    fifo = tmp_path / "pipe.c"
    os.mkfifo(fifo)
    proc = pgtool("lint-locks", "--no-cache", str(fifo))
    assert proc.returncode == 2
    assert f"{fifo}: not a regular file or a folder" in one_error_line(proc)


def test_file_vanishing_between_phases_is_listed_not_fatal(tmp_path):
    from pgtool.lint.run import Settings, _phase_b

    result = _phase_b((str(tmp_path / "gone.c"), Settings(), "digest", {}))
    assert result.failures and result.failures[0].reason.startswith("cannot read")


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
