"""`pgtool parse` (exit codes, JSON, errors) and the content-hash cache of parse_files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import pgtool.cfront.frontend as frontend
from pgtool.cfront import parse_files

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
PGTOOL = [sys.executable, "-m", "pgtool"]


def run(*args, cwd=REPO):
    return subprocess.run([*PGTOOL, *args], capture_output=True, text=True, cwd=cwd)


def test_parse_json_lists_functions_and_totals(tmp_path):
    proc = run("parse", "--json", "--no-cache", str(DATA / "old_era.c"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    (entry,) = data["files"]
    assert entry["found"] == entry["parsed"] == 11
    assert {"name": "oldera_read", "start_line": 77, "end_line": 100, "static": True} in entry["functions"]
    assert data["total"]["failed"] == 0
    assert data["total"]["lines"] == len((DATA / "old_era.c").read_text().splitlines())


def test_parse_stats_and_failures_exit_1(tmp_path):
    bad = tmp_path / "bad.c"
    bad.write_text("int ok(void)\n{\n\treturn 0;\n}\n\nint broken(void)\n{\n\treturn 1 +* / 2;\n}\n")
    proc = run("parse", "--stats", "--no-cache", str(bad))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{bad}: 2 found, 1 parsed, 1 failed"
    assert lines[1].startswith(f"{bad}:8:1: error: ") and lines[1].endswith("(in broken)")
    assert "total: 1 files, 9 lines, 2 functions found, 1 parsed (50.00%), 1 failed" in proc.stdout


def test_missing_path_is_a_one_line_error():
    proc = run("parse", "/nonexistent/x.c")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "pgtool: error: /nonexistent/x.c: no such file or directory"
    assert "Traceback" not in proc.stderr


def test_binary_or_non_c_input_does_not_traceback(tmp_path):
    junk = tmp_path / "junk.c"
    junk.write_bytes(bytes(range(256)) * 20 + b"\nint f(void) { return 0; }\n")
    proc = run("parse", "--no-cache", str(junk))
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1)


def test_cache_second_run_does_no_parsing(tmp_path, monkeypatch):
    files = []
    for name in ("a.c", "b.c"):
        shutil.copy(DATA / "old_era.c", tmp_path / name)
        files.append(tmp_path / name)
    cache = tmp_path / "cache"
    first = list(parse_files(files, jobs=1, cache_dir=cache))
    assert [len(r.functions) for r in first] == [11, 11]

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(frontend, "parse_file", no_parse)
    second = list(parse_files(files, jobs=1, cache_dir=cache))
    assert [len(r.functions) for r in second] == [11, 11]
    # ASTs come back from the cache intact, with original lines.
    fn = {f.name: f for f in second[0].functions}["oldera_read"]
    assert fn.ast.decl.name == "oldera_read" and fn.ast.coord.line == fn.start_line

    # A changed file is parsed again (and only that one).
    (tmp_path / "b.c").write_text((DATA / "old_era.c").read_text() + "\nint extra(void)\n{\n\treturn 1;\n}\n")
    with pytest.raises(AssertionError, match="parsed although cached"):
        list(parse_files(files, jobs=1, cache_dir=cache))
    monkeypatch.undo()
    third = list(parse_files(files, jobs=1, cache_dir=cache))
    assert [len(r.functions) for r in third] == [11, 12]


def test_process_pool_gives_the_same_results_in_order(tmp_path):
    files = [DATA / "old_era.c", REPO / "tests/fixtures/seed-2.1.132/mm/memory.c"]
    serial = [(r.path, [f.name for f in r.functions]) for r in parse_files(files, jobs=1)]
    pooled = [(r.path, [f.name for f in r.functions]) for r in parse_files(files, jobs=2)]
    assert serial == pooled
    assert [p for p, _ in pooled] == [str(f) for f in files]
