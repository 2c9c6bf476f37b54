"""`pgtool apply` under hostile and careless input: nothing written outside the tree or into .git,
no user content lost, no traceback, the documented exit code.

Each case builds a small tree (plain, or a git repository), runs the real
CLI, and ends with the same checks: the outside world and `.git` unchanged,
no traceback, the expected exit code, and (for every refusal) the tree
exactly as it was. Exit codes: 0 applied, 1 did not apply, 2 bad input or
a path the policy refuses.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable

import pytest

from .sandbox import Sandbox, assert_no_traceback, assert_one_line_error, digest, make

MOD = "--- a/{0}\n+++ b/{0}\n@@ -1,3 +1,3 @@\n int a;\n-int b;\n+int b2;\n int c;\n"


def new_file(path: str, body: str = "evil\n", mode: str = "100644") -> str:
    lines = "".join("+" + line + "\n" for line in body.splitlines())
    n = len(body.splitlines())
    return (f"diff --git a/{path} b/{path}\nnew file mode {mode}\n--- /dev/null\n+++ b/{path}\n"
            f"@@ -0,0 +1{',' + str(n) if n != 1 else ''} @@\n{lines}")


def new_link(path: str, target: str) -> str:
    return (f"diff --git a/{path} b/{path}\nnew file mode 120000\n--- /dev/null\n+++ b/{path}\n"
            f"@@ -0,0 +1 @@\n+{target}\n\\ No newline at end of file\n")


def delete(path: str, lines: list[str], mode: str = "100644") -> str:
    body = "".join(f"-{x}\n" for x in lines)
    return (f"diff --git a/{path} b/{path}\ndeleted file mode {mode}\n--- a/{path}\n+++ /dev/null\n"
            f"@@ -1{',' + str(len(lines)) if len(lines) != 1 else ''} +0,0 @@\n{body}")


def rename(old: str, new: str, kind: str = "rename") -> str:
    return (f"diff --git a/{old} b/{new}\nsimilarity index 100%\n{kind} from {old}\n{kind} to {new}\n")


@dataclass
class Case:
    patch: str
    rc: int
    git: bool = False
    setup: Callable[[Sandbox], None] | None = None
    args: tuple[str, ...] = ()
    check: Callable[[Sandbox], None] | None = None
    message: str = ""                       # a part of the one-line error or report
    files: dict[str, str] | None = None
    extra_changes_ok: bool = False          # the case's own check decides what the tree holds


def _symlinked_dir(box: Sandbox) -> None:
    os.symlink(box.outside, box.tree / "linkdir")


def _symlinked_file(box: Sandbox) -> None:
    (box.tree / "a.c").unlink()
    os.symlink(box.outside / "victim.c", box.tree / "a.c")


def _dirty(box: Sandbox) -> None:
    box.write("a.c", "int a;\nint b;\nint c;\n/* my uncommitted work */\n")


def _untracked_target(box: Sandbox) -> None:
    box.write("new.c", "/* an untracked file of the user */\n")


def _fifo(box: Sandbox) -> None:
    os.mkfifo(box.tree / "pipe.c")


def _is_link(rel: str, target: str):
    def check(box: Sandbox) -> None:
        path = box.tree / rel
        assert path.is_symlink() and os.readlink(path) == target
    return check


def _holds(rel: str, text: str):
    def check(box: Sandbox) -> None:
        assert (box.tree / rel).read_text() == text
    return check


def _is_file(rel: str, text: str):
    def check(box: Sandbox) -> None:
        path = box.tree / rel
        assert not path.is_symlink() and path.is_file() and path.read_text() == text
    return check


CASES: dict[str, Case] = {
    # --- git's own folder, in every spelling ------------------------------------------------
    "git-config-modify": Case("--- a/.git/config\n+++ b/.git/config\n@@ -1 +1,2 @@\n [core]\n"
                              "+\tfsmonitor = touch ../outside/pwned\n", 2, git=True, message=".git"),
    "git-hook-create": Case(new_file(".git/hooks/post-checkout", "#!/bin/sh\ntouch ../outside/pwned"), 2, git=True),
    "git-upper-case": Case(new_file(".GIT/hooks/pre-commit", "#!/bin/sh"), 2, git=True),
    "git-mixed-case": Case(new_file(".Git/config", "[core]"), 2),
    "git-ntfs-dot": Case(new_file(".git./config", "[core]"), 2),
    "git-ntfs-space": Case(new_file(".git /config", "[core]"), 2),
    "git-short-name": Case(new_file("git~1/config", "[core]"), 2),
    "git-in-subdir": Case(new_file("sub/.git/hooks/pre-commit", "#!/bin/sh"), 2),
    "git-file-itself": Case(new_file(".git", "gitdir: ../outside"), 2),
    "git-rename-into": Case(rename("a.c", ".git/hooks/pre-commit"), 2, git=True),
    "git-copy-into": Case(rename("a.c", ".git/config", "copy"), 2, git=True),
    "git-plain-diff": Case("--- .git/config\n+++ .git/config\n@@ -0,0 +1 @@\n+x\n", 2, git=True),
    "git-index-line": Case("Index: .git/config\n--- config\n+++ config\n@@ -0,0 +1 @@\n+x\n", 2, git=True),
    # --- leaving the tree -------------------------------------------------------------------
    "rename-out": Case(rename("a.c", "../outside/new.c"), 2),
    "copy-out": Case(rename("a.c", "../../x.c", "copy"), 2),
    "rename-from-outside": Case(rename("../outside/secret.txt", "stolen.txt"), 2),
    "absolute-copy": Case(rename("/etc/hostname", "host.txt", "copy"), 1),  # a//etc/hostname: etc/hostname, not here
    "through-symlinked-dir-new": Case(new_file("linkdir/evil.c"), 2, setup=_symlinked_dir),
    "through-symlinked-dir-modify": Case("--- a/linkdir/secret.txt\n+++ b/linkdir/secret.txt\n"
                                         "@@ -1 +1 @@\n-secret\n+owned\n", 2, setup=_symlinked_dir),
    "through-symlinked-dir-delete": Case(delete("linkdir/secret.txt", ["secret"]), 2, setup=_symlinked_dir),
    "through-symlinked-dir-rename": Case(rename("a.c", "linkdir/a.c"), 2, setup=_symlinked_dir),
    "symlinked-file-plain": Case(MOD.format("a.c"), 2, setup=_symlinked_file),
    "symlinked-file-delete": Case(delete("a.c", ["int victim;"]), 2, setup=_symlinked_file),
    "control-char-name": Case(new_file("ev\x01il.c"), 2),
    "newline-in-quoted-name": Case('diff --git "a/x\\ny.c" "b/x\\ny.c"\nnew file mode 100644\n--- /dev/null\n'
                                   '+++ "b/x\\ny.c"\n@@ -0,0 +1 @@\n+x\n', 2),
    "fifo-target": Case("--- a/pipe.c\n+++ b/pipe.c\n@@ -1 +1 @@\n-x\n+y\n", 1, setup=_fifo,
                        message="not a regular file"),
    # --- symbolic links, git's way ------------------------------------------------------------
    "symlink-created": Case(new_link("lnk", "a.c"), 0, check=_is_link("lnk", "a.c"), extra_changes_ok=True),
    "symlink-in-new-dir": Case(new_link("s/t/lnk", "../../d/b.c"), 0, check=_is_link("s/t/lnk", "../../d/b.c"),
                               extra_changes_ok=True),
    "symlink-target-absolute": Case(new_link("lnk", "/etc/passwd"), 2),
    "symlink-target-dotdot": Case(new_link("lnk", "../outside/secret.txt"), 2),
    "symlink-target-deep-dotdot": Case(new_link("d/lnk", "../../outside/secret.txt"), 2),
    "symlink-target-git": Case(new_link("lnk", ".git/config"), 2),
    "symlink-over-existing-file": Case(new_link("a.c", "d/b.c"), 1),
    "file-to-symlink": Case(delete("a.c", ["int a;", "int b;", "int c;"]) + new_link("a.c", "d/b.c"), 0,
                            check=_is_link("a.c", "d/b.c"), extra_changes_ok=True),
    "symlink-to-file": Case(delete("l.c", ["a.c"], "120000").replace("-a.c\n", "-a.c\n\\ No newline at end of file\n")
                            + new_file("l.c", "now a file"), 0, setup=lambda b: os.symlink("a.c", b.tree / "l.c"),
                            check=_is_file("l.c", "now a file\n"), extra_changes_ok=True),
    # --- git's preconditions ------------------------------------------------------------------
    "rename-onto-tracked": Case(rename("a.c", "d/b.c"), 1, git=True, message="already exists"),
    "rename-onto-dirty": Case(rename("d/b.c", "a.c"), 1, git=True, setup=_dirty, message="already exists"),
    "rename-onto-untracked": Case(rename("a.c", "new.c"), 1, git=True, setup=_untracked_target,
                                  message="already exists"),
    "rename-onto-plain": Case(rename("a.c", "d/b.c"), 1, message="already exists"),
    "copy-onto-existing": Case(rename("a.c", "d/b.c", "copy"), 1, message="already exists"),
    "create-existing-untracked": Case(new_file("new.c", "new"), 1, git=True, setup=_untracked_target),
    "delete-partial-hunk": Case(delete("a.c", ["int a;", "int b;"]), 1, message="not deleting"),
    "delete-no-hunk": Case("diff --git a/a.c b/a.c\ndeleted file mode 100644\n", 1, message="not deleting"),
    "delete-dirty": Case(delete("a.c", ["int a;", "int b;", "int c;"]), 1, git=True, setup=_dirty,
                         message="not deleting"),
    "delete-missing": Case(delete("gone.c", ["x"]), 1),
    "plain-delete-partial": Case("--- a/a.c\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-int a;\n-int b;\n", 1),
    "delete-empty-ok": Case("diff --git a/e.c b/e.c\ndeleted file mode 100644\n", 0,
                            setup=lambda b: b.write("e.c", ""), check=lambda b: not (b.tree / "e.c").exists(),
                            extra_changes_ok=True),
    # --- type changes: files and directories --------------------------------------------------
    "file-becomes-dir-parent": Case(delete("d/b.c", ["x"]) + new_file("d", "now a file"), 0,
                                    check=_is_file("d", "now a file\n"), extra_changes_ok=True),
    "dir-becomes-file-parent": Case(delete("a.c", ["int a;", "int b;", "int c;"]) + new_file("a.c/sub.c", "x"), 0,
                                    check=_is_file("a.c/sub.c", "x\n"), extra_changes_ok=True),
    "create-under-kept-file": Case(new_file("a.c/sub.c", "x"), 1, message="a.c"),
    "create-over-kept-dir": Case(new_file("d", "x"), 1),
    "create-under-symlink": Case(new_file("l/sub.c", "x"), 2, setup=lambda b: os.symlink("d", b.tree / "l")),
    # --- loose placement is reported, and can be turned off ------------------------------------
    "whitespace-clean-section-exact": Case("--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n int  a;\n-int b;\n+int b2;\n"
                                           " int c;\n", 1),
    "whitespace-placement-asked": Case("--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n int  a;\n-int b;\n+int b2;\n"
                                       " int c;\n", 0, args=("--ignore-whitespace",), message="ignoring whitespace"),
    "whitespace-tabs-expanded": Case("--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n int     a;\n-int b;\n+int b2;\n"
                                     " int c;\n", 0, files={"a.c": "int\ta;\nint b;\nint c;\n"},
                                     message="ignoring whitespace"),
    "whitespace-placement-off": Case("--- a/a.c\n+++ b/a.c\n@@ -1,3 +1,3 @@\n int     a;\n-int b;\n+int b2;\n"
                                     " int c;\n", 1, files={"a.c": "int\ta;\nint b;\nint c;\n"},
                                     args=("--no-ignore-whitespace",)),
    # --- careless use ---------------------------------------------------------------------------
    "patch-is-a-directory": Case("", 2, args=("--tree", "tree", "outside")),
    "patch-missing": Case("", 2, args=("--tree", "tree", "no-such.patch")),
    "tree-missing": Case(MOD.format("a.c"), 2, args=("--tree", "no-tree", "p.patch")),
    "emit-fixed-missing-folder": Case(MOD.format("a.c"), 2, args=("--emit-fixed", "nowhere/x.patch")),
    "emit-fixed-into-git": Case(MOD.format("a.c"), 2, git=True, args=("--emit-fixed", "tree/.git/x.patch")),
    "emit-fixed-through-link": Case(MOD.format("a.c"), 2, args=("--emit-fixed", "out.patch"),
                                    setup=lambda b: os.symlink(b.outside / "secret.txt", b.root / "out.patch")),
    "commit-plain-tree": Case(MOD.format("a.c"), 2, args=("--commit",)),
    "commit-over-dirty-edit": Case("From: Mallory <m@example.org>\nSubject: [PATCH] tweak\n\n---\n"
                                   + MOD.format("a.c").replace(" int c;\n", " int c;\n"), 1, git=True,
                                   args=("--commit",), setup=lambda b: b.write("a.c", "int a;\nint b;\nint c;\n/*x*/\n"),
                                   message="uncommitted changes"),
    "stdin-closed": Case("", 2, args=("--tree", "tree", "-")),
    "binary-patch": Case("diff --git a/b.bin b/b.bin\nnew file mode 100644\nGIT binary patch\nliteral 3\n"
                         "Kcmb1*-u00004\n\nliteral 0\nHcmV?d00001\n\n", 2),
    "garbage-input": Case("\x00\x01\x02 not a patch at all\n", 2),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_apply_case(tmp_path, name):
    case = CASES[name]
    box = make(tmp_path, git=case.git, files=case.files)
    if case.setup:
        case.setup(box)
    box.patch(case.patch)
    tree_before = digest(box.tree)
    world_before = box.everything()
    args = case.args if "--tree" in case.args else ("--tree", "tree", *case.args, "p.patch")
    if name == "stdin-closed":  # fd 0 closed before pgtool starts: `pgtool apply - <&-`
        proc = subprocess.run([sys.executable, "-m", "pgtool", "apply", *args], capture_output=True, cwd=box.root,
                              preexec_fn=lambda: os.close(0))
    else:
        proc = box.run("apply", *args)
    assert_no_traceback(proc)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    assert proc.returncode == case.rc, out
    assert box.everything() == world_before, out          # nothing outside the tree, nothing in .git
    assert not (box.outside / "pwned").exists()
    if case.rc:
        assert digest(box.tree) == tree_before, out       # a refusal writes nothing
        if case.rc == 2:
            assert_one_line_error(proc)
    elif not case.extra_changes_ok:
        assert digest(box.tree) != tree_before
    if case.message:
        assert case.message in out, out
    if case.check:
        case.check(box)
    assert not list(box.tree.glob(".pgtool-apply*")), "a journal or data file was left behind"


# --- journals that arrive from elsewhere ----------------------------------------------------------

def _identity(tree) -> list[int]:
    st = os.stat(tree)
    return [st.st_dev, st.st_ino]


def _journal(box: Sandbox, ops: list[dict], **over) -> str:
    import json

    doc = {"format": "pgtool-apply-journal", "version": 2, "tree": _identity(box.tree), "uid": os.getuid(),
           "token": "0123abcd", "state": "commit", "ops": ops, "mkdirs": [], "late_mkdirs": [], "rmdirs": []}
    doc.update(over)
    return json.dumps(doc)


PLANTED = {
    "old-format-absolute": lambda b: '{"state": "commit", "ops": [{"path": "/tmp/x", "delete": true}]}',
    "old-format-dotdot": lambda b: '{"state": "commit", "ops": [{"path": "../outside/secret.txt", "delete": true}]}',
    "not-json": lambda b: "\x00\x01garbage",
    "other-tree": lambda b: _journal(b, [{"path": "a.c", "how": "delete", "pre": None, "post": None,
                                          "pre_kind": "file"}], tree=[1, 2]),
    "other-user": lambda b: _journal(b, [{"path": "a.c", "how": "delete", "pre": None, "post": None,
                                          "pre_kind": "file"}], uid=os.getuid() + 1),
    "this-tree-dotdot": lambda b: _journal(b, [{"path": "../outside/secret.txt", "how": "delete", "pre": None,
                                                "post": None, "pre_kind": "file"}]),
    "this-tree-absolute": lambda b: _journal(b, [{"path": "/tmp/pgtool-x", "how": "delete", "pre": None,
                                                  "post": None, "pre_kind": "file"}]),
    "this-tree-git": lambda b: _journal(b, [{"path": ".git/config", "how": "delete", "pre": None, "post": None,
                                             "pre_kind": "file"}]),
    "this-tree-foreign-temp": lambda b: _journal(b, [{"path": "a.c", "how": "rename", "tmp": "d/b.c",
                                                      "pre": None, "post": None, "pre_kind": "file"}]),
    "this-tree-rmdir-out": lambda b: _journal(b, [], rmdirs=["../outside"]),
    "future-version": lambda b: _journal(b, [], version=99),
}


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_planted_journal_is_refused_not_obeyed(tmp_path, name):
    """A journal that came with the tree (a tarball, a copy) names paths outside or files that are the
    user's: it is refused with one line, nothing it names is touched, and --abort-recovery drops it
    without touching anything else."""
    box = make(tmp_path)
    box.write(".pgtool-apply.journal", PLANTED[name](box))
    box.patch(MOD.format("a.c"))
    tree_before = digest(box.tree)
    world_before = box.everything()
    proc = box.run("apply", "--tree", "tree", "p.patch")
    assert proc.returncode == 2, proc.stderr
    assert_one_line_error(proc)
    assert b"journal" in proc.stderr
    assert digest(box.tree) == tree_before and box.everything() == world_before
    check = box.run("apply", "--check", "--tree", "tree", "p.patch")
    assert_no_traceback(check)
    assert b"interrupted apply is pending" in check.stdout + check.stderr
    dropped = box.run("apply", "--abort-recovery", "--tree", "tree")
    assert dropped.returncode == 0, dropped.stderr
    assert not (box.tree / ".pgtool-apply.journal").exists()
    tree_before.pop(".pgtool-apply.journal")
    assert digest(box.tree) == tree_before and box.everything() == world_before
    assert box.run("apply", "--tree", "tree", "p.patch").returncode == 0


def test_a_journal_that_is_a_symlink_is_refused(tmp_path):
    box = make(tmp_path)
    os.symlink(box.outside / "secret.txt", box.tree / ".pgtool-apply.journal")
    box.patch(MOD.format("a.c"))
    proc = box.run("apply", "--tree", "tree", "p.patch")
    assert proc.returncode == 2 and b"journal" in proc.stderr
    assert_one_line_error(proc)
    assert (box.outside / "secret.txt").read_text() == "secret\n"


def test_a_copied_tree_does_not_obey_the_original_journal(tmp_path):
    """A real journal, left by a killed apply, copied with its tree: the copy refuses it."""
    import shutil

    from pgtool.apply import writer

    box = make(tmp_path)
    _killed_apply(box, [writer.FileWrite("a.c", b"new a\n"), writer.FileWrite("d/b.c", None)], after=0)
    copy = tmp_path / "copy"
    shutil.copytree(box.tree, copy, symlinks=True)
    box.patch(MOD.format("a.c"))
    proc = box.run("apply", "--tree", "copy", "p.patch")
    assert proc.returncode == 2 and b"another tree" in proc.stderr, proc.stderr
    assert (copy / "a.c").read_text() == "int a;\nint b;\nint c;\n"
    # the original tree still finishes its own change
    assert "rolled forward" in writer.recover(box.tree)
    assert (box.tree / "a.c").read_bytes() == b"new a\n" and not (box.tree / "d/b.c").exists()


# --- recovery after a kill, with the user editing in between -----------------------------------

class Killed(BaseException):
    """Where a kill -9 would stop the writer: no handler of its runs."""


def _killed_apply(box: Sandbox, writes, after: int = 1) -> None:
    """Commit `writes`, killed after the commit point once `after` files are written."""
    from pgtool.apply import writer

    original = writer._forward

    class Flag:
        seen = 0

        def __getitem__(self, index):
            self.seen += 1
            if self.seen > after:
                raise Killed
            return False

    def killed(t, journal, contents, done, interrupted, skip=None):
        return original(t, journal, contents, done, Flag(), skip)

    writer._forward = killed
    try:
        with pytest.raises(Killed):
            writer.commit(box.tree, writes)
    finally:
        writer._forward = original


def test_recovery_never_rolls_over_an_edit_made_after_the_kill(tmp_path):
    from pgtool.apply import writer

    box = make(tmp_path, files={f"f{i}.c": f"old {i}\n" for i in range(4)})
    _killed_apply(box, [writer.FileWrite(f"f{i}.c", f"new {i}\n".encode()) for i in range(4)])
    box.write("f2.c", "old 2\n/* the user's edit after the crash */\n")
    box.patch(new_file("z.c", "unrelated"))
    proc = box.run("apply", "--check", "--tree", "tree", "p.patch")
    assert b"interrupted apply is pending" in proc.stdout + proc.stderr
    proc = box.run("apply", "--tree", "tree", "p.patch")
    assert proc.returncode == 2 and b"f2.c" in proc.stderr and b"--continue" in proc.stderr, proc.stderr
    assert_one_line_error(proc)
    assert (box.tree / "f2.c").read_text().endswith("after the crash */\n")
    done = box.run("apply", "--continue", "--tree", "tree")
    assert done.returncode == 0, done.stderr
    assert [(box.tree / f"f{i}.c").read_text() for i in (0, 1, 3)] == ["new 0\n", "new 1\n", "new 3\n"]
    assert (box.tree / "f2.c").read_text() == "old 2\n/* the user's edit after the crash */\n"


def test_abort_recovery_undoes_the_change_and_keeps_the_edit(tmp_path):
    from pgtool.apply import writer

    box = make(tmp_path, files={f"f{i}.c": f"old {i}\n" for i in range(4)} | {"gone.c": "bye\n"})
    box.write("x/y.c", "in a folder\n")
    writes = [writer.FileWrite(f"f{i}.c", f"new {i}\n".encode()) for i in range(4)]
    writes += [writer.FileWrite("gone.c", None), writer.FileWrite("x/y.c", None),
               writer.FileWrite("x", b"a file where a folder was\n"), writer.FileWrite("n/m.c", b"new\n")]
    before = digest(box.tree)
    _killed_apply(box, writes, after=3)
    assert (box.tree / "x").is_file() or (box.tree / "f0.c").read_text() == "new 0\n"
    box.write("f3.c", "old 3\n/* edited */\n")
    message = writer.recover(box.tree, "abort")
    assert "undid" in message and "kept as edited" in message
    after = digest(box.tree)
    assert (box.tree / "f3.c").read_text() == "old 3\n/* edited */\n"
    after.pop("f3.c")
    before.pop("f3.c")
    assert after == before


def test_ctrl_c_after_the_commit_point_says_what_state_the_tree_is_in(tmp_path):
    """SIGINT while the files are written: the run stops between files, says how many are written and
    that the next run completes the change; the next run does."""
    box = make(tmp_path, files={f"d{i // 100}/f{i}.c": f"int old{i};\n" for i in range(1500)})
    patch = "".join(f"--- a/d{i // 100}/f{i}.c\n+++ b/d{i // 100}/f{i}.c\n@@ -1 +1 @@\n-int old{i};\n"
                    f"+int new{i};\n" for i in range(1500))
    box.patch(patch)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for attempt in range(40):
        proc = subprocess.Popen([sys.executable, "-m", "pgtool", "apply", "--tree", "tree", "p.patch"],
                                cwd=box.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        journal = box.tree / ".pgtool-apply.journal"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if b'"state": "commit"' in journal.read_bytes()[:300] or b'"commit"' in journal.read_bytes():
                    break
            except OSError:
                pass
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err, err
        if proc.returncode == 130 and b"files written" in err:
            assert b"the next pgtool apply" in err, err
            assert journal.exists()
            fin = box.run("apply", "--tree", "tree", "--check", "p.patch")
            assert b"interrupted apply is pending" in fin.stdout + fin.stderr
            box.patch("--- a/d0/f0.c\n+++ b/d0/f0.c\n@@ -1 +1 @@\n-int new0;\n+int newer0;\n", "q.patch")
            done = box.run("apply", "--tree", "tree", "q.patch")
            assert done.returncode == 0, done.stderr
            assert b"rolled forward" in done.stdout + done.stderr
            texts = {(box.tree / f"d{i // 100}/f{i}.c").read_text() for i in range(1, 1500)}
            assert texts == {f"int new{i};\n" for i in range(1, 1500)}
            return
        # the interrupt came before the commit point or after the end: either way, all or nothing
        states = {(box.tree / f"d{i // 100}/f{i}.c").read_text().startswith("int new") for i in range(1500)}
        assert len(states) == 1, (proc.returncode, err)
        if states == {True}:
            box.run("apply", "-R", "--tree", "tree", "p.patch")
    # every interrupt landed before the commit point or after the end, and each left all or nothing
    # (checked above); the message past the commit point is checked, deterministically, in
    # test_ctrl_c_between_two_files_stops_there_and_the_next_run_finishes


def test_two_applies_at_once_serialise(tmp_path):
    box = make(tmp_path, files={f"f{i}.c": f"int old{i};\n" for i in range(300)})
    box.patch("".join(f"--- a/f{i}.c\n+++ b/f{i}.c\n@@ -1 +1 @@\n-int old{i};\n+int new{i};\n" for i in range(300)))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    procs = [subprocess.Popen([sys.executable, "-m", "pgtool", "apply", "--tree", "tree", "p.patch"], cwd=box.root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    codes = sorted(p.wait(timeout=120) for p in procs)
    for p in procs:
        assert b"Traceback" not in p.stderr.read()
    assert codes == [0, 1]  # one applies, the other finds it already applied
    assert {(box.tree / f"f{i}.c").read_text() for i in range(300)} == {f"int new{i};\n" for i in range(300)}


def test_a_tree_the_writer_may_not_write_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    """The machine refuses the journal (a read-only tree, a full disk): one line, exit 2, nothing
    written, no journal left. (Root ignores permission bits, so the refusal is made here.)"""
    from pgtool.apply import engine, writer
    from pgtool.errors import InfraError

    box = make(tmp_path)
    box.patch(MOD.format("a.c"))
    before = digest(box.tree)
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(writer.os, "open", read_only)
    with pytest.raises(InfraError) as err:
        engine.apply_patches([str(box.root / "p.patch")], box.tree)
    monkeypatch.setattr(writer.os, "open", real_open)
    assert "Permission denied" in err.value.one_line() and "nothing written" in err.value.one_line()
    assert digest(box.tree) == before


def test_git_tree_with_fsmonitor_never_runs_what_a_patch_wrote(tmp_path):
    """The classic: a patch sets core.fsmonitor; pgtool's own git status would run it. Refused before
    anything is read, so .git/config is untouched and no command ran."""
    box = make(tmp_path, git=True)
    config_before = (box.tree / ".git/config").read_bytes()
    box.patch('diff --git "a/.git/config" "b/.git/config"\n--- "a/.git/config"\n+++ "b/.git/config"\n'
              "@@ -1 +1,2 @@\n [core]\n+\tfsmonitor = touch ../outside/pwned\n")
    proc = box.run("apply", "--commit", "--tree", "tree", "p.patch")
    assert proc.returncode == 2
    assert_one_line_error(proc)
    assert (box.tree / ".git/config").read_bytes() == config_before
    box.patch(MOD.format("a.c"), "ok.patch")
    assert box.run("apply", "--tree", "tree", "ok.patch").returncode == 0
    assert not (box.outside / "pwned").exists()


def test_symlink_mode_is_kept_as_git_keeps_it(tmp_path):
    """A git symlink becomes a symlink (not a mode-000 regular file holding the target)."""
    box = make(tmp_path)
    box.patch(new_link("lnk", "d/b.c"))
    assert box.run("apply", "--tree", "tree", "p.patch").returncode == 0
    st = os.lstat(box.tree / "lnk")
    assert stat.S_ISLNK(st.st_mode) and os.readlink(box.tree / "lnk") == "d/b.c"
    # and a patch to the link's target text changes the link, not the file it points to
    box.patch("diff --git a/lnk b/lnk\nindex 1111111..2222222 120000\n--- a/lnk\n+++ b/lnk\n@@ -1 +1 @@\n-d/b.c\n"
              "\\ No newline at end of file\n+a.c\n\\ No newline at end of file\n", "q.patch")
    proc = box.run("apply", "--tree", "tree", "q.patch")
    assert proc.returncode == 0, proc.stderr
    assert os.readlink(box.tree / "lnk") == "a.c" and (box.tree / "d/b.c").read_text() == "x\n"


def test_commit_reads_names_literally_never_as_git_patterns(tmp_path):
    """git reads ':x.c' and 'a*.c' as pathspec magic and globs: with --commit, a patch creating 'a*.c'
    must not commit the user's edit of 'abc.c', and an edit of ':x.c' is seen as uncommitted."""
    box = make(tmp_path, git=True, files={"abc.c": "int abc;\n", ":x.c": "int x;\nint z;\n"})
    box.write("abc.c", "int abc;\n/* the user's uncommitted edit */\n")
    mail = "From: Mallory <m@example.org>\nSubject: [PATCH] add a star\n\n---\n" + new_file("a*.c", "int star;")
    box.patch(mail)
    proc = box.run("apply", "--commit", "--tree", "tree", "p.patch")
    assert proc.returncode == 0, proc.stderr
    committed = box.git("show", "--name-only", "--format=", "HEAD").split()
    assert committed == ["a*.c"]
    assert "abc.c" in box.git("status", "--porcelain")
    box.write(":x.c", "int x;\nint z;\n/* edited */\n")
    box.patch("From: Mallory <m@example.org>\nSubject: [PATCH] x\n\n---\n"
              "--- a/:x.c\n+++ b/:x.c\n@@ -1,2 +1,3 @@\n int x;\n+int y;\n int z;\n", "q.patch")
    proc = box.run("apply", "--commit", "--tree", "tree", "q.patch")
    assert proc.returncode == 1 and b"uncommitted changes" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert (box.tree / ":x.c").read_text() == "int x;\nint z;\n/* edited */\n"


