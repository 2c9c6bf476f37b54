"""The front-end on real Linux 6.1 code: every top-level mm/*.c file (a sample of acceptance 1, 3, 4)."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from pycparser import c_ast

from pgtool.cfront import parse_files
from pgtool.cfront.skeleton import KINDS, ast_counts, control_flow_macros, explain, source_counts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mm_results(kernel_tree: Path):
    files = sorted((kernel_tree / "mm").glob("*.c"))
    assert len(files) > 100
    # No cache: this is the cold path, and any exception fails the test.
    return files, list(parse_files(files, jobs=2))


def test_every_mm_file_parses_without_traceback(mm_results):
    files, results = mm_results
    assert [r.path for r in results] == [str(f) for f in files]
    for r in results:
        assert r.lines > 0
        for failure in r.failures:
            assert failure.line > 0 and failure.reason, failure


def test_mm_coverage_against_ctags(mm_results, kernel_tree):
    files, results = mm_results
    proc = subprocess.run(
        ["ctags", "-x", "--kinds-C=f", "--language-force=C", "--_xformat=%N\t%n\t%F", *map(str, files)],
        capture_output=True, text=True, check=True,
    )
    tags = defaultdict(list)
    for line in proc.stdout.splitlines():
        name, num, path = line.split("\t", 2)
        tags[path].append(int(num))
    total = sum(len(v) for v in tags.values())
    hit = 0
    for r in results:
        spans = list(r.spans)
        for line in tags.get(r.path, []):
            for k, (_, start, end, _) in enumerate(spans):
                if start <= line <= end:
                    hit += 1
                    del spans[k]
                    break
    found = sum(r.found for r in results)
    parsed = sum(len(r.functions) for r in results)
    assert total > 4000
    assert hit / total >= 0.99, (hit, total)
    assert parsed / found >= 0.98, (parsed, found)


def test_mm_control_flow_is_preserved(mm_results):
    _, results = mm_results
    agree = total = 0
    causes = defaultdict(int)
    for r in results:
        src = Path(r.path).read_text(errors="replace").split("\n")
        local = {**r.decls.macros, **{k: ([], v[0], v[1]) for k, v in r.decls.defines.items()}}
        cf = None
        for fn in r.functions:
            text = "\n".join(src[fn.start_line - 1 : fn.end_line])
            a, s = ast_counts(fn.ast), source_counts(text)
            total += 1
            if all(a[k] == s[k] for k in KINDS):
                agree += 1
            else:
                cf = cf if cf is not None else control_flow_macros(local)
                causes[explain(text, a, s, cf)] += 1
    assert agree / total >= 0.97, (agree, total, dict(causes))
    # Every disagreement has a known cause, none is unexplained.
    assert set(causes) <= {
        "conditional compilation (#if branch not taken)",
        "file-local macro with control flow, expanded by cpp",
    }, dict(causes)


def test_lock_calls_in_real_functions_are_visible(mm_results):
    _, results = mm_results
    by_name = {(Path(r.path).name, f.name): f for r in results for f in r.functions}
    fn = by_name[("page_alloc.c", "free_pcppages_bulk")]
    calls = []
    stack = [fn.ast]
    while stack:
        n = stack.pop()
        if isinstance(n, c_ast.FuncCall) and isinstance(n.name, c_ast.ID):
            calls.append((n.name.name, n.coord.line))
        stack.extend(c for _, c in n.children())
    src = Path(next(r.path for r in results if r.path.endswith("/page_alloc.c"))).read_text().split("\n")
    for name, line in calls:
        if name.startswith("spin_"):
            assert name + "(" in src[line - 1], (name, line)
    assert {"spin_lock_irqsave", "spin_unlock_irqrestore"} <= {n for n, _ in calls}
