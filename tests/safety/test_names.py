"""File names as git and GNU diff write them, read as git apply and GNU patch read them.

git C-quotes a name with a control byte, '"', '\\' or a byte >= 0x80
(core.quotePath, the default), in every header line; a name with a space
it leaves bare, with a TAB after it on the ---/+++ lines. GNU diff quotes
such names too (and spaces) and writes a TAB and a timestamp after them;
older diffs and many tools write the name bare before the TAB; `diff -N`
stamps a missing side with the epoch. Each case here makes the patch with
the real tool, applies it with `git apply` and GNU `patch` on copies of the
same tree, and requires pgtool to make the same tree: the same files, under
the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pgtool.apply import repair

from ..apply.helpers import run_pgtool, tree_digest

# one of each: a UTF-8 letter, a TAB, a double quote, a backslash, a space, a byte that is not UTF-8
NAMES = {
    "utf8": "café.c",
    "tab": "ta\tb.c",
    "quote": 'q"uote.c',
    "backslash": "back\\slash.c",
    "space": "sp ace.c",
    "latin1": os.fsdecode(b"bad\xff.c"),
}
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "A U Thor",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "A U Thor",
    "GIT_COMMITTER_EMAIL": "author@example.org",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+0000",
}
BODY = "".join(f"line {k} of a file with a name to quote\n" for k in range(1, 21))


def body(what: str) -> str:
    """BODY, made this file's own: git pairs renames and copies by content."""
    return BODY.replace("a file", f"the {what} file")


