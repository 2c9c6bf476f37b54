"""Acceptance 3: all of a patch or nothing, even when the process is killed.

A failing hunk in the last file leaves the whole tree as it was (checksums of
every file). Then `pgtool apply` of a large multi-file patch is killed with
SIGKILL at random moments, half of them timed to land inside the write phase
(the journal exists); after each kill, the tree is either wholly original or
wholly patched once the journal is recovered, and the next run finishes the
job.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from pgtool.apply import engine, writer


class SimulatedKill(BaseException):
    """Stops the writer where a kill -9 would: no handler of the writer's runs."""

from .damage import clean_diff, split_lines
from .helpers import run_pgtool, tree_digest

TRIALS = 50


def _edit(text: str, rng: random.Random) -> str:
    lines = split_lines(text)
    idx = [i for i, line in enumerate(lines) if line.startswith("\t") and line.rstrip().endswith(";")]
    for i in rng.sample(idx, min(2, len(idx))):
        lines[i] = lines[i].rstrip("\n") + " /* pgtool */\n"
    return "".join(lines)


@pytest.fixture(scope="module")
def big_case(kernel_tree, tmp_path_factory):
    """A copied small tree and one large clean patch touching every file."""
    base = tmp_path_factory.mktemp("atomic")
    pristine = base / "pristine"
    rng = random.Random(7)
    files = sorted(str(p.relative_to(kernel_tree)) for d in ("kernel", "mm") for p in (kernel_tree / d).glob("*.c"))
    files = files[:100]
    chunks = []
    for rel in files:
        old = (kernel_tree / rel).read_text(errors="surrogateescape")
        (pristine / rel).parent.mkdir(parents=True, exist_ok=True)
        (pristine / rel).write_text(old, errors="surrogateescape")
        chunks.append(clean_diff(rel, old, _edit(old, rng)))
    patch = base / "big.patch"
    patch.write_text("".join(chunks), errors="surrogateescape")
    patched = base / "patched"
    shutil.copytree(pristine, patched)
    proc = run_pgtool("apply", "--tree", str(patched), str(patch))
    assert proc.returncode == 0, proc.stderr
    return pristine, patched, patch


def test_failing_hunk_writes_nothing(big_case, tmp_path):
    pristine, _, patch = big_case
    tree = tmp_path / "t"
    shutil.copytree(pristine, tree)
    text = patch.read_text(errors="surrogateescape")
    # corrupt the last hunk's context so that it cannot match anywhere
    head, sep, tail = text.rpartition("\n ")
    broken = tmp_path / "broken.patch"
    broken.write_text(head + sep + "this line is in no kernel file" + tail.split("\n", 1)[1], errors="surrogateescape")
    before = tree_digest(tree)
    proc = run_pgtool("apply", "--tree", str(tree), str(broken))
    assert proc.returncode == 1
    assert "does not apply:" in proc.stdout.decode()
    assert tree_digest(tree) == before