def test_fuzz_never_lands_on_an_uncommitted_edit(tmp_path):
    """Every level but fuzz matches all context and removed lines and keeps the file's own bytes; fuzz
    drops outer context, so on a file with uncommitted changes it is refused (commit or stash first)."""
    files = {"a.c": "".join(f"int v{i};\n" for i in range(12))}
    box = make(tmp_path, git=True, files=files)
    box.write("a.c", files["a.c"].replace("int v3;\n", "int v3_mine;\n"))  # the user's edit, in the context
    box.patch("--- a/a.c\n+++ b/a.c\n@@ -4,7 +4,7 @@\n int v3;\n int v4;\n int v5;\n-int v6;\n+int v6_new;\n"
              " int v7;\n int v8;\n int v9;\n")
    before = digest(box.tree)
    proc = box.run("apply", "--fuzz", "1", "--tree", "tree", "p.patch")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and b"uncommitted changes" in out, out
    assert digest(box.tree) == before
    box.git("commit", "-q", "-am", "the user's edit, committed")
    assert box.run("apply", "--fuzz", "1", "--tree", "tree", "p.patch").returncode == 0


def test_ctrl_c_between_two_files_stops_there_and_the_next_run_finishes(tmp_path, monkeypatch):
    """SIGINT delivered while the third file is rewritten: that file is finished, the run stops before
    the fourth, says how many are written and how to finish, and recovery completes the change."""
    from pgtool.apply import writer
    from pgtool.errors import Interrupted

    box = make(tmp_path, files={f"f{i}.c": f"int old{i};\n" for i in range(8)})
    real_rewrite = writer._rewrite
    calls = {"n": 0}

    def rewrite(dir_fd, name, data):
        calls["n"] += 1
        if calls["n"] == 3:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, in the middle of a file
        return real_rewrite(dir_fd, name, data)

    monkeypatch.setattr(writer, "_rewrite", rewrite)
    with pytest.raises(Interrupted) as err:
        writer.commit(box.tree, [writer.FileWrite(f"f{i}.c", f"int new{i};\n".encode()) for i in range(8)])
    message = err.value.one_line()
    assert "3 of 8 files written" in message and "completes the change" in message, message
    assert err.value.exit_code == 130
    assert [(box.tree / f"f{i}.c").read_text() for i in range(3)] == [f"int new{i};\n" for i in range(3)]
    assert (box.tree / writer.JOURNAL).exists()
    monkeypatch.setattr(writer, "_rewrite", real_rewrite)
    assert "rolled forward" in writer.recover(box.tree)
    assert [(box.tree / f"f{i}.c").read_text() for i in range(8)] == [f"int new{i};\n" for i in range(8)]