def run(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    # no repository above a scratch tree: git apply then works on the directory, as patch does
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(cwd.parent), **GIT_ENV)
    proc = subprocess.run(list(args), cwd=cwd, capture_output=True, env=env)
    if ok:
        assert proc.returncode == 0, (args, proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"))
    return proc


def param_names(ids=None):
    """The names pgtool applies as git does: all but the TAB, which the path policy refuses (README,
    Safety; test_a_tab_in_a_name_is_read_as_git_quotes_it_and_refused)."""
    keys = ids or [k for k in NAMES if k != "tab"]
    return [pytest.param(NAMES[k], id=k) for k in keys]


def three_trees(base: Path, tmp: Path) -> dict[str, Path]:
    out = {}
    for tool in ("git", "patch", "pgtool"):
        out[tool] = tmp / tool
        shutil.copytree(base, out[tool], symlinks=True)
    return out


def apply_all(trees: dict[str, Path], patch: Path, tools=("git", "patch", "pgtool")) -> dict[str, dict]:
    """The tree each tool makes from the same patch; pgtool must exit 0 with no traceback."""
    if "git" in tools:
        run(trees["git"], "git", "apply", str(patch))
    if "patch" in tools:
        run(trees["patch"], "patch", "-p1", "-s", "-f", "--no-backup-if-mismatch", "-i", str(patch))
    proc = run_pgtool("apply", "--tree", str(trees["pgtool"]), str(patch))
    assert proc.returncode == 0 and not proc.stderr, proc.stderr.decode(errors="replace")
    return {tool: tree_digest(trees[tool]) for tool in tools}


# --- git's quoting --------------------------------------------------------------------------------


def test_unquote_and_quote_are_gits(tmp_path):
    """unquote_c reads what git writes for every escape (ls-files quotes as diff does), quote_c writes it."""
    repo = tmp_path / "repo"
    repo.mkdir()
    raw_names = [os.fsencode(n) for n in NAMES.values()] + [
        b"nl\nname.c", b"bell\a\b\v\f\r.c", b"esc\x1b[31m.c", b"del\x7f.c", "naïve list.h".encode(),
        b"\xc3(broken utf8.c", b"plain.c", b"pre\\\"mixed\".c",
    ]
    for raw in raw_names:
        with open(os.path.join(os.fsencode(repo), raw), "wb") as fh:
            fh.write(b"x\n")
    run(repo, "git", "init", "-q")
    run(repo, "git", "add", "-A")
    quoted = run(repo, "git", "ls-files").stdout.decode("ascii").split("\n")[:-1]
    exact = run(repo, "git", "ls-files", "-z").stdout.split(b"\0")[:-1]
    assert len(quoted) == len(exact) == len(raw_names)
    for written, name in zip(quoted, map(os.fsdecode, exact)):
        if written.startswith('"'):
            assert repair.unquote_c(written) == (name, len(written))
        else:
            assert written == name
        assert repair.quote_c("", name) == written


@pytest.mark.parametrize("text", ['"no end', '"bad \\q escape"', '"octal \\4000"', '"short \\12"', '"nul \x00"'])
def test_unquote_refuses_what_git_refuses(text):
    assert repair.unquote_c(text) is None


# --- real git patches -----------------------------------------------------------------------------


def _git_change(repo: Path, name: str) -> None:
    """Modify, create (in a new directory), delete, rename and copy (with an edit) files named after `name`."""
    (repo / f"mod-{name}").write_text(body("mod").replace("line 3 ", "line three "), errors="surrogateescape")
    (repo / f"dir-{name}").mkdir()
    (repo / f"dir-{name}" / f"new-{name}").write_text("a new file\n", errors="surrogateescape")
    (repo / f"del-{name}").unlink()
    run(repo, "git", "mv", f"ren-{name}", f"moved-{name}")
    (repo / f"moved-{name}").write_text(body("ren").replace("line 20 ", "line twenty "), errors="surrogateescape")
    (repo / f"copy-{name}").write_text(body("src").replace("line 1 ", "line one "), errors="surrogateescape")
    run(repo, "git", "add", "-A")


@pytest.fixture
def git_base(tmp_path):
    def make(name: str) -> tuple[Path, Path]:
        base = tmp_path / "base"
        base.mkdir()
        for stem in ("mod", "del", "ren", "src"):
            (base / f"{stem}-{name}").write_text(body(stem), errors="surrogateescape")
        repo = tmp_path / "repo"
        shutil.copytree(base, repo)
        run(repo, "git", "init", "-q")
        run(repo, "git", "add", "-A")
        run(repo, "git", "commit", "-q", "-m", "base")
        return base, repo
    return make


def _patch_of_change(repo: Path, name: str, how: str) -> bytes:
    """The patch git writes for _git_change() on `name`: `git diff`, or `format-patch` of its commit."""
    _git_change(repo, name)
    if how == "diff":
        return run(repo, "git", "diff", "--cached", "-M", "-C", "--find-copies-harder", "HEAD").stdout
    run(repo, "git", "commit", "-q", "-m", "touch files with an unusual name")
    return run(repo, "git", "format-patch", "-M", "-C", "--find-copies-harder", "-1", "--stdout").stdout


@pytest.mark.parametrize("how", ["diff", "format-patch"])
@pytest.mark.parametrize("name", param_names())
def test_git_patch_of_an_unusual_name(git_base, tmp_path, name, how):
    base, repo = git_base(name)
    text = _patch_of_change(repo, name, how)
    assert b"\nrename from " in text and b"\ncopy from " in text
    if name != NAMES["space"]:
        assert b'"a/' in text  # git quoted it: the case is about reading quoted names
    patch = tmp_path / "change.patch"
    patch.write_bytes(text)
    got = apply_all(three_trees(base, tmp_path), patch)
    assert got["pgtool"] == got["git"] == got["patch"]
    made = set(os.listdir(os.fsencode(tmp_path / "pgtool")))
    want = {os.fsencode(f"{stem}-{name}") for stem in ("mod", "dir", "moved", "src", "copy")}
    assert made == want, made


@pytest.mark.parametrize("how", ["diff", "format-patch"])
def test_a_tab_in_a_name_is_read_as_git_quotes_it_and_refused(git_base, tmp_path, how):
    """git writes `"a/mod-t\\tb.c"`; pgtool reads the TAB (not a backslash and a 't', which would name
    another file) and refuses the name, as it refuses every control character: one line, nothing written."""
    name = NAMES["tab"]
    base, repo = git_base(name)
    text = _patch_of_change(repo, name, how)
    assert b'\\t' in text
    patch = tmp_path / "change.patch"
    patch.write_bytes(text)
    tree = tmp_path / "pgtool"
    shutil.copytree(base, tree)
    before = sorted(os.listdir(tree))
    proc = subprocess.run([sys.executable, "-m", "pgtool", "apply", "--tree", str(tree), str(patch)],
                          capture_output=True)
    assert proc.returncode == 2 and b"control characters" in proc.stderr and b"\\t" in proc.stderr, proc.stderr
    assert b"Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert sorted(os.listdir(tree)) == before


@pytest.mark.parametrize("name", param_names())
def test_git_mode_change_names_come_from_the_diff_git_line(tmp_path, name):
    """With no ---/+++ and no rename lines, the `diff --git` line alone names the file."""
    base = tmp_path / "base"
    base.mkdir()
    (base / name).write_text("x\n", errors="surrogateescape")
    repo = tmp_path / "repo"
    shutil.copytree(base, repo)
    run(repo, "git", "init", "-q")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "base")
    os.chmod(repo / name, 0o755)
    patch = tmp_path / "mode.patch"
    patch.write_bytes(run(repo, "git", "diff").stdout)
    trees = three_trees(base, tmp_path)
    apply_all(trees, patch, tools=("git", "pgtool"))
    for tool in ("git", "pgtool"):
        assert os.stat(trees[tool] / name).st_mode & 0o777 == 0o755, tool


