"""Shared helpers of the apply tests: run the CLI, hash trees, tokenise C."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED_FIXTURE = REPO / "tests" / "fixtures" / "seed-2.1.132"
# C tokens; literals never span lines, so an apostrophe in a comment stays one token
_TOKEN = re.compile(r"\w+|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|\S")


def run_pgtool(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "pgtool", *args], input=stdin, capture_output=True,
                          cwd=cwd, env=env)


def run_json(*args: str) -> tuple[int, dict]:
    proc = run_pgtool(*args, "--json")
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    return proc.returncode, json.loads(proc.stdout)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under root (symlinks as their target) -> sha256."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if rel.startswith(".git/") or rel == ".git":
            continue
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            out[rel + "/"] = "dir"
    return out


def c_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def mutate_lines(text: str, ops: list[tuple[int, int, int, str]]) -> str:
    """`text` with each (kind, a, b, junk) of `ops` done to its lines: delete, insert junk, copy a line,
    splice junk into a line, cut a line, cut the text (the fuzz tests' mutations)."""
    lines = text.split("\n")
    for kind, a, b, junk in ops:
        if not lines:
            break
        i = a % len(lines)
        if kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, junk)
        elif kind == 2:
            lines[i] = lines[b % len(lines)]
        elif kind == 3:
            line = lines[i]
            pos = b % (len(line) + 1)
            lines[i] = line[:pos] + junk + line[pos:]
        elif kind == 4:
            lines[i] = lines[i][: b % (len(lines[i]) + 1)]
        else:
            lines = lines[: i + 1]
    return "\n".join(lines)