def test_kill_9_never_leaves_a_half_patched_tree(big_case, tmp_path):
    pristine, patched, patch = big_case
    original, final = tree_digest(pristine), tree_digest(patched)
    assert original != final
    t0 = time.monotonic()
    run_pgtool("apply", "--check", "--tree", str(patched), str(patch))
    full = time.monotonic() - t0
    rng = random.Random(1234)
    outcomes = {"original": 0, "patched": 0, "in_write_phase": 0}
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for trial in range(TRIALS):
        tree = tmp_path / f"k{trial}"
        shutil.copytree(pristine, tree)
        journal = tree / writer.JOURNAL
        proc = subprocess.Popen([sys.executable, "-m", "pgtool", "apply", "--tree", str(tree), str(patch)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if trial % 2:
            time.sleep(rng.uniform(0, full * 1.2))
        else:
            deadline = time.monotonic() + 60
            while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
                pass
            time.sleep(rng.uniform(0, 0.02))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if journal.exists():
            outcomes["in_write_phase"] += 1
        writer.recover(tree)
        state = tree_digest(tree)
        assert state in (original, final), f"trial {trial}: half-patched tree"
        outcomes["original" if state == original else "patched"] += 1
        # the next run (in-process: same engine, no interpreter start-up) completes the job
        again = engine.apply_patches([str(patch)], tree, engine.Options())
        assert again.exit_code == 0 or again.patches[0].status == "already-applied"
        assert tree_digest(tree) == final
        shutil.rmtree(tree)
    print("kill -9 outcomes:", outcomes)
    assert outcomes["in_write_phase"] >= 1


def test_next_run_recovers_by_itself(big_case, tmp_path):
    """No explicit recover call: the next `pgtool apply` finishes a killed write."""
    pristine, patched, patch = big_case
    final = tree_digest(patched)
    for attempt in range(20):
        tree = tmp_path / f"r{attempt}"
        shutil.copytree(pristine, tree)
        journal = tree / writer.JOURNAL
        proc = subprocess.Popen([sys.executable, "-m", "pgtool", "apply", "--tree", str(tree), str(patch)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not journal.exists() and proc.poll() is None:
            pass
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if journal.exists():
            break
        shutil.rmtree(tree)
    else:
        pytest.fail("never caught the write phase in 20 attempts")
    again = run_pgtool("apply", "--tree", str(tree), str(patch))
    out = again.stdout.decode()
    assert "interrupted apply" in out
    assert tree_digest(tree) == final
    assert not journal.exists()


def test_large_patch_applied_twice_is_already_applied(big_case):
    """Every hunk is found at its new-file line: reported, nothing written."""
    _, patched, patch = big_case
    before = tree_digest(patched)
    result = engine.apply_patches([str(patch)], patched, engine.Options())
    assert result.exit_code == 1 and not result.written
    assert result.patches[0].status == "already-applied"
    assert tree_digest(patched) == before


@pytest.mark.parametrize("crash_after", [0, 1, 5, 29, 30])
def test_roll_forward_after_the_commit_point(tmp_path, monkeypatch, crash_after):
    """A crash after the journal says "commit", mid-rewrites: the next run finishes every file.

    Existing files are rewritten in place from the journal's data file; the created one is renamed
    from its temp file (the 31st step)."""
    tree = tmp_path / "t"
    tree.mkdir()
    for i in range(30):
        (tree / f"f{i}.c").write_text(f"old {i} " + "x" * i * 10 + "\n")  # new contents are shorter
    (tree / "gone.c").write_text("to delete\n")
    writes = [writer.FileWrite(f"f{i}.c", f"new {i}\n".encode()) for i in range(30)]
    writes += [writer.FileWrite("gone.c", None), writer.FileWrite("sub/dir/created.c", b"created\n")]
    real_rewrite, real_rename = writer._rewrite, os.rename
    calls = {"n": 0}

    def step():
        if calls["n"] == crash_after:
            raise SimulatedKill
        calls["n"] += 1

    def crashing_rewrite(dir_fd, name, data):
        step()
        if calls["n"] == crash_after:  # torn: half of the new content written, nothing cut
            fd = os.open(name, os.O_WRONLY, dir_fd=dir_fd)
            os.write(fd, bytes(data[:len(data) // 2]))
            os.close(fd)
            raise SimulatedKill
        return real_rewrite(dir_fd, name, data)

    def crashing_rename(src, dst, **kwargs):
        if not str(dst).startswith(writer.JOURNAL):
            step()
        return real_rename(src, dst, **kwargs)

    monkeypatch.setattr(writer, "_rewrite", crashing_rewrite)
    monkeypatch.setattr(writer.os, "rename", crashing_rename)
    with pytest.raises(SimulatedKill):
        writer.commit(tree, writes)
    monkeypatch.setattr(writer, "_rewrite", real_rewrite)
    monkeypatch.setattr(writer.os, "rename", real_rename)
    assert (tree / writer.JOURNAL).exists()
    assert "rolled forward" in writer.recover(tree)
    assert [(tree / f"f{i}.c").read_text() for i in range(30)] == [f"new {i}\n" for i in range(30)]
    assert not (tree / "gone.c").exists() and (tree / "sub/dir/created.c").read_text() == "created\n"
    assert sorted(p.name for p in tree.iterdir()) == sorted([f"f{i}.c" for i in range(30)] + ["sub"])


@pytest.mark.parametrize("crash_at", ["data", "temp"])
def test_roll_back_before_the_commit_point(tmp_path, monkeypatch, crash_at):
    """A crash while the data file or the temp files are written: the next run removes them,
    targets untouched."""
    tree = tmp_path / "t"
    tree.mkdir()
    for i in range(10):
        (tree / f"f{i}.c").write_text(f"old {i}\n")
    before = tree_digest(tree)
    writes = [writer.FileWrite(f"f{i}.c", f"new {i}\n".encode()) for i in range(10)]
    writes += [writer.FileWrite(f"new/dir/x{i}.c", b"x\n") for i in range(6)]
    real_open = os.open
    calls = {"n": 0}

    def crashing_open(path, *args, **kwargs):
        if crash_at == "data" and str(path).endswith(writer.DATA):
            fd = real_open(path, *args, **kwargs)
            os.write(fd, b"partial")
            os.close(fd)
            raise SimulatedKill
        if crash_at == "temp" and ".pgtool-" in str(path) and not str(path).startswith(writer.JOURNAL):
            calls["n"] += 1
            if calls["n"] == 4:
                raise SimulatedKill
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(writer.os, "open", crashing_open)
    with pytest.raises(SimulatedKill):
        writer.commit(tree, writes)
    monkeypatch.setattr(writer.os, "open", real_open)
    assert "rolled back" in writer.recover(tree)
    assert tree_digest(tree) == before
    assert sorted(p.name for p in tree.iterdir()) == sorted(f"f{i}.c" for i in range(10))


def test_hard_links_and_modes_get_a_new_inode(tmp_path):
    """Rewriting in place is only for a plain file: a hard-linked one (quilt's .pc/ backups may be
    links) gets a new inode so that its other name keeps the old content, as with GNU patch; a
    mode change and a symlink inside the tree are replaced by a new file too."""
    tree = tmp_path / "t"
    tree.mkdir()
    for name in ("plain.c", "linked.c", "moded.sh"):
        (tree / name).write_text(f"old {name}\n")
    os.link(tree / "linked.c", tmp_path / "backup.c")
    (tree / "real.c").write_text("old real.c\n")
    os.symlink("real.c", tree / "alias.c")
    inodes = {name: (tree / name).lstat().st_ino for name in ("plain.c", "linked.c", "moded.sh", "alias.c")}
    writer.commit(tree, [writer.FileWrite("plain.c", b"new plain\n"), writer.FileWrite("linked.c", b"new linked\n"),
                         writer.FileWrite("moded.sh", b"new moded\n", 0o755),
                         writer.FileWrite("alias.c", b"new alias\n")])
    assert (tree / "plain.c").stat().st_ino == inodes["plain.c"]
    assert (tree / "linked.c").stat().st_ino != inodes["linked.c"]
    assert (tmp_path / "backup.c").read_text() == "old linked.c\n"
    assert (tree / "linked.c").read_text() == "new linked\n"
    assert (tree / "moded.sh").stat().st_mode & 0o777 == 0o755 and (tree / "moded.sh").read_text() == "new moded\n"
    assert not (tree / "alias.c").is_symlink() and (tree / "alias.c").read_text() == "new alias\n"
    assert (tree / "real.c").read_text() == "old real.c\n"
    assert sorted(p.name for p in tree.iterdir()) == ["alias.c", "linked.c", "moded.sh", "plain.c", "real.c"]


def test_a_file_that_cannot_be_opened_for_writing_is_replaced_keeping_its_mode(tmp_path, monkeypatch):
    """A running program (ETXTBSY) or a read-only file for a non-root user cannot be rewritten
    through its inode: it gets a new one, with the old permission bits, as the rename path gives."""
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "busy.sh").write_text("old\n")
    os.chmod(tree / "busy.sh", 0o555)
    real_open = os.open

    def busy_open(path, flags, *args, **kwargs):
        if str(path) == "busy.sh" and flags & os.O_WRONLY:
            raise OSError(26, "Text file busy", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(writer.os, "open", busy_open)
    writer.commit(tree, [writer.FileWrite("busy.sh", b"new\n")])
    monkeypatch.setattr(writer.os, "open", real_open)
    assert (tree / "busy.sh").read_text() == "new\n"
    assert (tree / "busy.sh").stat().st_mode & 0o777 == 0o555
    assert sorted(p.name for p in tree.iterdir()) == ["busy.sh"]


def _five_files(tmp_path):
    """A tree of five files and the writes that give each new contents."""
    tree = tmp_path / "t"
    tree.mkdir()
    for i in range(5):
        (tree / f"f{i}.c").write_text(f"old {i}\n")
    return tree, [writer.FileWrite(f"f{i}.c", f"new {i}\n".encode()) for i in range(5)]


def test_an_error_after_the_commit_point_is_one_line_and_the_next_run_finishes(tmp_path, monkeypatch):
    """A disk that fills up during the rewrites: a clear error, the journal kept, and recovery
    (what the next `pgtool apply` runs first) completes every file."""
    from pgtool.errors import InfraError

    tree, writes = _five_files(tmp_path)
    real_rewrite = writer._rewrite
    calls = {"n": 0}

    def full_disk(dir_fd, name, data):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device", name)
        return real_rewrite(dir_fd, name, data)

    monkeypatch.setattr(writer, "_rewrite", full_disk)
    with pytest.raises(InfraError) as err:
        writer.commit(tree, writes)
    assert "No space left on device" in err.value.one_line() and "completes it" in err.value.one_line()
    monkeypatch.setattr(writer, "_rewrite", real_rewrite)
    assert (tree / writer.JOURNAL).exists()
    assert "rolled forward" in writer.recover(tree)
    assert [(tree / f"f{i}.c").read_text() for i in range(5)] == [f"new {i}\n" for i in range(5)]


def test_a_full_disk_during_recovery_is_one_line_and_keeps_the_journal(tmp_path, monkeypatch):
    """The rerun while the disk is still full: one line, the journal kept, and once there is room
    the next run finishes every file."""
    from pgtool.errors import InfraError

    tree, writes = _five_files(tmp_path)
    real_rewrite = writer._rewrite

    def full_disk(dir_fd, name, data):
        raise OSError(28, "No space left on device", name)

    monkeypatch.setattr(writer, "_rewrite", full_disk)
    with pytest.raises(InfraError):
        writer.commit(tree, writes)
    with pytest.raises(InfraError) as err:
        writer.recover(tree)
    assert "No space left on device" in err.value.one_line() and "journal is kept" in err.value.one_line()
    assert (tree / writer.JOURNAL).exists()
    monkeypatch.setattr(writer, "_rewrite", real_rewrite)
    assert "rolled forward" in writer.recover(tree)
    assert [(tree / f"f{i}.c").read_text() for i in range(5)] == [f"new {i}\n" for i in range(5)]