# `diff --git` lines git never writes for one file but reads: the names they give, by git apply
DIFF_GIT_LINES = {
    "bare-space": ("diff --git a/sp ace.c b/sp ace.c", "sp ace.c"),
    "both-quoted-space": ('diff --git "a/sp ace.c" "b/sp ace.c"', "sp ace.c"),
    "second-quoted": ('diff --git a/café.c "b/caf\\303\\251.c"', "café.c"),
    "separator-in-name": ("diff --git a/x b/x b/x b/x", "x b/x"),
    "tab-separator": ("diff --git a/sp ace.c\tb/sp ace.c", "sp ace.c"),
}


@pytest.mark.parametrize("line,name", DIFF_GIT_LINES.values(), ids=DIFF_GIT_LINES)
def test_diff_git_line_read_as_git_reads_it(tmp_path, line, name):
    patch = tmp_path / "mode.patch"
    patch.write_text(f"{line}\nold mode 100644\nnew mode 100755\n")
    tree = tmp_path / "tree"
    tree.mkdir()
    numstat = run(tree, "git", "apply", "--numstat", "-z", str(patch)).stdout
    assert numstat == b"0\t0\t" + name.encode() + b"\0"  # the reference: what git apply reads
    (f,) = repair.parse(patch.read_text(), str(patch))
    assert (f.names.old, f.names.new) == ("a/" + name, "b/" + name)


def test_diff_git_line_quoted_first_unquoted_second():
    """A quoted old side and a bare new side (as a rename to a plain name writes it): both are read.

    git apply reads no name from this line for a mode change alone (its
    length check of the bare side counts the newline), so there is no
    reference to run; the names are the ones the line spells.
    """
    (f,) = repair.parse('diff --git "a/caf\\303\\251.c" b/plain name.c\nold mode 100644\nnew mode 100755\n', "p")
    assert (f.names.old, f.names.new) == ("a/café.c", "b/plain name.c")


def test_rename_from_quoted_to_plain(tmp_path):
    """A rename from a quoted name to a bare one: `diff --git "a/..." b/...` and rename lines mixed.

    GNU patch 2.7 cuts the bare `rename to` name at its space ("Cannot
    rename file without two valid file names"): git apply is the reference.
    """
    base = tmp_path / "base"
    base.mkdir()
    (base / "café.c").write_text(BODY)
    repo = tmp_path / "repo"
    shutil.copytree(base, repo)
    run(repo, "git", "init", "-q")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-q", "-m", "base")
    run(repo, "git", "mv", "café.c", "plain name.c")
    text = run(repo, "git", "diff", "--cached", "-M", "HEAD").stdout
    assert text.startswith(b'diff --git "a/caf\\303\\251.c" b/plain name.c\n'), text
    patch = tmp_path / "rename.patch"
    patch.write_bytes(text)
    got = apply_all(three_trees(base, tmp_path), patch, tools=("git", "pgtool"))
    assert got["pgtool"] == got["git"]
    assert os.listdir(tmp_path / "pgtool") == ["plain name.c"]


