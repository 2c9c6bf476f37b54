"""Issue 5, acceptance 1: the PG_clean mail on the rebuilt Linux 2.1.132 files.

The post-patch files are produced here from the mail's hunks by `apply_mail`, a
small whitespace-blind applier (the archive stripped the leading blank of
every context line, so `patch` refuses the mail; `pgtool apply` is the real
tool for that, this helper only has to be right on this one mail and is
checked to be: every hunk must land exactly, with its old and new line counts).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pgtool.cfront import parse_file
from pgtool.lint.flags import check_files
from pgtool.rules import load_rules

REPO = Path(__file__).resolve().parents[2]
SEED_TREE = REPO / "tests" / "fixtures" / "seed-2.1.132"
C_FILES = ["mm/filemap.c", "mm/memory.c", "mm/page_alloc.c"]


def mail_hunks(mail: str) -> list[tuple[str, int, int, list[str]]]:
    """(file, old count, new count, body lines) of every hunk of the mail."""
    hunks, current_file, lines = [], None, mail.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^Index: (\S+)", line)
        if m:
            current_file = re.sub(r"/+", "/", m.group(1))
        h = re.match(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@", line)
        if h and current_file:
            body = []
            i += 1
            while i < len(lines) and not lines[i].startswith(("@@", "Index: ")):
                body.append(lines[i])
                i += 1
            hunks.append((current_file, int(h.group(1) or 1), int(h.group(2) or 1), body))
            continue
        i += 1
    return hunks


def _norm(text: str) -> str:
    return "".join(text.split())     # the archive changed blanks inside lines too


def _align(body, file_lines, start, old_n, new_n):
    """Classify hunk lines against the file from `start`; None if it does not fit."""
    pos, old, new, out = start, 0, 0, []
    for raw in body:
        if old == old_n and new == new_n:
            break
        here = _norm(file_lines[pos]) if pos < len(file_lines) else None
        if here is not None and _norm(raw) == here and old < old_n and new < new_n:
            out.append((" ", file_lines[pos]))
            pos, old, new = pos + 1, old + 1, new + 1
        elif raw.startswith("-") and here is not None and _norm(raw[1:]) == here and old < old_n:
            out.append(("-", file_lines[pos]))
            pos, old = pos + 1, old + 1
        elif raw.startswith("+") and new < new_n:
            out.append(("+", "\t" + raw[1:].strip() if raw[1:].strip() else ""))
            new += 1
        else:
            return None
    if (old, new) != (old_n, new_n):
        return None
    return out, pos


def apply_mail(mail: str, tree: Path, skip=lambda path, index: False) -> int:
    """Apply the mail's hunks to `tree` in place; returns how many were applied."""
    applied = 0
    per_file: dict[str, int] = {}
    for path, old_n, new_n, body in mail_hunks(mail):
        index = per_file.get(path, 0)
        per_file[path] = index + 1
        if skip(path, index):
            continue
        target = tree / path
        file_lines = target.read_text().split("\n")
        for start in range(len(file_lines)):
            got = _align(body, file_lines, start, old_n, new_n)
            if got:
                break
        else:
            raise AssertionError(f"hunk {index} of {path} does not apply")
        ops, end = got
        new_lines = [text for kind, text in ops if kind != "-"]
        target.write_text("\n".join(file_lines[:start] + new_lines + file_lines[end:]))
        applied += 1
    return applied


@pytest.fixture(scope="module")
def rules():
    return load_rules("flags")


def _tree(tmp_path: Path, mail: str, skip=lambda p, i: False, mutate=None) -> Path:
    tree = tmp_path / "linux-2.1.132"
    shutil.copytree(SEED_TREE, tree)
    apply_mail(mail, tree, skip)
    if mutate:
        mutate(tree)
    return tree


def _lint(tree: Path, rules, mail: str):
    functions = []
    for rel in C_FILES:
        parsed = parse_file(str(tree / rel))
        assert parsed.failures == [], parsed.failures
        functions += parsed.functions
    return check_files(functions, rules, patch_text=mail)


def test_applier_lands_every_hunk(seed_mail, tmp_path):
    mail = seed_mail.read_text(errors="replace")
    assert len(mail_hunks(mail)) == 10
    tree = tmp_path / "t"
    shutil.copytree(SEED_TREE, tree)
    assert apply_mail(mail, tree) == 10
    page_alloc = (tree / "mm/page_alloc.c").read_text()
    assert page_alloc.count("PageClearClean(") == 2
    assert "#define PG_clean 11" in re.sub(r"\s+", " ", (tree / "include/linux/mm.h").read_text())


