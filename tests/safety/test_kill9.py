"""kill -9 at random moments of `apply`, `push` and `pop` on a 2,000-file patch of real kernel files,
with the user editing files between the kill and the next run in half of the trials.

After each trial the tree must be fully old or fully new (every file the
patch touches from the same side), every user edit must have survived, and
where recovery refused, it must have named only files the user edited; the
trial then finishes with `--continue` or `--abort-recovery` (alternately)
and the same holds. For push and pop, `.pc/` must agree with the tree.
"""

from __future__ import annotations

import difflib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TRIALS = 50
FILES = 2000
ENV = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")


def _pick(kernel: Path) -> list[str]:
    """2,000 real .c files of 1-4 kB, spread over the whole tree, in a fixed order."""
    found = []
    for dirpath, dirs, names in os.walk(kernel):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(names):
            if name.endswith(".c"):
                path = os.path.join(dirpath, name)
                size = os.path.getsize(path)
                if 1000 <= size <= 4000:
                    found.append(os.path.relpath(path, kernel))
    step = len(found) / FILES
    return [found[int(i * step)] for i in range(FILES)]


@pytest.fixture(scope="module")
def material(kernel_tree: Path, tmp_path_factory):
    """(files, old contents, new contents, the patch) from real files."""
    base = tmp_path_factory.mktemp("kill9")
    files = _pick(kernel_tree)
    old = {rel: (kernel_tree / rel).read_bytes() for rel in files}
    new = {}
    chunks = []
    for i, rel in enumerate(files):
        text = old[rel].decode("utf-8", "surrogateescape")
        lines = text.splitlines(keepends=True)
        at = min(len(lines), 1 + i % 7)
        edited = lines[:at] + [f"/* checked by a kill -9 trial, {i} */\n"] + lines[at:]
        new[rel] = "".join(edited).encode("utf-8", "surrogateescape")
        chunks.append("".join(difflib.unified_diff(lines, edited, f"a/{rel}", f"b/{rel}")))
    patch = base / "big.patch"
    patch.write_text("".join(chunks), encoding="utf-8", errors="surrogateescape")
    return files, old, new, patch


def _populate(tree: Path, contents: dict[str, bytes]) -> None:
    for rel, data in contents.items():
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _pgtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pgtool", *args], capture_output=True, cwd=cwd, env=ENV,
                          timeout=600)


