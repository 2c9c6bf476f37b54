"""Fixtures shared by every test package.

The real inputs live here: the seed mail as archived, and the real kernel
tree (Debian's linux-source-6.1, unpacked by `pgtool tree init`).
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pgtool.tree import default_tree, init_tree

REPO = Path(__file__).resolve().parent.parent
SEED_MAIL = REPO / "patches" / "seed-2.1.132" / "pg-clean-shared-mapping-sync.patch"


@pytest.fixture(scope="session")
def seed_mail() -> Path:
    """The seed mail exactly as the archive kept it."""
    return SEED_MAIL


@pytest.fixture(scope="session")
def kernel_tree() -> Path:
    """The pristine linux-source-6.1 tree (read-only: copy what you modify)."""
    info = init_tree(default_tree())
    return info.path


@pytest.fixture(scope="session")
def kernel_worktree(kernel_tree: Path) -> Iterator[Path]:
    """A writable checkout of the baseline, shared by the session's tests.

    A git worktree costs one checkout, not another unpack, and it is kept in
    `.cache/` between sessions (a 6.1 checkout takes a minute to write and
    another to delete). It starts each session at the baseline; tests that
    patch it must leave it as they found it (`git checkout -f baseline`).
    A file lock held for the session makes a second test session on the same
    checkout wait rather than reset the tree under the first one's feet.
    """
    path = REPO / ".cache" / "worktree-6.1"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / (path.name + ".lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another test session to release {path}", file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        if not (path / ".git").exists():
            shutil.rmtree(path, ignore_errors=True)
            subprocess.run(["git", "-C", str(kernel_tree), "worktree", "prune"], check=True)
            subprocess.run(
                ["git", "-C", str(kernel_tree), "worktree", "add", "-q", "--detach", str(path), "baseline"],
                check=True,
            )
        else:
            subprocess.run(["git", "-C", str(path), "checkout", "-q", "-f", "--detach", "baseline"], check=True)
        shutil.rmtree(path / ".pc", ignore_errors=True)
        yield path
