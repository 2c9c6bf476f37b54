"""model.patch_text (a whole text, no list of lines) gives what model.apply_change gives.

The engine patches a file whose hunks all sit exactly at their lines with
patch_text, and places hunks one by one otherwise; both must agree whenever
patch_text answers, and it must answer for the ordinary case.
"""

from __future__ import annotations

import difflib
import random

import pytest

from pgtool.apply import model
from pgtool.apply.engine import _split_lf
from pgtool.errors import UserError

from .damage import clean_diff, edit_file


def _changes(diff: str) -> list[model.FileChange]:
    return model.load(diff)


def _texts(change: model.FileChange) -> list[tuple[int, int, str, str]]:
    return [(start, len(src), "".join(src), "".join(tgt)) for start, src, tgt in change.hunks]


def _both(text: str, change: model.FileChange):
    try:
        by_lines = "".join(model.apply_change(_split_lf(text), change, "f.c"))
    except UserError:
        by_lines = None
    return model.patch_text(text, _texts(change)), by_lines


@pytest.fixture(scope="module")
def kernel_files(kernel_tree):
    return sorted(str(p.relative_to(kernel_tree)) for d in ("mm", "fs") for p in (kernel_tree / d).glob("*.c"))


def test_patch_text_agrees_on_real_edits(kernel_tree, kernel_files):
    rng = random.Random(11)
    answered = 0
    for _ in range(80):
        rel = rng.choice(kernel_files)
        old = (kernel_tree / rel).read_text(errors="surrogateescape")
        new = edit_file(old, rng)
        if new is None:
            continue
        (change,) = _changes(clean_diff(rel, old, new))
        fast, slow = _both(old, change)
        assert fast == slow == new
        answered += 1
        # the same hunks one line off: neither applies them there
        shifted = model.FileChange(None, "f.c", [(s + 1, a, b) for s, a, b in change.hunks], None, False)
        fast, slow = _both(old, shifted)
        assert fast is None
    assert answered > 40


@pytest.mark.parametrize("old, new", [
    ("a\nb\nc", "a\nB\nc"),                 # the last line has no newline
    ("a\nb\nc", "a\nb\nc\n"),               # newline added at the end
    ("a\nb\nc\n", "a\nb\nc"),               # newline taken away
    ("", "x\ny\n"),                         # a new file
    ("a\nb\n", ""),                         # everything removed
    ("a\n\x0cb\r\nc\n", "a\n\x0cb\r\nC\n"),  # form feeds and CRs are not line ends
    ("x\n" * 600 + "y\n", "x\n" * 600 + "z\n"),  # more lines to skip than one run holds
])
def test_patch_text_edges(old, new):
    diff = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in difflib.unified_diff(_split_lf(old), _split_lf(new), "a/f.c", "b/f.c"))
    (change,) = _changes(diff)
    fast, slow = _both(old, change)
    assert slow == new
    assert fast == new


def test_patch_text_refuses_what_is_not_there():
    change = [(2, 1, "b\n", "B\n")]
    assert model.patch_text("a\nb\n", change) == "a\nB\n"
    assert model.patch_text("a\nc\n", change) is None        # another line there
    assert model.patch_text("a\n", change) is None           # too short
    assert model.patch_text("a\nbb\n", change) is None       # a longer line starting alike
    eof = [(2, 1, "b", "B")]
    assert model.patch_text("a\nb", eof) == "a\nB"
    assert model.patch_text("a\nb\n", eof) is None           # 'b' without newline must end the file
    overlapping = [(2, 1, "b\n", "B\n"), (2, 1, "b\n", "C\n")]
    assert model.patch_text("a\nb\n", overlapping) is None


def test_sits_at():
    text = "a\nb\nc\nd"
    assert model.sits_at(text, [(0, "a\n"), (2, "c\n"), (3, "d")]) == [True, True, True]
    assert model.sits_at(text, [(1, "a\n"), (3, "d\n")]) == [False, False]  # elsewhere; 'd' ends the file
    assert model.sits_at(text, [(1, "b\nc\n"), (9, "x\n")]) == [True, False]  # past the end: not there
    assert model.sits_at(text, [(2, "c\n"), (1, "b\n")]) is None              # out of order: not decided here
    assert model.sits_at("a\nb\n", [(1, "b")]) == [False]                     # no newline, not at the end
