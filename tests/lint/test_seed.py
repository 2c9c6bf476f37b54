"""Acceptance 1: the seed mail's do_wp_page() bug, found before the patch,
gone after it, and reported as fixed by `--patch` on the mail itself."""

from __future__ import annotations

import json
from pathlib import Path

from pgtool.lint.run import Settings, analyse_text
from pgtool.lint.scope import changes_from_patch, lint_change

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "seed-2.1.132"
MEMORY_C = FIXTURE / "mm" / "memory.c"


def _lines(text: str, needle: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


def _do_wp_page_returns(text: str) -> dict[str, list[int]]:
    """Return lines of do_wp_page, read from the fixture (not hard-coded)."""
    lines = text.splitlines()
    start = next(n for n, ln in enumerate(lines, 1) if ln.startswith("static int do_wp_page("))
    end = next(n for n in range(start, len(lines) + 1) if lines[n - 1] == "}")
    returns = [n for n in range(start, end) if lines[n - 1].strip().startswith("return")]
    return {"all": returns, "start": [start], "end": [end]}


def test_pre_patch_do_wp_page_has_one_inconsistent_exit():
    text = MEMORY_C.read_text()
    res = analyse_text(str(MEMORY_C), text, Settings())
    mine = [f for f in res.findings if f.function == "do_wp_page"]
    assert len(mine) == 1, mine
    f = mine[0]
    assert f.check == "inconsistent-exit" and f.subject == "kernel_lock" and f.severity == "warning"
    assert "released on some paths but not others" in f.message
    held = {r.line for r in f.related if "held" in r.message}
    released = {r.line for r in f.related if "released" in r.message}
    rets = _do_wp_page_returns(text)["all"]
    assert len(rets) == 4
    # The two returns after unlock_kernel() in the copy branch are released only;
    # `return 0` under bad_wp_page is held only; `return 1` under end_wp_page is
    # reached held (the three gotos) and released (falling through).
    assert released - held == set(rets[:2])
    assert held == set(rets[2:])
    assert released & held == {rets[2]}
    assert f.line == rets[2]
    assert any("held at return" in d for d in f.details) and any("released at return" in d for d in f.details)
    # the rest of the 2.1.132 file is clean
    assert [x for x in res.findings if x.severity == "warning"] == [f]


def test_post_patch_do_wp_page_is_clean_and_patch_reports_it_fixed():
    patch = REPO / "patches" / "seed-2.1.132" / "pg-clean-shared-mapping-sync.patch"
    changes = changes_from_patch(FIXTURE, patch)
    memory = next(c for c in changes if c.path.endswith("mm/memory.c"))
    new_lines = [ln.strip() for ln in memory.new_text.splitlines()]
    at = new_lines.index("bad_wp_page:")
    assert new_lines[at + 1] == "unlock_kernel();"      # the mail's fix is in the post-patch text
    after = analyse_text(memory.path, memory.new_text, Settings())
    assert [f for f in after.findings if f.function == "do_wp_page"] == []
    result = lint_change(changes, Settings())
    assert result.findings == []
    assert [(f.function, f.check, f.subject) for f in result.fixed] == [("do_wp_page", "inconsistent-exit", "kernel_lock")]


def test_cli_patch_json(tmp_path):
    from click.testing import CliRunner

    from pgtool.lint.cli import lint_locks_cmd

    patch = REPO / "patches" / "seed-2.1.132" / "pg-clean-shared-mapping-sync.patch"
    run = CliRunner().invoke(lint_locks_cmd, ["--tree", str(FIXTURE), "--patch", str(patch), "--format", "json",
                                              "--cache-dir", str(tmp_path)])
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert doc["findings"] == []
    assert [(f["function"], f["check"]) for f in doc["fixed"]] == [("do_wp_page", "inconsistent-exit")]
