"""Acceptance 4: no patch writes outside the tree (`..`, absolute, symlinks, `//`).

Every case of the corpus must be refused (exit 2, a one-line error naming the
patch and line) and nothing may change, inside the tree or outside it: not
even the legitimate file that precedes the bad one in the same patch.
"""

from __future__ import annotations

import os

import pytest

from .helpers import run_pgtool, tree_digest

GOOD = """--- a/ok.c
+++ b/ok.c
@@ -1,3 +1,3 @@
 int a;
-int b;
+int b2;
 int c;
"""


def new_file(name: str) -> str:
    return f"--- /dev/null\n+++ {name}\n@@ -0,0 +1 @@\n+evil\n"


def modify(old: str, new: str) -> str:
    return f"--- {old}\n+++ {new}\n@@ -1 +1 @@\n-secret\n+owned\n"


CORPUS = {
    "dotdot-modify": modify("a/../outside/secret.txt", "b/../outside/secret.txt"),
    "dotdot-new": new_file("b/../../evil.c"),
    "dotdot-deep": new_file("b/sub/../../outside/evil.c"),
    "absolute-modify": modify("/etc/passwd", "/etc/passwd"),
    "absolute-new": new_file("/tmp/pgtool-evil.c"),
    "double-slash-absolute": modify("//outside//secret.txt", "//outside//secret.txt"),
    "double-slash-dotdot": new_file("b//..//..//evil.c"),
    "index-dotdot": "Index: ../outside/secret.txt\n" + modify("secret.txt", "secret.txt"),
    "symlink-dir-new": new_file("b/linkdir/evil.c"),
    "symlink-dir-modify": modify("a/linkdir/secret.txt", "b/linkdir/secret.txt"),
    "symlink-file": "--- a/victim.c\n+++ b/victim.c\n@@ -1 +1 @@\n-secret\n+owned\n",
    "git-rename-out": ("diff --git a/ok.c b/../evil.c\nsimilarity index 100%\nrename from ok.c\n"
                       "rename to ../evil.c\n"),
    "git-new-dotdot": "diff --git a/../x.c b/../x.c\nnew file mode 100644\n--- /dev/null\n+++ b/../x.c\n"
                      "@@ -0,0 +1 @@\n+evil\n",
    "quoted-dotdot": 'diff --git "a/\\056\\056/q.c" "b/\\056\\056/q.c"\nnew file mode 100644\n--- /dev/null\n'
                     '+++ "b/\\056\\056/q.c"\n@@ -0,0 +1 @@\n+evil\n',
    "control-char": new_file("b/ev\x01il.c"),
    "strip-to-dotdot": new_file("x/../evil.c"),
}


@pytest.fixture
def jail(tmp_path):
    tree = tmp_path / "tree"
    outside = tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    (tree / "ok.c").write_text("int a;\nint b;\nint c;\n")
    (tree / "secret.txt").write_text("secret\n")
    os.symlink("../outside", tree / "linkdir")
    os.symlink("../outside/secret.txt", tree / "victim.c")
    return tmp_path, tree


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_escape_refused(jail, case):
    root, tree = jail
    patch = root / "evil.patch"
    patch.write_text(GOOD + CORPUS[case])
    before = tree_digest(root)
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    err = "".join(line for line in proc.stderr.decode().splitlines(keepends=True)
                  if not line.startswith("pgtool apply: "))  # progress lines, if any
    assert proc.returncode == 2, (proc.stdout, err)
    assert "Traceback" not in err
    assert err.startswith(f"pgtool: error: {patch}:") and err.count("\n") == 1, err
    assert any(w in err for w in ("refusing", "malformed")), err
    after = tree_digest(root)
    assert after == before
    assert not (tree / ".pgtool-apply.journal").exists()


def test_double_slash_inside_tree_is_squashed(jail):
    """`mm//x` is the same file as `mm/x` (git's squash_slash), not an escape."""
    root, tree = jail
    (tree / "mm").mkdir()
    (tree / "mm" / "x.c").write_text("one\ntwo\n")
    patch = root / "ok.patch"
    patch.write_text("Index: mm//x.c\n--- x.c\n+++ linux/mm//x.c\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n")
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    assert proc.returncode == 0, proc.stderr
    assert (tree / "mm" / "x.c").read_text() == "one\nthree\n"
