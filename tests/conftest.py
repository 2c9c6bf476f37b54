"""Fixtures shared by every test package.

The real inputs live here: the seed mail as archived, and the real kernel
tree (Debian's linux-source-6.1, unpacked by `pgtool tree init`).
"""

from __future__ import annotations

import subprocess
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
def kernel_worktree(kernel_tree: Path, tmp_path_factory) -> Path:
    """A writable checkout of the baseline, shared by the session's tests.

    A git worktree costs one checkout, not another unpack; tests that patch it
    must leave it as they found it (`git checkout -f baseline`).
    """
    path = tmp_path_factory.mktemp("worktree") / "linux"
    subprocess.run(
        ["git", "-C", str(kernel_tree), "worktree", "add", "-q", "--detach", str(path), "baseline"],
        check=True,
    )
    yield path
    subprocess.run(["git", "-C", str(kernel_tree), "worktree", "remove", "--force", str(path)], check=False)
