"""Clean git patches and the command's options, on real kernel files in a git repo.

The patches are written by git itself (`git diff -M -C`, `git format-patch`)
from real changes, so renames, copies, deletions, new files, mode changes and
missing final newlines are in git's own format.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import git
import pytest

from .damage import split_lines
from .helpers import run_pgtool, tree_digest

FILES = ["mm/page_idle.c", "lib/sort.c", "lib/bcd.c", "kernel/up.c"]


def sh(cwd, *args, env=None):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {}))).stdout


@pytest.fixture
def repo(kernel_tree, tmp_path):
    root = tmp_path / "repo"
    for rel in FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(kernel_tree / rel, root / rel)
    sh(root, "git", "init", "-q", "-b", "master")
    sh(root, "git", "config", "user.name", "Test")
    sh(root, "git", "config", "user.email", "test@example.org")
    sh(root, "git", "add", "-A")
    sh(root, "git", "commit", "-q", "-m", "base")
    return root


def snapshot(root):
    modes = {str(p.relative_to(root)): os.stat(p).st_mode & 0o777 for p in root.rglob("*")
             if p.is_file() and ".git" not in p.parts}
    return tree_digest(root), modes


def make_change(root):
    """A change of every kind git can express in text, committed then undone."""
    text = (root / "lib/sort.c").read_text()
    (root / "lib/sort.c").write_text(text.replace("swap_words_32", "swap_words_32_pg", 1))
    sh(root, "git", "mv", "mm/page_idle.c", "mm/page_idle_moved.c")
    moved = (root / "mm/page_idle_moved.c").read_text()
    (root / "mm/page_idle_moved.c").write_text(moved.replace("page_idle_get_folio", "page_idle_folio", 1))
    shutil.copy(root / "lib/bcd.c", root / "lib/bcd_copy.c")
    (root / "lib/bcd_copy.c").write_text((root / "lib/bcd.c").read_text() + "/* copied */\n")
    os.remove(root / "kernel/up.c")
    os.rmdir(root / "kernel")  # as git apply does when a deletion empties a directory
    (root / "lib/new_helper.c").write_text("// SPDX-License-Identifier: GPL-2.0\nint pg_helper;")  # no final newline
    os.chmod(root / "lib/bcd.c", 0o755)
    sh(root, "git", "add", "-A")
    sh(root, "git", "commit", "-q", "-m", "every kind")
    after = snapshot(root)
    patch = sh(root, "git", "format-patch", "-1", "-M", "-C", "--find-copies-harder", "--stdout")
    sh(root, "git", "reset", "-q", "--hard", "HEAD~1")
    return patch, after


def test_git_patch_of_every_kind(repo, tmp_path):
    patch_text, after = make_change(repo)
    assert "rename from" in patch_text and "copy from" in patch_text and "deleted file mode" in patch_text
    assert "new file mode" in patch_text and "old mode 100644" in patch_text and "No newline" in patch_text
    patch = tmp_path / "all.patch"
    patch.write_text(patch_text)
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert snapshot(repo) == after
    out = proc.stdout.decode()
    assert "(renamed from mm/page_idle.c)" in out and "(copied from lib/bcd.c)" in out


def test_reverse_and_already_applied(repo, tmp_path):
    patch_text, after = make_change(repo)
    before = snapshot(repo)
    patch = tmp_path / "all.patch"
    patch.write_text(patch_text)
    assert run_pgtool("apply", "--tree", str(repo), str(patch)).returncode == 0
    again = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert again.returncode == 1
    assert snapshot(repo) == after
    back = run_pgtool("apply", "-R", "--tree", str(repo), str(patch))
    assert back.returncode == 0, back.stdout.decode() + back.stderr.decode()
    assert snapshot(repo) == before


def test_commit_like_git_am(repo, tmp_path):
    patch_text, after = make_change(repo)
    mbox = tmp_path / "series.mbox"
    second = ("From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001\n"
              "From: Ada Kernel <ada@example.org>\nDate: Thu, 5 Jan 2023 09:30:00 +0000\n"
              "Subject: [PATCH 2/2] lib: tweak the helper\n\nSecond.\n---\n"
              "diff --git a/lib/new_helper.c b/lib/new_helper.c\n--- a/lib/new_helper.c\n+++ b/lib/new_helper.c\n"
              "@@ -1,2 +1,2 @@\n // SPDX-License-Identifier: GPL-2.0\n-int pg_helper;\n\\ No newline at end of file\n"
              "+int pg_helper = 1;\n-- \n2.39.5\n")
    mbox.write_text(patch_text + "\n" + second)
    proc = run_pgtool("apply", "--commit", "--tree", str(repo), str(mbox))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    commits = list(git.Repo(repo).iter_commits("master", max_count=3))
    assert [c.summary for c in commits] == ["lib: tweak the helper", "every kind", "base"]
    assert commits[0].author.name == "Ada Kernel" and commits[0].author.email == "ada@example.org"
    assert commits[0].authored_datetime.isoformat() == "2023-01-05T09:30:00+00:00"
    assert commits[1].author.name == "Test"
    assert (repo / "lib/new_helper.c").read_text() == "// SPDX-License-Identifier: GPL-2.0\nint pg_helper = 1;\n"
    assert sh(repo, "git", "status", "--porcelain") == ""


def test_binary_patch_refused(repo, tmp_path):
    (repo / "blob.bin").write_bytes(bytes(range(256)))
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-q", "-m", "blob")
    (repo / "blob.bin").write_bytes(bytes(range(255, -1, -1)))
    patch = tmp_path / "bin.patch"
    patch.write_text(sh(repo, "git", "diff", "--binary"))
    sh(repo, "git", "checkout", "-q", "--", "blob.bin")
    before = snapshot(repo)
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert proc.returncode == 2
    assert "binary patches are not supported" in proc.stderr.decode()
    assert snapshot(repo) == before


def _two_hunks(repo, break_second: bool):
    path = repo / "lib/sort.c"
    text = path.read_text()
    lines = split_lines(text)
    new = list(lines)
    new[20] = new[20].rstrip("\n") + " /* one */\n"
    new[200] = new[200].rstrip("\n") + " /* two */\n"
    path.write_text("".join(new))
    patch = sh(repo, "git", "diff")
    path.write_text(text)
    if break_second:
        lines[203] = "/* changed under the patch */\n"  # the outermost trailing context line
        path.write_text("".join(lines))
        sh(repo, "git", "commit", "-qam", "drift")
    return patch, new


def test_failed_hunk_writes_nothing_then_reject(repo, tmp_path):
    patch_text, _ = _two_hunks(repo, break_second=True)
    patch = tmp_path / "two.patch"
    patch.write_text(patch_text)
    before = snapshot(repo)
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert proc.returncode == 1 and "hunk #2 (@@" in proc.stdout.decode() and "does not apply" in proc.stdout.decode()
    assert snapshot(repo) == before
    proc = run_pgtool("apply", "--reject", "--tree", str(repo), str(patch))
    assert proc.returncode == 1
    assert "saving rejects to file lib/sort.c.rej" in proc.stdout.decode()
    assert "/* one */" in (repo / "lib/sort.c").read_text()
    assert "/* two */" in (repo / "lib/sort.c.rej").read_text()


def test_reject_keeps_sections_without_hunks_and_skips_gone_files(kernel_tree, tmp_path):
    """--reject with a deletion already done (nothing to write, nothing to
    reject), a file whose only hunk fails, a mode change alone and a file that
    applies: the mode change and the good file are written, the failing file
    is left as it is beside its .rej. (This crashed on the deletion's internal
    marker, and dropped the mode change.)"""
    tree = tmp_path / "t"
    for rel in ("lib/sort.c", "lib/bsearch.c", "scripts/ver_linux"):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kernel_tree / rel, tree / rel)
    os.chmod(tree / "scripts/ver_linux", 0o644)
    sort = (tree / "lib/sort.c").read_text().splitlines(keepends=True)
    bsearch = (tree / "lib/bsearch.c").read_text().splitlines(keepends=True)
    patch = tmp_path / "mixed.patch"
    patch.write_text(
        "diff --git a/lib/gone.c b/lib/gone.c\ndeleted file mode 100644\n--- a/lib/gone.c\n+++ /dev/null\n"
        "@@ -1 +0,0 @@\n-int gone;\n"
        "diff --git a/lib/sort.c b/lib/sort.c\n--- a/lib/sort.c\n+++ b/lib/sort.c\n"
        f"@@ -10,3 +10,3 @@\n {sort[9]} not a line of the file\n-{sort[10]}+{sort[10][:-1]} /* x */\n {sort[11]}"
        "diff --git a/scripts/ver_linux b/scripts/ver_linux\nold mode 100644\nnew mode 100755\n"
        "diff --git a/lib/bsearch.c b/lib/bsearch.c\n--- a/lib/bsearch.c\n+++ b/lib/bsearch.c\n"
        f"@@ -10,3 +10,3 @@\n {bsearch[9]}-{bsearch[10]}+{bsearch[10][:-1]} /* y */\n {bsearch[11]}")
    before = (tree / "lib/sort.c").read_bytes()
    proc = run_pgtool("apply", "--reject", "--tree", str(tree), str(patch))
    assert proc.returncode == 1, proc.stdout.decode() + proc.stderr.decode()
    assert (tree / "lib/sort.c").read_bytes() == before
    assert (tree / "lib/sort.c.rej").is_file()
    assert os.stat(tree / "scripts/ver_linux").st_mode & 0o777 == 0o755
    assert "/* y */" in (tree / "lib/bsearch.c").read_text()
    out = proc.stdout.decode()
    assert "patching file lib/gone.c (deleted)" in out and "\0" not in out
    assert sorted(p.name for p in (tree / "lib").iterdir()) == ["bsearch.c", "sort.c", "sort.c.rej"]


def test_fuzz_is_opt_in(repo, tmp_path):
    patch_text, _ = _two_hunks(repo, break_second=True)
    patch = tmp_path / "two.patch"
    patch.write_text(patch_text)
    proc = run_pgtool("apply", "--fuzz", "2", "--tree", str(repo), str(patch))
    assert proc.returncode == 0, proc.stdout.decode()
    assert "Hunk #2 succeeded at" in proc.stdout.decode() and "with fuzz 1" in proc.stdout.decode()


def test_ambiguous_hunk_fails(tmp_path):
    tree = tmp_path / "t"
    tree.mkdir()
    block = ["\tspin_lock(&lock);\n", "\tcount++;\n", "\tspin_unlock(&lock);\n"]
    filler = [f"\tstep_{i}();\n" for i in range(20)]
    (tree / "a.c").write_text("".join(filler[:8] + block + filler[:17] + block + filler[:8]))
    # the copies start at lines 9 and 29; the header names line 19, ten lines from each
    patch = tmp_path / "amb.patch"
    patch.write_text("--- a/a.c\n+++ b/a.c\n@@ -19,3 +19,3 @@\n \tspin_lock(&lock);\n-\tcount++;\n+\tcount += 2;\n"
                     " \tspin_unlock(&lock);\n")
    before = tree_digest(tree)
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    assert proc.returncode == 1
    assert "ambiguous" in proc.stdout.decode()
    assert tree_digest(tree) == before


def test_uncommitted_edits_are_never_lost(repo, tmp_path):
    path = repo / "lib/sort.c"
    text = path.read_text()
    patch_text, wanted = _two_hunks(repo, break_second=False)
    patch = tmp_path / "two.patch"
    patch.write_text(patch_text)
    # the user's uncommitted edit, away from the hunks: a clean patch still applies on top
    edited = text.replace("#include <linux/types.h>", "#include <linux/types.h> /* mine */")
    path.write_text(edited)
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert proc.returncode == 0, proc.stdout.decode()
    result = path.read_text()
    assert "/* mine */" in result and "/* one */" in result and "/* two */" in result
    # a damaged patch (whitespace-insensitive match) keeps the user's edit too
    path.write_text(edited)
    damaged = "\n".join(line if not line.startswith(" ") else line.strip() for line in patch_text.split("\n"))
    patch.write_text(damaged)
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    result = path.read_text()
    assert "/* mine */" in result and "/* one */" in result and "/* two */" in result
    # an edit inside a hunk's outer context: fuzz would ignore it, so on a dirty file it is refused
    lines = split_lines(edited)
    lines[203] = lines[203].rstrip("\n") + " /* also mine */\n"
    path.write_text("".join(lines))
    patch.write_text(patch_text)
    proc = run_pgtool("apply", "--fuzz", "3", "--tree", str(repo), str(patch))
    assert proc.returncode == 1
    assert "uncommitted changes" in proc.stdout.decode() + proc.stderr.decode()
    assert path.read_text() == "".join(lines)
    # committed, the same edit is fuzz's to ignore
    sh(repo, "git", "commit", "-qam", "mine")
    proc = run_pgtool("apply", "--fuzz", "3", "--tree", str(repo), str(patch))
    assert proc.returncode == 0, proc.stdout.decode()
    assert "/* also mine */" in path.read_text() and "/* two */" in path.read_text()


def test_crlf_stdin_json_and_dry_run(repo, tmp_path):
    patch_text, wanted = _two_hunks(repo, break_second=False)
    data = patch_text.replace("\n", "\r\n").encode()
    before = snapshot(repo)
    proc = run_pgtool("apply", "--dry-run", "--json", "--tree", str(repo), "-", stdin=data)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["written"] is False and report["patches"][0]["status"] == "checked"
    assert snapshot(repo) == before
    proc = run_pgtool("apply", "--tree", str(repo), "-", stdin=data)
    assert proc.returncode == 0
    assert (repo / "lib/sort.c").read_text() == "".join(wanted)


def test_json_report_shape(repo, tmp_path):
    import jsonschema

    patch_text, _ = _two_hunks(repo, break_second=False)
    patch = tmp_path / "p.patch"
    patch.write_text(patch_text)
    proc = run_pgtool("apply", "--json", "--tree", str(repo), str(patch))
    hunk = {"type": "object", "required": ["number", "status", "stated", "line", "level", "offset", "fuzz"]}
    schema = {"type": "object", "required": ["exit_code", "written", "patches"], "properties": {
        "patches": {"type": "array", "items": {"type": "object", "required": ["status", "files", "repairs"],
                    "properties": {"files": {"type": "array", "items": {
                        "type": "object", "required": ["path", "op", "hunks"],
                        "properties": {"hunks": {"type": "array", "items": hunk}}}}}}}}}
    data = json.loads(proc.stdout)
    jsonschema.validate(data, schema)
    assert data["exit_code"] == 0 and data["written"] is True
    assert [h["status"] for h in data["patches"][0]["files"][0]["hunks"]] == ["applied", "applied"]


def test_concatenated_patches_touching_one_file(repo, tmp_path):
    """`cat a.patch b.patch | pgtool apply -`: b's line numbers count from a's result."""
    path = repo / "lib/sort.c"
    base = path.read_text()
    lines = split_lines(base)
    lines[30] = lines[30].rstrip("\n") + " /* a */\n"
    path.write_text("".join(lines))
    first = sh(repo, "git", "diff")
    sh(repo, "git", "commit", "-qam", "a")
    lines.insert(33, "\t/* b */\n")
    path.write_text("".join(lines))
    second = sh(repo, "git", "diff")
    final = path.read_text()
    sh(repo, "git", "reset", "-q", "--hard", "HEAD~1")
    assert path.read_text() == base
    proc = run_pgtool("apply", "--tree", str(repo), "-", stdin=(first + second).encode())
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert path.read_text() == final


def test_mime_mail_with_html_alternative_and_flowed_text(repo, tmp_path):
    """A multipart mail: the flowed text/plain part is unstuffed, the HTML copy ignored."""
    patch_text, wanted = _two_hunks(repo, break_second=False)
    diff = patch_text[patch_text.index("--- a/"):]
    stuffed = "\n".join((" " + line) if line.startswith(" ") else line for line in diff.split("\n"))
    html = "<html><pre>" + diff.replace("<", "&lt;") + "</pre></html>"
    mail = ("From: Flow Er <flow@example.org>\nSubject: [PATCH] lib/sort: flowed\nMIME-Version: 1.0\n"
            'Content-Type: multipart/alternative; boundary="XX"\n\n--XX\n'
            "Content-Type: text/plain; charset=utf-8; format=flowed\n\nWhy.\n\n" + stuffed +
            "\n--XX\nContent-Type: text/html; charset=utf-8\n\n" + html + "\n--XX--\n")
    patch = tmp_path / "flowed.eml"
    patch.write_text(mail)
    proc = run_pgtool("apply", "--tree", str(repo), str(patch))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert (repo / "lib/sort.c").read_text() == "".join(wanted)


def test_mbox_with_cover_letter(repo, tmp_path):
    """b4 and git format-patch --cover-letter put a [PATCH 0/n] without a diff first."""
    patch_text, wanted = _two_hunks(repo, break_second=False)
    cover = ("From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001\n"
             "From: Jane Hacker <jane@example.org>\nSubject: [PATCH 0/1] sort: comments\n\n"
             "This series adds two comments.\n\n lib/sort.c | 4 ++--\n\n-- \n2.39.5\n\n")
    one = ("From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"
           "From: Jane Hacker <jane@example.org>\nSubject: [PATCH 1/1] sort: comments\n\n" + patch_text)
    mbox = tmp_path / "series.mbox"
    mbox.write_text(cover + one)
    proc = run_pgtool("apply", "--tree", str(repo), str(mbox))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert "Applying: sort: comments" in proc.stdout.decode()
    assert (repo / "lib/sort.c").read_text() == "".join(wanted)


def test_mbox_patch_on_a_file_an_earlier_patch_creates(repo, tmp_path):
    """Patch 2 of a series edits the file patch 1 adds; nothing is on disk in between."""
    first = ("From 1 Mon Sep 17 00:00:00 2001\nFrom: A <a@example.org>\nSubject: [PATCH 1/2] add\n\n---\n"
             "diff --git a/lib/pg_new.c b/lib/pg_new.c\nnew file mode 100644\n--- /dev/null\n+++ b/lib/pg_new.c\n"
             "@@ -0,0 +1,3 @@\n+int a;\n+int b;\n+int c;\n-- \n2.39.5\n\n")
    second = ("From 2 Mon Sep 17 00:00:00 2001\nFrom: A <a@example.org>\nSubject: [PATCH 2/2] edit\n\n---\n"
              "diff --git a/lib/pg_new.c b/lib/pg_new.c\n--- a/lib/pg_new.c\n+++ b/lib/pg_new.c\n"
              "@@ -1,3 +1,3 @@\n int a;\n-int b;\n+int b2;\n int c;\n-- \n2.39.5\n")
    mbox = tmp_path / "two.mbox"
    mbox.write_text(first + second)
    proc = run_pgtool("apply", "--tree", str(repo), str(mbox))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert (repo / "lib/pg_new.c").read_text() == "int a;\nint b2;\nint c;\n"
