from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "patches" / "demo-6.1"
DEMO_BAD = REPO / "patches" / "demo-6.1-bad"


def git(tree: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(tree), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def tree(kernel_worktree: Path) -> Path:
    """The shared 6.1 worktree, at the baseline before and after each test."""
    reset(kernel_worktree)
    yield kernel_worktree
    reset(kernel_worktree)


def reset(tree: Path) -> None:
    git(tree, "checkout", "-q", "-f", "--detach", "baseline")
    # Debian's .gitignore ignores every top-level path, so new files only
    # show as ignored: remove exactly those (never the user's build output).
    for rel in untracked(tree):
        path = tree / rel
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def untracked(tree: Path) -> list[str]:
    out = git(tree, "status", "--porcelain", "--untracked-files=normal", "--ignored=matching")
    return [line[3:].rstrip("/") for line in out.splitlines() if line[:2] in ("??", "!!")]


def tree_changes(tree: Path) -> list[str]:
    """Every difference from the baseline (new files too), .pc/ bookkeeping aside."""
    status = git(tree, "status", "--porcelain", "--untracked-files=all", "--ignored=matching")
    return [line for line in status.splitlines() if not line[3:].startswith(".pc")]
