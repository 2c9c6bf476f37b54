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
