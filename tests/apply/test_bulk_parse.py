"""The bulk reader of clean hunks gives the readings the line-by-line reader gives.

repair._Bodies reads strictly clean hunk bodies from a string of first
characters and slices their images from whole-text lists; anything else goes
line by line. Both must agree on every input: diffs of real kernel files
(difflib, git-style, several files with and without 'diff' lines, new and
deleted files, no newline at end of file, blank context lines written as
empty lines, separators and signatures after the last hunk) and the
archive-damaged mails of the round-trip test.
"""

from __future__ import annotations

import difflib
import json
import random
import shutil

import pytest

from pgtool.apply import engine, repair, report
from pgtool.errors import UserError

from .damage import clean_diff, damage, edit_file, split_lines

DIRS = ["mm", "kernel", "lib"]


@pytest.fixture(scope="module")
def kernel_files(kernel_tree):
    return sorted(str(p.relative_to(kernel_tree)) for d in DIRS for p in (kernel_tree / d).glob("*.c"))


def _eof_diff(rel: str, old: str) -> str:
    """An edit of a file's last lines, the new and the old side both without a final newline."""
    tail = "".join(split_lines(old)[-8:]).rstrip("\n")
    new = tail.replace(";", "; /* eof */", 1) if ";" in tail else tail + " "
    diff = difflib.unified_diff(split_lines(tail), split_lines(new), f"a/{rel}", f"b/{rel}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)


def _inputs(kernel_tree, kernel_files, seed: int) -> list[str]:
    rng = random.Random(seed)
    rel = rng.choice(kernel_files)
    old = (kernel_tree / rel).read_text(errors="surrogateescape")
    new = edit_file(old, rng)
    if new is None:
        return []
    diff = clean_diff(rel, old, new)
    git = f"diff --git a/{rel} b/{rel}\nindex 0123456..89abcde 100644\n" + diff
    created = ("diff --git a/lib/pg_new.c b/lib/pg_new.c\nnew file mode 100644\n--- /dev/null\n+++ b/lib/pg_new.c\n"
               "@@ -0,0 +1,3 @@\n+/* new */\n+\n+int pg_new;\n")
    deleted = (f"diff --git a/{rel} b/{rel}\ndeleted file mode 100644\n--- a/{rel}\n+++ /dev/null\n"
               "@@ -1,2 +0,0 @@\n-/* old */\n-\n")
    other = diff.replace(rel, rel[:-2] + "_2.c")
    return [
        diff,
        git + created + deleted,
        diff + other,                                   # plain diffs: the next file's ---/+++ follows a hunk
        diff + "\n\n" + other,                          # blank separators between files
        "\n".join("" if line == " " else line for line in diff.split("\n")),  # blank context lines empty
        diff + "-- \n2.39.2\n",                         # a signature after the last hunk
        diff + "+\tone_more();\n",                      # one '+' line more than the header counts
        diff.replace("\n@@", "\n\n@@"),                 # an empty line before each hunk header
        _eof_diff(rel, old),
        git + _eof_diff(rel, old),
        damage(diff, rel, rng),
        _second_header(diff, _one_less),                         # a miscounted hunk inside a run
        _second_header(diff, lambda h: "@ not a hunk header\n" + h),  # a stray '@' line inside a run
    ]


def _one_less(header: str) -> str:
    m = repair.HUNK_RE.match(header.rstrip("\n"))
    old_len = int(m.group(2) or 1)
    return header.replace(f"-{m.group(1)},{old_len} ", f"-{m.group(1)},{old_len - 1} ", 1)


def _second_header(diff: str, change) -> str:
    """`diff` with its second hunk header changed (the batch reader stops there, the loop goes on)."""
    first = diff.find("\n@@ -")
    second = diff.find("\n@@ -", first + 1)
    if second < 0:
        return diff
    end = diff.index("\n", second + 1)
    return diff[:second + 1] + change(diff[second + 1:end + 1]) + diff[end + 1:]


def _key(files: list[repair.RawFile]):
    out = []
    for f in files:
        hunks = [(h.number, h.lineno, h.old_start, h.old_len, h.new_start, h.new_len, h.section, h.damaged,
                  [(r.lines, r.notes, r.count_ok, r.pre, r.post, r.kinds, r.texts()) for r in h.readings])
                 for h in f.hunks]
        out.append((f.names, f.lineno, f.git, f.meta, f.binary, f.notes, hunks))
    return out


def test_bulk_reader_agrees_with_the_line_by_line_reader(kernel_tree, kernel_files, monkeypatch):
    texts = [t for seed in range(60) for t in _inputs(kernel_tree, kernel_files, seed)]
    assert len(texts) > 300
    used = {"bulk": 0, "other": 0}
    refused = 0
    for text in texts:
        try:
            fast = repair.parse(text, "t.patch", 3)
        except UserError as exc:
            fast = exc
        with monkeypatch.context() as m:
            m.setattr(repair._Bodies, "read_run", lambda self, i, hunks, first_line: i)  # read nothing in bulk
            try:
                slow = repair.parse(text, "t.patch", 3)
            except UserError as exc:
                slow = exc
        if isinstance(fast, UserError) or isinstance(slow, UserError):  # refused alike, or not at all
            assert str(fast) == str(slow), text[:2000]
            refused += 1
            continue
        assert _key(fast) == _key(slow), text[:2000]
        for f in fast:  # one file's texts at once, as the engine takes them
            assert repair.hunk_texts(f.hunks) == [(h.old_start, *h.readings[0].texts()) for h in f.hunks]
        for h in (h for f in fast for h in f.hunks):
            used["bulk" if h.readings[0].seg is not None else "other"] += 1
    # the test means something only if both readers took part
    assert used["bulk"] > used["other"] > 0
    assert refused < len(texts) // 10


def test_bulk_reading_of_eof_and_blank_lines():
    text = ("--- a/f.c\n+++ b/f.c\n@@ -1,4 +1,4 @@\n int a;\n\n-int b;\n+int c;\n int d;\n"
            "@@ -9,2 +9,2 @@\n x;\n-y;\n\\ No newline at end of file\n+z;\n\\ No newline at end of file\n")
    files = repair.parse(text, "t.patch")
    first, second = files[0].hunks
    assert first.readings[0].seg is not None         # read in bulk
    assert first.readings[0].pre == ["int a;\n", "\n", "int b;\n", "int d;\n"]
    assert first.readings[0].post == ["int a;\n", "\n", "int c;\n", "int d;\n"]
    assert first.readings[0].lines[1] == (" ", "\n")
    assert second.readings[0].seg is None            # the no-newline marker goes line by line
    assert second.readings[0].pre == ["x;\n", "y;"]
    assert second.readings[0].post == ["x;\n", "z;"]


def _edited(kernel_tree, kernel_files, rng, count):
    """`count` distinct real files, each with random edits: (paths, one clean diff each)."""
    rels, diffs = [], []
    while len(rels) < count:
        rel = rng.choice(kernel_files)
        old = (kernel_tree / rel).read_text(errors="surrogateescape")
        new = edit_file(old, rng)
        if new is None or rel in rels:
            continue
        rels.append(rel)
        diffs.append(clean_diff(rel, old, new))
    return rels, diffs


def _tree_with(tmp_path, kernel_tree, rels):
    tree = tmp_path / "tree"
    for rel in rels:
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kernel_tree / rel, tree / rel)
    return tree


