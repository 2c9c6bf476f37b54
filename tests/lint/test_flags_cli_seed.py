"""Issue 5, acceptance 1 through the command line: `lint-locks --patch` with
the seed mail minus its page_alloc.c hunks finds PG_clean reaching both
frees, although PG_clean is in no rule (the change adds it) and page_alloc.c
is not part of the change, and names the change's setter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "seed-2.1.132"


def lint_patch(patch: Path) -> tuple[int, dict]:
    proc = subprocess.run([sys.executable, "-m", "pgtool", "lint-locks", "--tree", str(FIXTURE), "--patch", str(patch),
                           "--format", "json", "--no-cache"], capture_output=True, text=True)
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def test_seed_without_page_alloc_hunks_reports_pg_clean_at_both_frees(seed_mail: Path, tmp_path: Path) -> None:
    text = seed_mail.read_text()
    start, end = text.index("Index: mm//page_alloc.c"), text.index("Index: include/linux//mm.h")
    partial = tmp_path / "seed-minus-page_alloc.patch"
    partial.write_text(text[:start] + text[end:])
    code, report = lint_patch(partial)
    assert code == 1
    flags = [f for f in report["findings"] if f["check"] == "flag-not-cleared-at-release"]
    assert sorted(f["function"] for f in flags) == ["__free_page", "free_pages"]
    assert all(f["subject"] == "PG_clean" and f["file"].endswith("mm/page_alloc.c") for f in flags)
    assert all("free_pages_ok" in f["message"] for f in flags)
    # page_alloc.c is analysed apart from the change; the change's setter is named all the same
    assert all("the change sets it in filemap_sync_pte (" in f["message"] for f in flags)
    assert all(any(d.startswith("set: filemap_sync_pte (") and "mm/filemap.c:" in d for d in f["details"])
               for f in flags)
    assert not any("panic()" in f["message"] for f in flags), "a noreturn call is no landmark"


def test_whole_seed_patch_has_no_flag_finding(seed_mail: Path) -> None:
    code, report = lint_patch(seed_mail)
    assert code == 0
    assert not [f for f in report["findings"] if f["family"] == "flags"]
    # and the lock fix is reported as fixed
    assert [f["function"] for f in report["fixed"]] == ["do_wp_page"]