def test_repaired_patch_keeps_the_names_quoted(tmp_path):
    """A damaged hunk takes the repair path: the clean patch it renders quotes names as git does."""
    base = tmp_path / "base"
    base.mkdir()
    for name in NAMES.values():
        if "\t" not in name:
            (base / name).write_text("one\ntwo\nthree\n", errors="surrogateescape")
    sections = []
    for name in NAMES.values():
        if "\t" in name:
            continue
        a, b = repair.quote_c("a/", name), repair.quote_c("b/", name)
        # the context lines lost their leading space, as a mail archive loses it
        sections.append(f"diff --git {a} {b}\n--- {a}\n+++ {b}\n@@ -1,3 +1,3 @@\none\n-two\n+TWO\nthree\n")
    patch = tmp_path / "damaged.patch"
    patch.write_text("".join(sections), errors="surrogateescape")
    fixed = tmp_path / "fixed.patch"
    trees = three_trees(base, tmp_path)
    proc = run_pgtool("apply", "--tree", str(trees["pgtool"]), "--emit-fixed", str(fixed), str(patch))
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    run(trees["git"], "git", "apply", str(fixed))
    assert tree_digest(trees["pgtool"]) == tree_digest(trees["git"])
    assert tree_digest(trees["git"]) != tree_digest(base)


# --- GNU diff's names -----------------------------------------------------------------------------