def test_deferred_fixed_text_is_the_rendered_text(kernel_tree, kernel_files, tmp_path):
    """Clean input: applied from its model, its clean text rendered on demand, identical to the eager path."""
    rels, parts = _edited(kernel_tree, kernel_files, random.Random(7), 5)
    patch = tmp_path / "clean.patch"
    patch.write_text("".join(parts), errors="surrogateescape")
    got = {}
    for name, fixed in (("deferred", False), ("eager", True)):
        tree = _tree_with(tmp_path / name, kernel_tree, rels)
        result = engine.apply_patches([str(patch)], tree, engine.Options(fixed=fixed))
        assert result.exit_code == 0
        p = result.patches[0]
        assert not p.repairs
        assert p._fixed and isinstance(p._fixed[0], str) == fixed
        files = {rel: (tree / rel).read_bytes() for rel in rels}
        report_json = json.loads(report.to_json(result))
        assert "fixed_text" not in report_json["patches"][0]
        got[name] = (p.fixed_text, files, report_json)
    assert got["deferred"] == got["eager"]
    assert got["deferred"][0].count("diff --git ") == 5
    assert engine.fixed_patch([str(patch)], tmp_path / "eager" / "tree", engine.Options(reverse=True)) != ""


def test_patched_from_the_model_at_offsets_renames_and_modes(kernel_tree, kernel_files, tmp_path):
    """Files off by some lines, a rename with edits, a new executable file, a deletion and a mode
    change: the tree, the report and the clean text are the same with and without the unidiff pass."""
    rels, parts = _edited(kernel_tree, kernel_files, random.Random(21), 6)
    rel = rels[0]  # renamed and edited
    parts[0] = parts[0].replace(f"+++ b/{rel}", f"+++ b/{rel[:-2]}_moved.c")
    parts[0] = (f"diff --git a/{rel} b/{rel[:-2]}_moved.c\nsimilarity index 90%\nrename from {rel}\n"
                f"rename to {rel[:-2]}_moved.c\n") + parts[0]
    parts[1] = f"diff --git a/{rels[1]} b/{rels[1]}\nold mode 100644\nnew mode 100755\n" + parts[1]  # made executable
    parts.append("diff --git a/lib/pg_tool.sh b/lib/pg_tool.sh\nnew file mode 100755\n--- /dev/null\n"
                 "+++ b/lib/pg_tool.sh\n@@ -0,0 +1,2 @@\n+#!/bin/sh\n+exit 0\n")
    gone = rels[-1]
    gone_lines = (kernel_tree / gone).read_text(errors="surrogateescape").split("\n")[:-1]
    parts[-2] = (f"diff --git a/{gone} b/{gone}\ndeleted file mode 100644\n--- a/{gone}\n+++ /dev/null\n"
                 f"@@ -1,{len(gone_lines)} +0,0 @@\n" + "".join(f"-{x}\n" for x in gone_lines))
    patch = tmp_path / "mixed.patch"
    patch.write_text("".join(parts), errors="surrogateescape")
    got = {}
    for name, fixed in (("deferred", False), ("eager", True)):
        tree = _tree_with(tmp_path / name, kernel_tree, rels)
        for k, rel in enumerate(rels[2:5]):  # lines added above every hunk: an offset for each
            path = tree / rel
            path.write_text("/* pad */\n" * (k + 1) + path.read_text(errors="surrogateescape"),
                            errors="surrogateescape")
        result = engine.apply_patches([str(patch)], tree, engine.Options(fixed=fixed))
        assert result.exit_code == 0, report.text_lines(result, False)
        p = result.patches[0]
        assert isinstance(p._fixed[0], str) == fixed
        files = {str(x.relative_to(tree)): (x.read_bytes(), x.stat().st_mode & 0o777)
                 for x in sorted(tree.rglob("*")) if x.is_file()}
        got[name] = (p.fixed_text, files, json.loads(report.to_json(result)))
    assert got["deferred"] == got["eager"]
    text, files, data = got["deferred"]
    assert gone not in files and files["lib/pg_tool.sh"][1] == 0o755 and files[rels[1]][1] & 0o100
    assert f"{rels[0][:-2]}_moved.c" in files and rels[0] not in files
    levels = {h["level"] for f in data["patches"][0]["files"] for h in f["hunks"]}
    assert levels == {"exact", "offset"}


