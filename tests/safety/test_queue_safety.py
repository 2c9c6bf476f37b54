"""The patch queue (push, pop, refresh) under hostile series files and tampered `.pc/` folders.

Every case ends with the sandbox's checks: nothing outside the tree
changed, no traceback, the documented exit code, and no user edit lost.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from .sandbox import Sandbox, assert_no_traceback, assert_one_line_error, digest, make

PATCH = "--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n int a;\n-int b;\n+int b2;\n int c;\n"
PATCH2 = "--- a/d/b.c\n+++ b/d/b.c\n@@ -1 +1,2 @@\n x\n+y\n"


def queue(box: Sandbox, series: str | bytes = "p1.patch\np2.patch\n") -> None:
    box.write("patches/p1.patch", PATCH, box.root)
    box.write("patches/p2.patch", PATCH2, box.root)
    box.write("patches/series", series, box.root)


def push(box: Sandbox, *args: str):
    return box.run("push", "--tree", "tree", "--series", "patches/series", *args)


def pop(box: Sandbox, *args: str):
    return box.run("pop", "--tree", "tree", *args)


def refused(box: Sandbox, proc, world: dict, rc: int = 2) -> None:
    assert_no_traceback(proc)
    assert proc.returncode == rc, proc.stdout + proc.stderr
    assert_one_line_error(proc)
    assert box.everything() == world


# --- series files --------------------------------------------------------------------------------

SERIES = {
    "dotdot": "../../outside/p1.patch\n",
    "absolute": "/tmp/p1.patch\n",
    "git-dir": ".git/hooks/p1.patch\n",
    "control-char": "p1\x07.patch\n",
    "binary": b"p1.patch\n\x00\x01\x02\n",
    "not-utf8": b"p1.patch\n\xff\xfe.patch\n",
    "bad-option": "p1.patch -p999\n",
    "unknown-option": "p1.patch --fuzz=3\n",
    "twice": "p1.patch\np1.patch\n",
    "missing-patch": "p1.patch\nnope.patch\n",
}


@pytest.mark.parametrize("name", sorted(SERIES))
def test_hostile_series_file(tmp_path, name):
    box = make(tmp_path)
    queue(box, SERIES[name])
    shutil.copy(box.root / "patches/p1.patch", box.outside / "p1.patch")
    world = box.everything()
    tree = digest(box.tree)
    proc = push(box, "-a")
    assert_no_traceback(proc)
    if name == "missing-patch":  # the first patch goes on, the missing one stops the push with its line
        assert proc.returncode == 2 and b"series:2" in proc.stderr, proc.stderr
        assert pop(box, "-a").returncode == 0
    else:
        refused(box, proc, world)
        assert b"series:" in proc.stderr
    assert digest(box.tree) == tree or name == "missing-patch"
    assert not (box.tree / ".pc").exists() or name == "missing-patch"


def test_series_file_that_is_a_folder(tmp_path):
    box = make(tmp_path)
    (box.root / "patches/series").mkdir(parents=True)
    world = box.everything()
    refused(box, push(box), world)


# --- .pc/ tampering ----------------------------------------------------------------------------------

def pushed(tmp_path, git: bool = False) -> Sandbox:
    box = make(tmp_path, git=git)
    queue(box)
    proc = push(box, "-a")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return box


def _applied(text: str | bytes):
    def tamper(box: Sandbox) -> None:
        box.write(".pc/applied-patches", text)
    return tamper


def _pc_link(box: Sandbox) -> None:
    shutil.copytree(box.tree / ".pc", box.outside / "pc")
    shutil.rmtree(box.tree / ".pc")
    os.symlink(box.outside / "pc", box.tree / ".pc")


def _backup_dir_link(box: Sandbox) -> None:
    shutil.copytree(box.tree / ".pc/p2.patch", box.outside / "p2")
    shutil.rmtree(box.tree / ".pc/p2.patch")
    os.symlink(box.outside / "p2", box.tree / ".pc/p2.patch")


def _backup_file_link(box: Sandbox) -> None:
    (box.tree / ".pc/p2.patch/d/b.c").unlink()
    os.symlink(box.outside / "secret.txt", box.tree / ".pc/p2.patch/d/b.c")


def _tree_dir_link(box: Sandbox) -> None:
    shutil.move(box.tree / "d", box.outside / "d")
    os.symlink(box.outside / "d", box.tree / "d")


def _backup_name_escapes(box: Sandbox) -> None:
    os.makedirs(box.tree / ".pc/p2.patch/sub", exist_ok=True)
    os.symlink("../../../../outside", box.tree / ".pc/p2.patch/sub/up")


def _record_other_tree(box: Sandbox) -> None:
    path = box.tree / ".pc/.pgtool-queue"
    doc = json.loads(path.read_text())
    doc["tree"] = [1, 2]
    path.write_text(json.dumps(doc))


def _record_garbage(box: Sandbox) -> None:
    box.write(".pc/.pgtool-queue", b"\x00garbage")


def _backup_content(box: Sandbox) -> None:
    box.write(".pc/p2.patch/d/b.c", "x\nmalicious()\n")


def _journal_planted(box: Sandbox) -> None:
    box.write(".pgtool-apply.journal", '{"state": "commit", "ops": [{"path": "../outside/secret.txt"}]}')


def _applied_dir(box: Sandbox) -> None:
    (box.tree / ".pc/applied-patches").unlink()
    (box.tree / ".pc/applied-patches").mkdir()


def _backup_binary(box: Sandbox) -> None:
    box.write(".pc/p2.patch/d/b.c", b"x\x00\x01\n")


def _backup_missing(box: Sandbox) -> None:
    (box.tree / ".pc/p2.patch/d/b.c").unlink()


TAMPERED = {
    # name: (tamper, command, expected exit code)
    "applied-unknown-patch": (_applied("p1.patch\nsomething-else.patch\n"), "push", 2),
    "applied-binary": (_applied(b"p1.patch\x00\xff\n"), "pop", 2),
    "applied-dotdot": (_applied("p1.patch\n../../outside\n"), "pop", 2),
    "applied-absolute": (_applied("p1.patch\n/etc\n"), "pop", 2),
    "applied-is-a-folder": (_applied_dir, "pop", 2),
    "pc-is-a-link-pop": (_pc_link, "pop", 2),
    "pc-is-a-link-push": (_pc_link, "push", 2),
    "backup-folder-is-a-link": (_backup_dir_link, "pop", 2),
    "backup-file-is-a-link-outside": (_backup_file_link, "pop", 2),
    "backup-holds-a-link-up": (_backup_name_escapes, "pop", 2),
    "tree-dir-replaced-by-link": (_tree_dir_link, "pop", 2),
    "backup-content-changed": (_backup_content, "pop", 2),
    "backup-missing": (_backup_missing, "pop", 2),
    "backup-missing-refresh": (_backup_missing, "refresh", 2),
    "backup-binary-refresh": (_backup_binary, "refresh", 2),
    "backup-folder-gone-refresh": (lambda b: shutil.rmtree(b.tree / ".pc/p2.patch"), "refresh", 2),
    "backup-folder-gone-pop": (lambda b: shutil.rmtree(b.tree / ".pc/p2.patch"), "pop", 2),
    "planted-journal-pop": (_journal_planted, "pop", 2),
    "planted-journal-push": (_journal_planted, "push", 2),
}


@pytest.mark.parametrize("name", sorted(TAMPERED))
def test_tampered_pc(tmp_path, name):
    tamper, command, rc = TAMPERED[name]
    box = pushed(tmp_path)
    if command == "push":
        assert pop(box).returncode == 0
    tamper(box)
    world = box.everything()
    tree = digest(box.tree)
    patch_before = (box.root / "patches/p2.patch").read_bytes()
    if command == "push":
        proc = push(box)
    elif command == "pop":
        proc = pop(box)
    else:
        proc = box.run("refresh", "--tree", "tree", "--series", "patches/series")
    refused(box, proc, world, rc)
    assert digest(box.tree) == tree
    assert (box.root / "patches/p2.patch").read_bytes() == patch_before


def test_a_record_from_another_tree_is_not_trusted(tmp_path):
    """The record says nothing about a tree it was not written for: pop falls back to quilt's own
    check (the patch re-applied to the backups), which passes for an untouched tree and refuses an edit."""
    box = pushed(tmp_path)
    _record_other_tree(box)
    assert pop(box).returncode == 0
    assert (box.tree / "d/b.c").read_text() == "x\n"
    box.write("a.c", "int a;\nint b2;\nint c;\n/* edit */\n")
    world = box.everything()
    proc = pop(box)
    refused(box, proc, world)
    assert b"does not remove cleanly" in proc.stderr


def test_a_damaged_record_is_ignored_not_fatal(tmp_path):
    box = pushed(tmp_path)
    _record_garbage(box)
    assert pop(box, "-a").returncode == 0
    assert (box.tree / "a.c").read_text() == "int a;\nint b;\nint c;\n"


# --- edits made after a push ----------------------------------------------------------------------

def test_pop_sees_an_edit_made_in_the_same_second(tmp_path):
    box = pushed(tmp_path)
    box.write("d/b.c", "x\ny\nmine\n")  # right after the push, within its second
    world = box.everything()
    proc = pop(box)
    refused(box, proc, world)
    assert b"does not remove cleanly" in proc.stderr
    assert (box.tree / "d/b.c").read_text() == "x\ny\nmine\n"


def test_pop_sees_an_edit_whose_mtime_was_put_back(tmp_path):
    box = pushed(tmp_path)
    st = os.stat(box.tree / "d/b.c")
    box.write("d/b.c", "x\ny\nmine\n")
    os.utime(box.tree / "d/b.c", ns=(st.st_atime_ns, st.st_mtime_ns))
    proc = pop(box)
    assert proc.returncode == 2 and b"does not remove cleanly" in proc.stderr
    forced = pop(box, "-f")
    assert forced.returncode == 0
    assert (box.tree / "d/b.c").read_text() == "x\n"


def test_quilt_pops_what_pgtool_pushed_without_rechecking(tmp_path):
    """The stamp is dated after the files the push wrote: quilt trusts the backups and pops."""
    box = pushed(tmp_path)
    env = dict(os.environ, QUILT_PC=".pc", QUILT_PATCHES=str(box.root / "patches"))
    proc = subprocess.run(["quilt", "pop", "-a"], cwd=box.tree, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (box.tree / "a.c").read_text() == "int a;\nint b;\nint c;\n"


# --- two commands at once, kills ------------------------------------------------------------------

def test_two_pushes_at_once_keep_pc_consistent(tmp_path):
    box = make(tmp_path, files={f"f{i}.c": f"int v{i};\n" for i in range(40)})
    names = []
    for i in range(40):
        names.append(f"p{i}.patch")
        box.write(f"patches/p{i}.patch", f"--- a/f{i}.c\n+++ b/f{i}.c\n@@ -1 +1 @@\n-int v{i};\n+int w{i};\n",
                  box.root)
    box.write("patches/series", "\n".join(names) + "\n", box.root)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    procs = [subprocess.Popen([sys.executable, "-m", "pgtool", "push", "-a", "--tree", "tree", "--series",
                               "patches/series"], cwd=box.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=env) for _ in range(2)]
    for p in procs:
        p.wait(timeout=300)
        assert b"Traceback" not in p.stderr.read()
    applied = (box.tree / ".pc/applied-patches").read_text().split()
    assert applied == names  # each patch once, in order
    assert {(box.tree / f"f{i}.c").read_text() for i in range(40)} == {f"int w{i};\n" for i in range(40)}
    assert pop(box, "-a").returncode == 0
    assert {(box.tree / f"f{i}.c").read_text() for i in range(40)} == {f"int v{i};\n" for i in range(40)}


def test_a_killed_push_then_pop_then_apply_never_reapplies_the_popped_patch(tmp_path):
    """The sequence that re-applied a popped patch: push killed after its commit point, pop, then an
    unrelated apply. The journal is finished by pop's recovery first, so nothing is left to replay."""
    from pgtool.apply import writer

    from .test_apply_safety import Killed

    box = pushed(tmp_path)
    assert pop(box).returncode == 0     # p2 off again; push it in-process and kill it mid-commit
    original = writer._forward

    def killed(t, journal, contents, done, interrupted, skip=None):
        raise Killed

    writer._forward = killed
    try:
        from pgtool.series import ops
        from pgtool.series.queue import Series

        with pytest.raises(Killed):
            ops.push(box.tree, Series.load(box.root / "patches/series"), 1)
    finally:
        writer._forward = original
    assert (box.tree / ".pgtool-apply.journal").exists()
    proc = pop(box, "-a")
    assert proc.returncode == 0, proc.stderr
    assert (box.tree / "d/b.c").read_text() == "x\n" and (box.tree / "a.c").read_text() == "int a;\nint b;\nint c;\n"
    box.write("other.c", "int o;\n")
    box.patch("--- a/other.c\n+++ b/other.c\n@@ -1 +1 @@\n-int o;\n+int p;\n")
    assert box.run("apply", "--tree", "tree", "p.patch").returncode == 0
    assert (box.tree / "d/b.c").read_text() == "x\n"   # p2 stayed popped
    assert not (box.tree / ".pc").exists() or not (box.tree / ".pc/applied-patches").exists()