@pytest.fixture
def diff_dirs(tmp_path):
    """a/ and b/ for `diff -Naur`: names with spaces and bytes to quote, modified, created, deleted."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for name in ("sp ace.c", "two  spaces.c", "café.c", NAMES["latin1"], "plain.c"):
        (a / name).write_text(BODY, errors="surrogateescape")
        (b / name).write_text(BODY.replace("line 7 ", "line seven "), errors="surrogateescape")
    (b / "new file.c").write_text("created\n")
    (a / "old file.c").write_text("deleted\n")
    (b / "sub dir").mkdir()
    (b / "sub dir" / "deep é.c").write_text("created in a new directory\n")
    return a, b


def gnu_diff(a: Path, b: Path) -> bytes:
    proc = subprocess.run(["diff", "-Naur", a.name, b.name], cwd=a.parent, capture_output=True)
    assert proc.returncode == 1, proc.stderr  # 1: the trees differ
    return proc.stdout


def test_diff_naur_names_as_gnu_diff_writes_them(diff_dirs, tmp_path):
    """Quoted names, a TAB and a timestamp, the epoch for created and deleted files."""
    a, b = diff_dirs
    text = gnu_diff(a, b)
    assert b'--- "a/sp ace.c"\t' in text and b"\t1970-01-01 00:00:00" in text
    patch = tmp_path / "naur.patch"
    patch.write_bytes(text)
    got = apply_all(three_trees(a, tmp_path), patch)
    assert got["pgtool"] == got["git"] == got["patch"] == tree_digest(b)


def _bare_names(text: bytes) -> bytes:
    """The patch with its header names unquoted, as diff before 3.4 (and many tools) write them."""
    out = []
    for line in text.split(b"\n"):
        for head in (b"--- ", b"+++ ", b"diff -Naur "):
            if line.startswith(head):
                rest = os.fsdecode(line[len(head):])
                parts = []
                while rest:
                    got = repair.unquote_c(rest) if rest.startswith('"') else None
                    if got is None:
                        parts.append(rest)
                        break
                    parts.append(got[0])
                    rest = rest[got[1]:]
                line = head + os.fsencode("".join(parts))
        out.append(line)
    return b"\n".join(out)


def test_bare_names_with_spaces_before_a_tab_and_timestamp(diff_dirs, tmp_path):
    """`--- a/sp ace.c<TAB>2024-01-01 00:00:00.000000000 +0000`: the TAB ends the name, for all three."""
    a, b = diff_dirs
    text = _bare_names(gnu_diff(a, b))
    assert b"--- a/sp ace.c\t" in text and b"+++ b/two  spaces.c\t" in text
    patch = tmp_path / "bare.patch"
    patch.write_bytes(text)
    got = apply_all(three_trees(a, tmp_path), patch)
    assert got["pgtool"] == got["git"] == got["patch"] == tree_digest(b)


def test_tab_turned_into_spaces_cuts_at_the_timestamp(diff_dirs, tmp_path):
    """A mail archive that turned the TAB into spaces: the timestamp is recognised and cut off.

    git apply reads the names so (its diff_timestamp_len allows the
    whitespace damage); GNU patch cuts such a name at its first space, so
    it is no reference here. The epoch still says a side does not exist:
    git looks for it only after a TAB, and keeps the deleted file, empty.
    """
    a, b = diff_dirs
    text = _bare_names(gnu_diff(a, b)).replace(b"\t", b" ")
    assert b"--- a/sp ace.c 20" in text
    patch = tmp_path / "damaged.patch"
    patch.write_bytes(text)
    got = apply_all(three_trees(a, tmp_path), patch, tools=("git", "pgtool"))
    assert got["pgtool"] == tree_digest(b)
    assert got["git"] == dict(got["pgtool"], **{"old file.c": hashlib.sha256(b"").hexdigest()})


def test_bare_names_without_a_timestamp(tmp_path):
    """No TAB, no timestamp (`diff -u --label`, hand-made headers): the name is the rest of the line."""
    base = tmp_path / "base"
    base.mkdir()
    (base / "sp ace.c").write_text(BODY)
    patch = tmp_path / "label.patch"
    new = tmp_path / "new.c"
    new.write_text(BODY.replace("line 9 ", "line nine "))
    proc = subprocess.run(["diff", "-u", "--label", "a/sp ace.c", "--label", "b/sp ace.c",
                           str(base / "sp ace.c"), str(new)], capture_output=True)
    assert proc.stdout.startswith(b"--- a/sp ace.c\n+++ b/sp ace.c\n"), proc.stdout
    patch.write_bytes(proc.stdout)
    got = apply_all(three_trees(base, tmp_path), patch, tools=("git", "pgtool"))
    assert got["pgtool"] == got["git"] != tree_digest(base)


@pytest.mark.parametrize("field,name", [
    ("a/sp ace.c\t2024-01-01 00:00:00.000000000 +0000", "a/sp ace.c"),
    ("a/sp ace.c 2024-01-01 00:00:00.000000000 +0000", "a/sp ace.c"),
    ("a/sp ace.c  \t2024-01-01 00:00:00.000000000 +0000", "a/sp ace.c"),
    ("a/sp ace.c\t", "a/sp ace.c"),
    ("a/sp ace.c", "a/sp ace.c"),
    ("a/sp ace.c   ", "a/sp ace.c"),
    ("filemap.c 1998/12/17 16:34:07 1.1.1.1.2.14", "filemap.c"),          # CVS, in a mail archive
    ("linux/mm/filemap.c 1998/12/19 15:37:30", "linux/mm/filemap.c"),
    ("mm/sp ace.c Sat Dec 19 15:37:30 1998", "mm/sp ace.c"),             # ctime style
    ("mm/sp ace.c Sat Dec 19 15:37:30 CET 1998", "mm/sp ace.c"),
    ("mm/x.c (working copy)", "mm/x.c"),                                    # svn
    ("mm/x.c 2024-01-01", "mm/x.c"),
    ('"a/sp ace.c"\t2024-01-01 00:00:00.000000000 +0000', "a/sp ace.c"),
    ("a/x.c 1.2", "a/x.c 1.2"),  # not a timestamp: the name is the rest of the line
])
def test_name_field(field, name):
    assert repair._name(field) == name


@pytest.mark.parametrize("stamp,epoch", [
    ("1970-01-01 00:00:00.000000000 +0000", True),
    ("1969-12-31 19:00:00.000000000 -0500", True),
    ("1970-01-01 01:00:00 +0100", True),
    ("1970-01-01 00:00:00", True),
    ("1970-01-01 00:00:01.000000000 +0000", False),
    ("1970-01-01 00:00:00.000000000 +0100", False),
    ("2024-01-01 00:00:00.000000000 +0000", False),
    ("", False),
])
def test_epoch_stamp(stamp, epoch):
    assert repair._is_epoch(stamp) is epoch


@settings(max_examples=500, deadline=None, derandomize=True)
@given(raw=st.binary(max_size=40), prefix=st.sampled_from(["", "a/", "b/"]))
def test_quote_then_unquote_gives_the_bytes_back(raw, prefix):
    name = os.fsdecode(raw)
    quoted = repair.quote_c(prefix, name)
    if quoted.startswith('"'):
        assert repair.unquote_c(quoted) == (prefix + name, len(quoted))
    else:
        assert quoted == prefix + name


@settings(max_examples=500, deadline=None, derandomize=True)
@given(text=st.text(alphabet=st.sampled_from('ab/ "\\\t\x00\udcff\ud800é0123ntx'), max_size=30))
def test_name_readers_take_any_text(text):
    repair.unquote_c(text)
    repair._split_field(text)
    repair._split_field(text, git=True)
    repair._git_header_names(text)
