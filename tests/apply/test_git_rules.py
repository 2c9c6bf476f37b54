"""Rules git apply follows that a loose placement must not break: anchors at the ends of a file,
CRs a diff carries, the strip level a git patch's names say, and what -R says of a patch not in."""

from __future__ import annotations

import os
import subprocess

from .helpers import run_pgtool

ENV = dict(os.environ, GIT_AUTHOR_NAME="A", GIT_AUTHOR_EMAIL="a@example.org", GIT_COMMITTER_NAME="A",
           GIT_COMMITTER_EMAIL="a@example.org", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout


def repo_with(tmp_path, files: dict[str, bytes]):
    repo = tmp_path / "repo"
    for rel, data in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
    git(repo, "init", "-q", "-b", "master")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def test_a_hunk_without_trailing_context_must_end_the_file(tmp_path):
    """A device-tree style append: the change is already at the end, and the hunk's context also
    appears 4 lines higher. git and GNU patch say 'already applied'; placing it at that offset would
    append a second copy."""
    base = b"".join(f"node{i} {{ }};\n".encode() for i in range(10))
    repo = repo_with(tmp_path, {"board.dtsi": base})
    block = b"&pmx_sata0 {\n\tstatus = \"okay\";\n};\n"
    (repo / "board.dtsi").write_bytes(base + block)
    patch = tmp_path / "append.patch"
    patch.write_text(git(repo, "diff"))
    # the tree: the change applied, then the context lines repeated after it (a later edit)
    tree_text = base + block + b"".join(f"node{i} {{ }};\n".encode() for i in range(7, 10)) + block
    (repo / "board.dtsi").write_bytes(tree_text)
    proc = run_pgtool("apply", "--check", "--tree", str(repo), str(patch))
    assert proc.returncode == 1, proc.stdout.decode()
    assert subprocess.run(["git", "-C", str(repo), "apply", "--check", str(patch)],
                          capture_output=True).returncode != 0
    (repo / "board.dtsi").write_bytes(base)
    assert run_pgtool("apply", "--tree", str(repo), str(patch)).returncode == 0
    assert (repo / "board.dtsi").read_bytes() == base + block


def test_crs_a_diff_carries_are_kept(tmp_path):
    """A file with CRLF ends: git diff writes the CRs on the content lines only; the result keeps them
    (they used to be stripped, and the hunk placed 'ignoring whitespace')."""
    repo = repo_with(tmp_path, {"w.txt": b"a\r\nb\r\nc\r\n"})
    (repo / "w.txt").write_bytes(b"a\r\nB\r\nc\r\n")
    patch = tmp_path / "crlf.patch"
    patch.write_bytes(subprocess.run(["git", "-C", str(repo), "diff"], capture_output=True, check=True).stdout)
    git(repo, "checkout", "-q", "w.txt")
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert proc.returncode == 0 and b"ignoring whitespace" not in proc.stdout, proc.stdout
    assert (repo / "w.txt").read_bytes() == b"a\r\nB\r\nc\r\n"
    # a mail whose transport made every line CRLF is read back to LF
    git(repo, "checkout", "-q", "w.txt")
    lf = tmp_path / "lf.patch"
    (repo / "u.txt").write_bytes(b"x\ny\n")
    git(repo, "add", "u.txt")
    git(repo, "commit", "-q", "-m", "u")
    (repo / "u.txt").write_bytes(b"x\nY\n")
    lf.write_bytes(git(repo, "diff").replace("\n", "\r\n").encode())
    git(repo, "checkout", "-q", "u.txt")
    assert run_pgtool("apply", "--tree", str(repo), str(lf)).returncode == 0
    assert (repo / "u.txt").read_bytes() == b"x\nY\n"


def test_a_git_patch_keeps_its_own_strip_level_when_already_applied(tmp_path):
    """arch/alpha/lib/Makefile changed and arch/alpha/lib/stycpy.S added, already applied: -p1 (the a/ b/
    names) resolves the existing file as well as -p3 (the tree's own lib/Makefile) does, so -p1 it is,
    and the patch is told already applied, not 'does not apply' to lib/Makefile."""
    repo = repo_with(tmp_path, {"arch/alpha/lib/Makefile": b"obj-y += a.o\n", "lib/Makefile": b"obj-y += lib.o\n"})
    (repo / "arch/alpha/lib/Makefile").write_bytes(b"obj-y += a.o\nobj-y += stycpy.o\n")
    (repo / "arch/alpha/lib/stycpy.S").write_bytes(b"/* strcpy */\n")
    git(repo, "add", "-A")
    patch = tmp_path / "alpha.patch"
    patch.write_text(git(repo, "diff", "--cached"))
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    out = proc.stdout.decode() + proc.stderr.decode()
    assert proc.returncode == 1 and "arch/alpha/lib/Makefile" in out and "already applied" in out, out
    undo = run_pgtool("apply", "-R", "--tree", str(repo), str(patch))
    assert undo.returncode == 0, undo.stdout.decode() + undo.stderr.decode()
    again = run_pgtool("apply", "-R", "--tree", str(repo), str(patch))
    said = again.stdout.decode()
    assert again.returncode == 1 and "nothing to revert" in said and "use -R" not in said, said
