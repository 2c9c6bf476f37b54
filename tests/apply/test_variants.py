"""The damage variants of the notes' appendix, on a real 2-hunk change to mm/filemap.c.

good, nospace (context lost its space), tabonly, tabs (tabs -> 8 spaces),
stripped (all indentation gone), shortcount (last context line missing),
longcount (header one line short: git and GNU patch drop the last '+'
line), dblslash (`mm//filemap.c`), crlf. pgtool must give the author's file,
byte for byte, for every one; GNU patch and git apply are run on the same
inputs and their failures recorded where the notes measured them.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess

import pytest

from .damage import split_lines
from .helpers import run_pgtool

REL = "mm/filemap.c"


@pytest.fixture(scope="module")
def change(kernel_tree):
    old = (kernel_tree / REL).read_text()
    lines = split_lines(old)
    new = list(lines)
    a = next(i for i in range(400, len(lines)) if lines[i].startswith("\t\t") and lines[i].rstrip().endswith(";"))
    b = next(i for i in range(a + 300, len(lines)) if lines[i].startswith("\t") and lines[i].rstrip().endswith(";")
             and lines[i - 1].rstrip().endswith((";", "{", "}")))
    new[a] = lines[a].replace(";", "; /* first */", 1)
    new.insert(b + 1, lines[b][: len(lines[b]) - len(lines[b].lstrip("\t"))] + "mb();\n")
    text = "".join(difflib.unified_diff(lines, new, f"a/{REL}", f"b/{REL}"))
    return old, "".join(new), text


def _variant(name: str, good: str) -> str:
    out = []
    for line in good.split("\n"):
        body = line[1:]
        if name == "nospace" and line.startswith(" "):
            line = body
        elif name == "tabonly" and line.startswith(" ") and (body.startswith("\t") or body == ""):
            line = body
        elif name == "tabs" and line and line[0] in " +-" and not line.startswith(("---", "+++")):
            line = line[0] + body.expandtabs(8)
        elif name == "stripped" and line and line[0] in " +-" and not line.startswith(("---", "+++")):
            line = body.strip() if line[0] == " " else line[0] + body.strip()
        out.append(line)
    text = "\n".join(out)
    if name == "shortcount":
        # drop the last context line of the last hunk
        body = text.rstrip("\n").split("\n")
        text = "\n".join(body[:-1]) + "\n"
    elif name == "longcount":
        # one more '+' line after the last hunk than its header counts
        text = text.rstrip("\n") + "\n+\tsmp_wmb();\n"
    elif name == "dblslash":
        text = text.replace("a/mm/filemap.c", "a/mm//filemap.c").replace("b/mm/filemap.c", "b/mm//filemap.c")
    elif name == "crlf":
        text = text.replace("\n", "\r\n")
    return text


VARIANTS = ["good", "nospace", "tabonly", "tabs", "stripped", "shortcount", "longcount", "dblslash", "crlf"]


def _expected(name: str, new: str, good: str) -> str:
    if name != "longcount":
        return new
    head = list(re.finditer(r"^@@ -\d+,\d+ \+(\d+),(\d+) @@", good, re.M))[-1]
    end = int(head[1]) - 1 + int(head[2])  # just after the last hunk's last line
    lines = split_lines(new)
    return "".join(lines[:end] + ["\tsmp_wmb();\n"] + lines[end:])


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_gives_the_authors_file(change, tmp_path, name):
    old, new, good = change
    tree = tmp_path / "t"
    (tree / "mm").mkdir(parents=True)
    (tree / REL).write_text(old)
    patch = tmp_path / f"{name}.patch"
    patch.write_bytes(_variant(name, good).encode())
    proc = run_pgtool("apply", "--tree", str(tree), str(patch))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    assert (tree / REL).read_text() == _expected(name, new, good)


def test_peers_on_the_same_variants(change, tmp_path):
    """What git apply and GNU patch do with them (the gap pgtool closes)."""
    old, new, good = change
    fails = {}
    for name in VARIANTS:
        tree = tmp_path / name
        (tree / "mm").mkdir(parents=True)
        (tree / REL).write_text(old)
        patch = tmp_path / f"{name}.patch"
        patch.write_bytes(_variant(name, good).encode())
        git = subprocess.run(["git", "apply", "--check", str(patch)], cwd=tree, capture_output=True)
        gnu = subprocess.run(["patch", "-p1", "--dry-run", "-s", "-i", str(patch)], cwd=tree, capture_output=True)
        fails[name] = (git.returncode != 0, gnu.returncode != 0)
        shutil.rmtree(tree)
    print("peer failures (git apply, GNU patch):", fails)
    assert fails["good"] == (False, False)
    assert fails["nospace"][0] and fails["stripped"] == (True, True) and fails["tabs"][0]
