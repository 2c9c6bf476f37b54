"""A sandbox for hostile-input tests: a tree, an outside world, and the checks every case ends with.

Every case runs the real CLI (`python -m pgtool`) in `root`, with the tree
at `root/tree` and sentinel files at `root/outside`; afterwards nothing
outside the tree may have changed, no traceback may have been printed, and
the exit code must be the documented one.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GIT_ENV = {"GIT_AUTHOR_NAME": "Ann User", "GIT_AUTHOR_EMAIL": "ann@example.org",
           "GIT_COMMITTER_NAME": "Ann User", "GIT_COMMITTER_EMAIL": "ann@example.org"}


def digest(root: Path, skip_git: bool = True) -> dict[str, str]:
    """Every entry under `root` -> its type, permission bits and content (links: their target)."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for dirpath, dirs, files in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if skip_git and (rel_dir == ".git" or rel_dir.startswith(".git/")):
            dirs[:] = []
            continue
        for name in sorted(dirs + files):
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if skip_git and rel == ".git":
                continue
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = "link:" + os.readlink(path)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = "dir"
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as handle:
                    out[rel] = f"{oct(st.st_mode & 0o777)}:" + hashlib.sha256(handle.read()).hexdigest()
            else:
                out[rel] = "other"
    return out


@dataclass
class Sandbox:
    root: Path

    @property
    def tree(self) -> Path:
        return self.root / "tree"

    @property
    def outside(self) -> Path:
        return self.root / "outside"

    def run(self, *args: str, stdin: bytes | None = b"", cwd: Path | None = None,
            env: dict | None = None) -> subprocess.CompletedProcess:
        full_env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", **(env or {}))
        return subprocess.run([sys.executable, "-m", "pgtool", *args], input=stdin, capture_output=True,
                              cwd=cwd or self.root, env=full_env, timeout=300)

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.tree), *args], check=True, capture_output=True,
                              text=True, env=dict(os.environ, **GIT_ENV)).stdout

    def write(self, rel: str, text: str | bytes, where: Path | None = None) -> Path:
        path = (where or self.tree) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            text = text.encode()
        path.write_bytes(text)
        return path

    def patch(self, text: str, name: str = "p.patch") -> str:
        path = self.root / name
        path.write_text(text)
        return name

    def everything(self) -> dict[str, str]:
        """The whole sandbox but the tree's own files: the outside world, the patches, and .git."""
        world = digest(self.root, skip_git=False)
        return {k: v for k, v in world.items()
                if not (k == "tree" or k.startswith("tree/")) or k.startswith("tree/.git/") or k == "tree/.git"}


def make(tmp_path: Path, git: bool = False, files: dict[str, str] | None = None) -> Sandbox:
    box = Sandbox(tmp_path)
    box.tree.mkdir()
    box.outside.mkdir()
    box.write("secret.txt", "secret\n", box.outside)
    box.write("victim.c", "int victim;\n", box.outside)
    for rel, text in (files or {"a.c": "int a;\nint b;\nint c;\n", "d/b.c": "x\n"}).items():
        box.write(rel, text)
    if git:
        box.git("init", "-q", "-b", "master")
        box.git("add", "-A")
        box.git("commit", "-q", "-m", "start")
    return box


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    err = proc.stderr.decode(errors="replace")
    assert "Traceback" not in err, err
    assert "Traceback" not in proc.stdout.decode(errors="replace")


def assert_one_line_error(proc: subprocess.CompletedProcess) -> None:
    """A refusal is one `pgtool: error: ...` line, no traceback."""
    assert_no_traceback(proc)
    err = proc.stderr.decode(errors="replace").strip().splitlines()
    # pgtool's own errors, and click's for a bad option value ("Error: Invalid value ...")
    errors = [line for line in err if line.startswith(("pgtool: error:", "error:", "Error:"))]
    assert errors, proc.stderr.decode(errors="replace") + proc.stdout.decode(errors="replace")


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """The run printed exactly one line, `pgtool: error: ...`, and no traceback: that line."""
    stderr = proc.stderr.decode("utf-8")
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("pgtool: error: "), stderr
    return lines[0]
