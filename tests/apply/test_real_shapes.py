"""Shapes real patch files take, read as git apply and GNU patch read them.

Each case builds a scratch git repository from real 6.1 files, makes the
patch with git itself, puts it in the shape distributions ship it in, and
requires pgtool to give the tree `git apply` gives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .helpers import run_pgtool, tree_digest

pytestmark = pytest.mark.slow  # the real kernel tree

FILES = ["mm/page_idle.c", "lib/sort.c", "lib/bcd.c", "Kconfig", "Makefile"]
ENV = dict(os.environ, GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.org", GIT_COMMITTER_NAME="A",
           GIT_COMMITTER_EMAIL="a@example.org", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout


@pytest.fixture
def repo(kernel_tree, tmp_path):
    root = tmp_path / "repo"
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(kernel_tree / rel, root / rel)
    git(root, "init", "-q", "-b", "master")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    text = (repo / rel).read_text()
    assert old in text
    (repo / rel).write_text(text.replace(old, new, 1))


def both(repo: Path, tmp_path: Path, patch_text: str, base: str = "master~0") -> tuple[Path, Path]:
    """The tree git apply makes and the one pgtool makes from `patch_text`, from `base`."""
    patch = tmp_path / "shape.patch"
    patch.write_text(patch_text)
    out = []
    for tool in ("git", "pgtool"):
        tree = tmp_path / tool
        shutil.copytree(repo, tree, symlinks=True)
        git(tree, "checkout", "-q", "-f", base)
        if tool == "git":
            proc = subprocess.run(["git", "-C", str(tree), "apply", str(patch)], capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
        else:
            proc = run_pgtool("apply", "--tree", str(tree), str(patch))
            assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
        out.append(tree)
    return out[0], out[1]


def three_commits(repo: Path) -> list[str]:
    edit(repo, "mm/page_idle.c", "page_idle_clear_pte_refs", "page_idle_clear_refs")
    git(repo, "commit", "-q", "-am", "mm: rename")
    edit(repo, "lib/sort.c", "swap_words_32", "swap_words32")
    git(repo, "commit", "-q", "-am", "lib: sort")
    edit(repo, "lib/bcd.c", "_bcd2bin", "bcd2bin_")
    git(repo, "commit", "-q", "-am", "lib: bcd")
    return [git(repo, "diff", f"HEAD~{k + 1}", f"HEAD~{k}") for k in (2, 1, 0)]


def test_concatenated_diffs_each_with_a_signature(repo, tmp_path):
    """Three `git diff` outputs, each followed by format-patch's signature: all three are patched
    (the first signature used to end the parse: one file of three, exit 0)."""
    diffs = three_commits(repo)
    text = "".join(d + "-- \n2.39.2\n\n" for d in diffs)
    by_git, by_pgtool = both(repo, tmp_path, text, "HEAD~3")
    assert tree_digest(by_git) == tree_digest(by_pgtool)
    assert "bcd2bin_" in (by_pgtool / "lib/bcd.c").read_text()


@pytest.mark.parametrize("tail", ["---\n", "-- \n", "--\n", "-- \n2.39.2\n"])
def test_a_separator_after_the_last_hunk_is_not_a_removed_line(repo, tmp_path, tail):
    diffs = three_commits(repo)
    by_git, by_pgtool = both(repo, tmp_path, diffs[0] + tail, "HEAD~3")
    assert tree_digest(by_git) == tree_digest(by_pgtool)


def test_strip_level_never_makes_new_files_collide(repo, tmp_path):
    """New files under drivers/foo/ named Kconfig and Makefile: -p4 would find the tree's top-level
    Kconfig and Makefile; git's -p1 is right and nothing collides."""
    foo = repo / "drivers/foo"
    foo.mkdir(parents=True)
    (foo / "Kconfig").write_text("config FOO\n\ttristate \"foo\"\n")
    (foo / "Makefile").write_text("obj-$(CONFIG_FOO) += foo.o\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "foo")
    patch = git(repo, "diff", "HEAD~1", "HEAD")
    by_git, by_pgtool = both(repo, tmp_path, patch, "HEAD~1")
    assert tree_digest(by_git) == tree_digest(by_pgtool)
    assert (by_pgtool / "Kconfig").read_bytes() == (repo / "Kconfig").read_bytes()


def test_strip_level_of_a_mixed_patch_is_voted_by_existing_files(repo, tmp_path):
    """A patch editing lib/sort.c and adding lib/Makefile and mm/Kconfig (basenames of top-level files)."""
    edit(repo, "lib/sort.c", "swap_words_32", "swap_words32")
    (repo / "lib/Makefile").write_text("obj-y += sort.o\n")
    (repo / "mm/Kconfig").write_text("menu \"mm\"\nendmenu\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "mixed")
    patch = git(repo, "diff", "HEAD~1", "HEAD")
    by_git, by_pgtool = both(repo, tmp_path, patch, "HEAD~1")
    assert tree_digest(by_git) == tree_digest(by_pgtool)


def _diff(rel: str, old: str, new: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{rel}", f"b/{rel}"))


def test_a_change_the_tree_has_is_never_applied_again_at_a_similar_table(kernel_tree, tmp_path):
    """mm/vmstat.c's vmstat_text table with one entry renamed, already in the tree; further down the
    file a second table like the first (its lines re-aligned with spaces). The patch is already
    applied: pgtool must say so (exit 1, nothing written), never place the rename in the second table
    ignoring whitespace (git apply and GNU patch refuse it too)."""
    rel = "mm/vmstat.c"
    old = (kernel_tree / rel).read_text()
    lines = old.splitlines(keepends=True)
    at = lines.index('\t"nr_free_pages",\n')
    edited = lines[:at] + ['\t"nr_free_pages_total",\n'] + lines[at + 1:]
    patch = tmp_path / "rename.patch"
    patch.write_text(_diff(rel, old, "".join(edited)))
    # the tree: the change applied, and a second table like the old one, 200 lines further down
    twin = ["/* a second table, laid out with spaces */\n"] + [x.replace("\t", "    ") for x in lines[at - 3:at + 4]]
    tree_lines = edited[:at + 200] + twin + edited[at + 200:]
    tree = tmp_path / "t"
    (tree / rel).parent.mkdir(parents=True)
    (tree / rel).write_text("".join(tree_lines))
    before = (tree / rel).read_bytes()
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1 and "already applied" in out, out
    assert (tree / rel).read_bytes() == before
    assert subprocess.run(["patch", "-p1", "--dry-run", "-d", str(tree), "-i", str(patch)],
                          capture_output=True).returncode != 0


def test_damage_is_local_clean_files_stay_byte_exact(kernel_tree, tmp_path):
    """One mail, three files: mm/page_alloc.c's hunk lost its context lines' leading space (repaired),
    while a Kconfig entry at column 0 and '#define' lines with a space must come out exactly as written
    (repair once re-indented them: 'config X' became help text)."""
    files = {"mm/page_alloc.c": None, "fs/proc/Kconfig": None, "include/linux/pagevec.h": None}
    olds = {rel: (kernel_tree / rel).read_text() for rel in files}
    news = dict(olds)
    news["mm/page_alloc.c"] = olds["mm/page_alloc.c"].replace(
        "int page_group_by_mobility_disabled __read_mostly;\n",
        "int page_group_by_mobility_disabled __read_mostly;\nstatic int pgtool_marker;\n", 1)
    news["fs/proc/Kconfig"] = olds["fs/proc/Kconfig"].replace(
        "config PROC_FS\n", "config PROC_STRIPPED\n\tbool \"strip /proc\"\n\nconfig PROC_FS\n", 1)
    news["include/linux/pagevec.h"] = olds["include/linux/pagevec.h"].replace(
        "#define PAGEVEC_SIZE\t15\n", "#define PAGEVEC_SIZE\t15\n#define PAGEVEC_A 1\n#define PAGEVEC_B 2\n", 1)
    assert all(news[r] != olds[r] for r in files)
    parts = []
    for rel in files:
        diff = _diff(rel, olds[rel], news[rel])
        if rel == "mm/page_alloc.c":  # the archive ate the context lines' leading space
            diff = "".join(line[1:] if line.startswith(" ") else line for line in diff.splitlines(keepends=True))
        parts.append(diff)
    patch = tmp_path / "mail.patch"
    patch.write_text("From: A <a@example.org>\nSubject: [PATCH] three files\n\n" + "".join(parts))
    tree = tmp_path / "t"
    for rel in files:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(olds[rel])
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 0 and "repair:" in out, out
    for rel in files:
        assert (tree / rel).read_text() == news[rel], rel