def test_already_applied_files_are_told_as_the_hunk_by_hunk_path_tells_them(kernel_tree, kernel_files, tmp_path,
                                                                           monkeypatch):
    """A clean patch applied again: found reversed file by file, with the report the hunk-by-hunk
    path gives (one file put back as it was, so its hunks apply again)."""
    rng = random.Random(5)
    rels, parts, news = [], [], {}
    while len(rels) < 4:
        rel = rng.choice(kernel_files)
        old = (kernel_tree / rel).read_text(errors="surrogateescape")
        new = edit_file(old, rng)
        if new is None or rel in rels or new.count("\n") == old.count("\n"):
            continue
        rels.append(rel)
        news[rel] = new
        parts.append(clean_diff(rel, old, new))
    patch = tmp_path / "again.patch"
    patch.write_text("".join(parts), errors="surrogateescape")
    got = {}
    for name in ("by file", "hunk by hunk"):
        tree = _tree_with(tmp_path / name.replace(" ", "_"), kernel_tree, rels)
        with monkeypatch.context() as m:
            if name == "hunk by hunk":
                m.setattr(engine, "_all_reversed", lambda *args: False)
            first = engine.apply_patches([str(patch)], tree, engine.Options())
            assert first.exit_code == 0
            (tree / rels[0]).write_bytes((kernel_tree / rels[0]).read_bytes())  # one file back as it was
            again = engine.apply_patches([str(patch)], tree, engine.Options(check=True))
        got[name] = json.loads(report.to_json(again))
    assert got["by file"] == got["hunk by hunk"]
    statuses = [{h["status"] for h in f["hunks"]} for f in got["by file"]["patches"][0]["files"]]
    assert statuses[0] == {"applied"} and all(s == {"reversed"} for s in statuses[1:])