def test_whole_patch_gives_no_flag_finding(seed_mail, tmp_path, rules):
    mail = seed_mail.read_text(errors="replace")
    tree = _tree(tmp_path, mail)
    findings = _lint(tree, rules, mail)
    assert findings == [], [f"{f.check}: {f.function}: {f.message}" for f in findings]


def test_patch_without_page_alloc_hunks_finds_pg_clean_at_release(seed_mail, tmp_path, rules):
    mail = seed_mail.read_text(errors="replace")
    tree = _tree(tmp_path, mail, skip=lambda path, index: path.endswith("page_alloc.c"))
    findings = _lint(tree, rules, mail)
    for f in findings:
        print(f.file, f.line, f.function, f.check, f.message, *f.details, sep="\n    ")
    assert {f.check for f in findings} == {"flag-not-cleared-at-release"}
    assert {f.subject for f in findings} == {"PG_clean"}
    assert sorted(f.function for f in findings) == ["__free_page", "free_pages"]
    page_alloc = (tree / "mm/page_alloc.c").read_text().split("\n")
    for f in findings:
        assert f.file.endswith("mm/page_alloc.c")
        assert "free_pages_ok(" in page_alloc[f.line - 1]          # the release call itself
        assert "filemap_sync_pte" in f.message
        assert "new in this change" in f.message
    # PG_clean is not in rules/flags.toml: it is audited because the change adds it
    for spec in rules["family"]:
        assert "PG_clean" not in spec.get("must_clear", [])


def test_pg_clean_on_pg_skip_bit_is_a_collision(seed_mail, tmp_path, rules):
    mail = seed_mail.read_text(errors="replace")
    on_skip = re.sub(r"(\+#define PG_clean\s+)11", r"\g<1>10", mail)
    assert on_skip != mail
    tree = _tree(tmp_path, on_skip)
    findings = _lint(tree, rules, on_skip)
    collisions = [f for f in findings if f.check == "flag-bit-collision"]
    assert len(collisions) == 1
    assert collisions[0].subject == "PG_clean" and "PG_skip" in collisions[0].message
    assert collisions[0].file.endswith("include/linux/mm.h")


def test_registry_entry_point_matches(seed_mail, tmp_path, rules):
    """`pgtool.lint.checks` runs the family through flags.run(ctx); diff scope filters it."""
    from pgtool.lint.checks import CheckContext, run_families

    mail = seed_mail.read_text(errors="replace")
    tree = _tree(tmp_path, mail, skip=lambda path, index: path.endswith("page_alloc.c"))
    parsed = [parse_file(str(tree / rel)) for rel in C_FILES]
    functions = [fn for p in parsed for fn in p.functions]
    ctx = CheckContext(functions=functions, decls={p.path: p.decls for p in parsed})
    ctx.patch_text = mail          # what diff mode hands over (see /tmp/flags-needs.md)
    found = run_families(["flags"], ctx)
    assert sorted(f.function for f in found) == ["__free_page", "free_pages"]
    assert {f.family for f in found} == {"flags"}
    # A bit the change introduces is audited at every release, in scope or not
    # (free_pages is untouched by the change and still must clear it) ...
    ctx.scope = {(str(tree / "mm/filemap.c"), "filemap_sync_pte")}
    assert sorted(f.function for f in run_families(["flags"], ctx)) == ["__free_page", "free_pages"]
    # ... while a flag the change does not touch is not audited at all.
    ctx.patch_text = None
    assert run_families(["flags"], ctx) == []


def test_new_bit_known_from_the_change_alone(seed_mail, tmp_path, rules):
    """The tree's mm.h still pre-patch (as `lint-locks --patch` sees the tree): PG_clean and its
    accessors come from the change's `+#define PG_clean 11` and the rules' 2.x accessor spellings."""
    mail = seed_mail.read_text(errors="replace")
    keep_header = lambda path, index: path.endswith("mm.h")     # noqa: E731
    without_free = lambda path, index: path.endswith(("mm.h", "page_alloc.c"))   # noqa: E731
    tree = _tree(tmp_path / "a", mail, skip=keep_header)
    assert "PG_clean" not in (tree / "include/linux/mm.h").read_text()
    assert _lint(tree, rules, mail) == []
    tree = _tree(tmp_path / "b", mail, skip=without_free)
    found = _lint(tree, rules, mail)
    assert sorted((f.check, f.function, f.subject) for f in found) == [
        ("flag-not-cleared-at-release", "__free_page", "PG_clean"),
        ("flag-not-cleared-at-release", "free_pages", "PG_clean")]
    assert all("filemap_sync_pte" in f.message for f in found)
