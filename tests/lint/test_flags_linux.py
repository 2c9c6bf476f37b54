"""The flag checks on real 6.1 files (issue 5, acceptance 2 and 3 in small).

The whole-mm/ run and the full mutant set are in bench/flag_mutants.py; here,
two real release paths of mm/ are checked unmodified and with their clear
deleted, as a change under review.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from pgtool.cfront import parse_file
from pgtool.lint.flags import _one_per_prefix, check_files
from pgtool.lint.flags_family import load_families
from pgtool.rules import load_rules

RELEASE = "flag-not-cleared-at-release"

pytestmark = pytest.mark.slow      # reads the real linux-source-6.1 tree


@pytest.fixture(scope="module")
def rules():
    return load_rules("flags")


@pytest.fixture(scope="module")
def families(kernel_tree, rules):
    return _one_per_prefix(load_families(rules, kernel_tree, only_era="6.x"))


def _delete_first(text: str, function: str, call: str) -> tuple[str, int]:
    """Delete the first `call(...)` statement inside `function`; return text and line."""
    start = re.search(r"^[^\n]*\b" + function + r"\(", text, re.M).start()
    m = re.compile(r"\b" + re.escape(call) + r"\([^;]*\);").search(text, start)
    line = text.count("\n", 0, m.start()) + 1
    return text[:m.start()] + text[m.end():], line


@pytest.mark.parametrize("rel, function, clear, flag", [
    ("mm/slub.c", "__free_slab", "__folio_clear_slab", "PG_slab"),
    ("mm/page_alloc.c", "init_cma_reserved_pageblock", "__ClearPageReserved", "PG_reserved"),
])
def test_deleted_clear_before_free_is_found(kernel_tree, tmp_path, rules, families, rel, function, clear, flag):
    original = (kernel_tree / rel).read_text()
    mutated, line = _delete_first(original, function, clear)
    patch = "".join(difflib.unified_diff(original.splitlines(True), mutated.splitlines(True),
                                         f"a/{rel}", f"b/{rel}"))
    assert f"-\t{clear}(" in patch or f"-\t\t{clear}(" in patch

    def run(text: str):
        path = tmp_path / Path(rel).name
        path.write_text(text)
        parsed = parse_file(str(path))
        return check_files(parsed.functions, rules, families=families, patch_text=patch)

    before = run(original)
    assert [f for f in before if f.check == RELEASE and f.function == function] == []
    after = run(mutated)
    new = {f.fingerprint() for f in after} - {f.fingerprint() for f in before}
    hits = [f for f in after if f.fingerprint() in new and f.check == RELEASE]
    assert [(f.function, f.subject) for f in hits] == [(function, flag)]
    assert hits[0].line > line        # at the free that follows the deleted clear
    assert f"this change deletes a {clear}() call" in hits[0].message


def test_unmodified_release_paths_are_clean(kernel_tree, rules, families):
    functions = []
    for rel in ("mm/page_alloc.c", "mm/swap.c", "mm/slub.c"):
        parsed = parse_file(str(kernel_tree / rel))
        functions += parsed.functions
    found = check_files(functions, rules, families=families)
    assert [f for f in found if f.check == RELEASE] == []


def test_cli_only_flags_text_and_json(kernel_tree, tmp_path):
    """`pgtool lint-locks --only flags`: compiler-shaped text, JSON, exit 1 on a finding, 0 clean."""
    import json
    import shutil
    import subprocess
    import sys

    tree = tmp_path / "linux"
    (tree / "mm").mkdir(parents=True)
    (tree / "include/linux").mkdir(parents=True)
    shutil.copy(kernel_tree / "include/linux/page-flags.h", tree / "include/linux/page-flags.h")
    original = (kernel_tree / "mm/slub.c").read_text()
    # a set on the path to the free: PG_slab is in PAGE_FLAGS_CHECK_AT_FREE
    bad = original.replace("\t__folio_clear_slab(folio);\n", "\t__folio_clear_slab(folio);\n\t__folio_set_slab(folio);\n", 1)
    assert bad != original
    pgtool = [sys.executable, "-m", "pgtool"]

    def lint(text, *extra):
        (tree / "mm/slub.c").write_text(text)
        return subprocess.run(pgtool + ["lint-locks", "--only", "flags", "--no-cache", "-j", "1",
                                        "--tree", str(tree), "mm/slub.c", *extra],
                              capture_output=True, text=True, timeout=600)

    clean = lint(original)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "flag-not-cleared-at-release" not in clean.stdout
    res = lint(bad)
    assert res.returncode == 1, res.stderr
    lines = [ln for ln in res.stdout.splitlines() if "[flag-not-cleared-at-release]" in ln]
    assert len(lines) == 1
    assert re.match(r"^\S+/mm/slub\.c:\d+:\d+: warning: __free_slab: PG_slab can still be set when "
                    r"__free_pages\(\) \(after \w+\(\)[^)]*\) releases the object: set in __free_slab", lines[0])
    res = lint(bad, "--format", "json")
    data = json.loads(res.stdout)
    found = [f for f in data["findings"] if f["check"] == "flag-not-cleared-at-release"]
    assert [(f["function"], f["subject"], f["family"]) for f in found] == [("__free_slab", "PG_slab", "flags")]