def _killed(args: list[str], cwd: Path, journal: Path, rng: random.Random) -> str:
    """Start pgtool and SIGKILL it: anywhere (the parse included), while it prepares its change, or
    while it writes the files after the commit point. Returns where the kill was aimed."""
    proc = subprocess.Popen([sys.executable, "-m", "pgtool", *args], cwd=cwd, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    aim = rng.choices(["anywhere", "prepare", "commit"], [0.15, 0.35, 0.5])[0]
    deadline = time.monotonic() + 120
    if aim == "anywhere":
        time.sleep(rng.uniform(0.0, 1.0))
    else:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                head = journal.read_bytes()[:400]
            except OSError:
                head = b""
            if head and (aim == "prepare" or b'"state": "commit"' in head):
                break
            time.sleep(0.0005)
        time.sleep(rng.uniform(0.0, 0.5 if aim == "prepare" else 0.05))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return aim


def _state(tree: Path, files: list[str], old: dict, new: dict, edited: dict[str, bytes]) -> str:
    """'old' or 'new' when every file not edited by the user is on one side; else a failure."""
    sides = set()
    for rel in files:
        if rel in edited:
            continue
        data = (tree / rel).read_bytes()
        sides.add("old" if data == old[rel] else "new" if data == new[rel] else f"torn:{rel}")
    assert len(sides) == 1, sorted(sides)[:5]
    return sides.pop()


def _edit(tree: Path, files: list[str], rng: random.Random, trial: int) -> dict[str, bytes]:
    """The user's work between the kill and the next run: three patched files and one other."""
    edited = {}
    for rel in rng.sample(files, 3) + ["Makefile.user"]:
        path = tree / rel
        data = (path.read_bytes() if path.exists() else b"") + f"/* the user's edit {trial} */\n".encode()
        path.write_bytes(data)
        edited[rel] = data
    return edited


def _finish(tree: Path, cwd: Path, edited: dict[str, bytes], first: subprocess.CompletedProcess,
            trial: int) -> None:
    """The next run either recovered, or refused naming only edited files; then it is settled."""
    err = first.stderr.decode(errors="replace")
    assert "Traceback" not in err, err
    if first.returncode == 0:
        return
    assert first.returncode == 2 and "changed since" in err, err
    named = err.split("changed since: ", 1)[1].split(";", 1)[0].replace(" ...", "").split(", ")
    assert set(named) <= set(edited), (named, sorted(edited))
    how = "--continue" if trial % 4 == 1 else "--abort-recovery"
    settled = _pgtool("apply", how, "--tree", str(tree), cwd=cwd)
    assert settled.returncode == 0, settled.stderr


def _revert_edits(tree: Path, edited: dict[str, bytes], side: dict[str, bytes]) -> None:
    """The user puts the edited files back as the rest of the tree has them."""
    for rel in edited:
        if rel in side:
            (tree / rel).write_bytes(side[rel])
        else:
            (tree / rel).unlink()


@pytest.mark.parametrize("command", ["apply", "push", "pop"])
def test_kill_9_trials(material, tmp_path, command):
    files, old, new, patch = material
    tree = tmp_path / "tree"
    _populate(tree, old)
    journal = tree / ".pgtool-apply.journal"
    rng = random.Random(f"kill-9 {command}")
    series = tmp_path / "patches" / "series"
    series.parent.mkdir()
    (series.parent / "big.patch").write_bytes(patch.read_bytes())
    series.write_text("big.patch\n")
    unrelated = tmp_path / "unrelated.patch"

    def forward_args(side: str) -> list[str]:
        if command == "apply":
            return ["apply", "--tree", str(tree), *(["-R"] if side == "new" else []), str(patch)]
        if side == "old":
            return ["push", "--tree", str(tree), "--series", str(series)]
        return ["pop", "--tree", str(tree)]

    side = "old"
    if command == "pop":  # pop trials start from the pushed queue
        assert _pgtool(*forward_args("old"), cwd=tmp_path).returncode == 0
        side = "new"
    side = _state(tree, files, old, new, {})
    outcomes = {"before": 0, "after": 0, "refused": 0, "rolled-forward": 0}
    for trial in range(TRIALS):
        if command == "pop" and side == "old":      # pop needs something pushed: push it, whole
            assert _pgtool(*forward_args("old"), cwd=tmp_path).returncode == 0
            side = "new"
        if command == "push" and side == "new":
            assert _pgtool(*forward_args("new"), cwd=tmp_path).returncode == 0
            side = "old"
        _killed(forward_args(side), tmp_path, journal, rng)
        edited = _edit(tree, files, rng, trial) if trial % 2 else {}
        unrelated.write_text(f"--- /dev/null\n+++ b/unrelated/u{trial}.c\n@@ -0,0 +1 @@\n+int u{trial};\n")
        nxt = _pgtool("apply", "--tree", str(tree), str(unrelated), cwd=tmp_path)
        if nxt.returncode == 2:
            outcomes["refused"] += 1
        if b"rolled forward" in nxt.stdout + nxt.stderr:
            outcomes["rolled-forward"] += 1
        _finish(tree, tmp_path, edited, nxt, trial)
        if nxt.returncode != 0:  # the unrelated patch waited for the settling: apply it now
            assert _pgtool("apply", "--tree", str(tree), str(unrelated), cwd=tmp_path).returncode == 0
        for rel, data in edited.items():
            assert (tree / rel).read_bytes() == data, f"trial {trial}: the user's edit of {rel} was lost"
        now = _state(tree, files, old, new, edited)
        outcomes["before" if now == side else "after"] += 1
        assert not journal.exists()
        _revert_edits(tree, edited, old if now == "old" else new)
        side = now
        if command != "apply":
            applied = tree / ".pc" / "applied-patches"
            listed = applied.read_text().split() if applied.exists() else []
            assert listed == (["big.patch"] if side == "new" else []), (trial, listed, side)
            if side == "old":
                assert not (tree / ".pc" / "big.patch").exists()
    print(f"{command}: {TRIALS} kills: {outcomes}")
    # the kills landed on both sides of the commit point, and some in the middle of the writes
    assert outcomes["before"] and outcomes["after"] and outcomes["rolled-forward"] + outcomes["refused"], outcomes
