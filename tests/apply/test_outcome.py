"""What apply says when a patch does not apply: one line per failed hunk, naming the patch, the file
and the hunk as the patch states it; a file missing from the tree is "does not apply" (exit 1)."""

from __future__ import annotations

from .helpers import run_pgtool

PATCH = ("--- a/f.c\n+++ b/f.c\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n"
         "@@ -10,3 +10,3 @@\n nine\n-ten\n+TEN\n eleven\n")


def tree_with(tmp_path, text: str):
    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "f.c").write_text(text)
    return tree


def test_each_failed_hunk_is_one_line(tmp_path):
    tree = tree_with(tmp_path, "one\ntwo\nthree\n" + "".join(f"x{i}\n" for i in range(4, 15)))
    patch = tmp_path / "fix.patch"
    patch.write_text(PATCH)
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    out = proc.stdout.decode()
    assert proc.returncode == 1
    lines = [line for line in out.splitlines() if "does not apply:" in line]
    assert lines == [f"{patch}: f.c: hunk #2 (@@ -10,3 +10,3 @@) does not apply: its context and removed lines "
                     "are nowhere in the file"], out
    assert (tree / "f.c").read_text().startswith("one\ntwo\n")  # nothing written


def test_an_ambiguous_hunk_says_so(tmp_path):
    tree = tree_with(tmp_path, "a\nb\nc\nz\nz\nz\na\nb\nc\n")
    patch = tmp_path / "amb.patch"
    patch.write_text("--- a/f.c\n+++ b/f.c\n@@ -4,3 +4,3 @@\n a\n-b\n+B\n c\n")  # 3 lines from both
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    assert proc.returncode == 1
    assert "hunk #1 (@@ -4,3 +4,3 @@) does not apply: it matches in more than one place equally well" \
        in proc.stdout.decode()


def test_a_missing_file_does_not_apply_and_hints_only_when_another_level_finds_it(tmp_path):
    tree = tree_with(tmp_path, "one\ntwo\nthree\n")
    gone = tmp_path / "gone.patch"
    gone.write_text("--- a/nope.c\n+++ b/nope.c\n@@ -1 +1 @@\n-x\n+y\n")
    proc = run_pgtool("apply", "--tree", str(tree), str(gone))
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "not in the tree; the patch does not apply" in err and "-p" not in err, err
    patch = tmp_path / "fix.patch"
    patch.write_text(PATCH.split("@@ -10")[0])
    proc = run_pgtool("apply", "-p0", "--tree", str(tree), str(patch))
    err = proc.stderr.decode()
    assert proc.returncode == 1 and "(with -p1 it would be found)" in err, err
    assert run_pgtool("apply", "-p1", "--tree", str(tree), str(patch)).returncode == 0


def test_every_reindented_line_is_reported(seed_mail, tmp_path):
    """The seed mail lost its added lines' indentation: each line pgtool re-indents is named in the
    report by its line in the mail, and nothing else is; every other added line lands as written."""
    import re
    import shutil

    from .helpers import SEED_FIXTURE

    tree = tmp_path / "seed"
    shutil.copytree(SEED_FIXTURE, tree)
    proc = run_pgtool("apply", "--tree", str(tree), str(seed_mail))
    out = proc.stdout.decode()
    assert proc.returncode == 0, out
    noted = {int(m.group(1)) for m in re.finditer(r"repair: line (\d+): hunk #\d+: re-indented", out)}
    mail = seed_mail.read_text(errors="surrogateescape").split("\n")
    assert noted and all(mail[n - 1].startswith("+") for n in noted)
    result = "".join((tree / rel).read_text(errors="surrogateescape") for rel in
                     ("mm/filemap.c", "mm/memory.c", "mm/page_alloc.c", "include/linux/mm.h")
                     if (tree / rel).exists()).split("\n")
    squeezed = {" ".join(line.split()): line for line in result}
    for n in noted:  # the line is in the result with other whitespace
        text = mail[n - 1][1:]
        assert " ".join(text.split()) in squeezed and squeezed[" ".join(text.split())] != text, (n, text)
