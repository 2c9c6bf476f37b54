"""flag-not-cleared-at-release and flag-never-cleared on small functions.

Each case is kernel-style C parsed by the real front-end and checked against
the page-flag family recovered from the 6.1 tree's page-flags.h; the expected
findings are written next to each case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pgtool.cfront import parse_file
from pgtool.lint.flags import _one_per_prefix, check_files
from pgtool.lint.flags_family import load_families
from pgtool.rules import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules("flags")


@pytest.fixture(scope="module")
def families(kernel_tree, rules):
    return _one_per_prefix(load_families(rules, kernel_tree, only_era="6.x"))


def lint(tmp_path: Path, source: str, rules, families, patch_text=None):
    path = tmp_path / "case.c"
    path.write_text(source)
    parsed = parse_file(str(path))
    assert parsed.failures == [], parsed.failures
    found = check_files(parsed.functions, rules, families=families, patch_text=patch_text)
    return sorted((f.check, f.function, f.subject) for f in found), found


RELEASE = "flag-not-cleared-at-release"

pytestmark = pytest.mark.slow      # reads the real linux-source-6.1 tree


@pytest.mark.parametrize("body, expected", [
    # set, then freed: the must-clear flag reaches the free
    ("__SetPageReserved(page); __free_pages(page, 0);", [(RELEASE, "f", "PG_reserved")]),
    # set and cleared before the free
    ("__SetPageReserved(page); __ClearPageReserved(page); __free_pages(page, 0);", []),
    # cleared on one path only
    ("__SetPageReserved(page); if (x) __ClearPageReserved(page); __free_pages(page, 0);",
     [(RELEASE, "f", "PG_reserved")]),
    # a test that is false means clear; a test after a clear cannot be true
    ("SetPageActive(page); if (PageActive(page)) ClearPageActive(page); __free_pages(page, 0);", []),
    # a flag outside PAGE_FLAGS_CHECK_AT_FREE may stay set (it is set and cleared: no never-cleared)
    ("SetPageReferenced(page); if (x) ClearPageReferenced(page); __free_pages(page, 0);", []),
    # the folio and its page are one object
    ("struct folio *folio = page_folio(page); SetPageLRU(page); folio_clear_lru(folio);"
     " free_unref_page(&folio->page, 0);", []),
    ("struct folio *folio = page_folio(page); SetPageLRU(page); if (x) folio_clear_lru(folio);"
     " free_unref_page(&folio->page, 0);", [(RELEASE, "f", "PG_lru")]),
    # another page is another object
    ("SetPageLRU(other); ClearPageLRU(page); __free_pages(other, 0); ClearPageLRU(other);",
     [(RELEASE, "f", "PG_lru")]),
    # a reference drop is not a free for the must-clear flags
    ("lock_page(page); put_page(page); unlock_page(page);", []),
    # goto error unwinding that skips the clear
    ("__SetPageSlab(page); if (x) goto out; __ClearPageSlab(page); return; out: __free_pages(page, 0);",
     [(RELEASE, "f", "PG_slab")]),
])
def test_single_function(tmp_path, rules, families, body, expected):
    source = f"void f(struct page *page, struct page *other, int x)\n{{\n\t{body}\n}}\n"
    got, _ = lint(tmp_path, source, rules, families)
    # flag-never-cleared is the subject of its own test; a lone set trips it here
    assert [g for g in got if g[0] != "flag-never-cleared"] == expected


def test_wrappers_carry_set_clear_and_release(tmp_path, rules, families):
    source = """
static void my_free(struct page *p)
{
	__free_pages(p, 0);
}

static void my_clear(struct page *p)
{
	ClearPageActive(p);
}

static void maybe_clear(struct page *p, int x)
{
	if (x)
		ClearPageActive(p);
}

void good(struct page *page)
{
	SetPageActive(page);
	my_clear(page);
	my_free(page);
}

void bad(struct page *page, int x)
{
	SetPageActive(page);
	maybe_clear(page, x);
	my_free(page);
}
"""
    got, found = lint(tmp_path, source, rules, families)
    assert got == [(RELEASE, "my_free", "PG_active")]
    detail = "\n".join(found[0].details)
    assert "set: bad" in detail and "reached from: bad" in detail and "good" not in detail


def test_loop_variable_names_a_new_page_each_iteration(tmp_path, rules, families):
    source = """
void scan(unsigned long pfn, unsigned long end)
{
	struct page *page;

	for (; pfn < end; pfn++) {
		page = pfn_to_page(pfn);
		if (!PageLRU(page)) {
			SetPageLRU(page);
			continue;
		}
		ClearPageLRU(page);
		__free_pages(page, 0);
	}
}
"""
    got, _ = lint(tmp_path, source, rules, families)
    assert got == []


def test_change_that_drops_a_clear_is_audited(tmp_path, rules, families):
    """Diff-aware: the change deletes ClearPageReferenced(); put_page() may free the page."""
    before = "void f(struct page *page)\n{\n\tClearPageReferenced(page);\n\tput_page(page);\n}\n"
    after = "void f(struct page *page)\n{\n\tput_page(page);\n}\n"
    patch = ("--- a/mm/case.c\n+++ b/mm/case.c\n@@ -1,5 +1,4 @@\n void f(struct page *page)\n {\n"
             "-\tClearPageReferenced(page);\n \tput_page(page);\n }\n")
    assert lint(tmp_path, before, rules, families, patch)[0] == []
    got, found = lint(tmp_path, after, rules, families, patch)
    assert got == [(RELEASE, "f", "PG_referenced")]
    assert "this change deletes a ClearPageReferenced() call" in found[0].message
    # without the diff, a flag the rules do not list is not audited at put_page()
    assert lint(tmp_path, after, rules, families)[0] == []


def test_never_cleared(tmp_path, rules, families):
    source = """
void a(struct page *page)
{
	SetPageChecked(page);
}

void b(struct page *page)
{
	SetPageMappedToDisk(page);
}

void c(struct page *page)
{
	ClearPageMappedToDisk(page);
}
"""
    got, found = lint(tmp_path, source, rules, families)
    assert got == [("flag-never-cleared", "a", "PG_checked")]
    assert found[0].line == 4
