"""`pgtool apply` against `git apply` on clean git patches of real 6.1 files.

gitgen writes a few hundred patches of real changes with git itself (edits,
new files and directories, deletions, renames, copies, mode and type changes,
symlinks, quoted names, missing final newlines), half of them applied to the
clean pre-image and half to a tree where one precondition is broken. Each
patch is applied with plain `git apply PATCH` to one copy of the target and
with `pgtool apply PATCH --tree` to another, and the two are compared:

  agree     both applied and left identical trees (bytes, modes, symlinks,
            directories), or both refused
  (a)       git refused, pgtool applied                          -> must not happen
  (b)       both applied, the trees differ                       -> must not happen
  (c)       git applied, pgtool refused                          -> listed in ALLOWED
  (d)       git refused and pgtool applied on purpose (whitespace-insensitive
            placement of a hunk whose context differs only in whitespace)
                                                                 -> listed in ALLOWED

Whatever the outcome, pgtool must never print a traceback, must leave the
tree exactly as it was when it refuses, and must not change anything outside
the tree (a directory beside it that symlinks may point into, the patch file,
its working directory).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ..apply.helpers import run_pgtool
from . import gitgen

# The case ids below follow from the seed and from git's own patch text (rename and copy detection
# among it): a git that words a patch differently may shift them.
SEED = 61061
COUNT = 320
WORKERS = max(2, min(4, os.cpu_count() or 2))

# Deliberate differences: reason -> (class, what pgtool says when it makes it, why).
WHY = {
    "whitespace": ("d", "ignoring whitespace",
                   "pgtool places a hunk whose context differs from the tree only as mail damage makes it differ "
                   "(tabs expanded, trailing blanks dropped: README, Safety); git apply without "
                   "--ignore-whitespace refuses"),
    "control-char": ("c", "refusing file name with control characters",
                     "pgtool refuses every file name with a control character, a tab among them, so that no "
                     "name can carry a terminal escape; git writes such names C-quoted and applies them"),
    "symlink-in-tree": ("c", "it is a symbolic link",
                        "the tree has a symlink where the patch expects a regular file; pgtool never reads or "
                        "writes through a symlink (README), while git copies or renames the link itself when the "
                        "section has no hunks"),
}
# case id -> reason. Every (c) and (d) outcome must be listed here; (a) and (b) never may be.
# The cases where git applies and pgtool refuses for any other reason are pgtool bugs, not listed.
ALLOWED: dict[str, str] = {
    "c028": "control-char",      # add+symlink-to-file+add+symlink-new
    "c029": "symlink-in-tree",   # copy+mode; symlink-for-file
    "c034": "control-char",      # rename+add
    "c037": "whitespace",        # mode+delete; context-whitespace
    "c063": "symlink-in-tree",   # rename+delete+add; symlink-for-file
    "c070": "control-char",      # add+symlink-retarget+modify
    "c097": "symlink-in-tree",   # copy+modify+modify+symlink-retarget; symlink-for-file
    "c099": "symlink-in-tree",   # copy+file-to-symlink; symlink-for-file-outside
    "c122": "control-char",      # rename+modify+rename+file-to-dir
    "c124": "control-char",      # symlink-delete+rename+add+symlink-retarget
    "c134": "control-char",      # rename+rename
    "c139": "whitespace",        # modify+delete+symlink-retarget; context-whitespace
    "c173": "whitespace",        # modify; context-whitespace
    "c174": "control-char",      # copy
    "c201": "symlink-in-tree",   # copy+delete+mode+modify; symlink-for-file-outside
    "c207": "whitespace",        # copy; context-whitespace
    "c222": "control-char",      # symlink-new+dir-to-file
    "c226": "control-char",      # rename+copy
    "c233": "control-char",      # copy+symlink-new+rename; symlink-for-file
    "c235": "symlink-in-tree",   # rename+dir-to-file; symlink-for-file-outside
    "c238": "control-char",      # add+eof
    "c241": "whitespace",        # copy+rename+rename; context-whitespace
    "c259": "control-char",      # rename+rename; empty-dir-where-file
    "c268": "control-char",      # symlink-new+rename
    "c275": "whitespace",        # mode; context-whitespace
    "c306": "control-char",      # symlink-to-file+rename+rename
    "c309": "whitespace",        # modify+rename; context-whitespace
    "c314": "control-char",      # copy
}


def snapshot(root: Path) -> dict[str, tuple]:
    """Every entry under root (the tree's .git aside): dirs and files with their modes, links with targets."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == "tree":
            dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", oct(stat.S_IMODE(st.st_mode)))
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()[:16]
                out[rel] = ("file", oct(stat.S_IMODE(st.st_mode)), digest)
            else:
                out[rel] = ("other", oct(st.st_mode))
    return out


def differences(before: dict, after: dict, limit: int = 6) -> list[str]:
    keys = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    return [f"{k!r}: {before.get(k)} -> {after.get(k)}" for k in keys[:limit]] + \
        ([f"... {len(keys) - limit} more"] if len(keys) > limit else [])


@dataclass
class Outcome:
    case: gitgen.Case
    git_rc: int
    git_says: str
    pg_rc: int
    pg_says: str
    cls: str                                   # agree-applied, agree-refused, a, b, c, d
    pg_output: str = ""
    detail: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)   # pgtool's invariants it violated


def first_lines(data: bytes, n: int = 4) -> str:
    lines = [x for x in data.decode("utf-8", "replace").splitlines() if x.strip()]
    return " | ".join(lines[:n])


def run_case(case: gitgen.Case, base: Path, work: Path) -> Outcome:
    home = work / case.id
    home.mkdir()
    patch = home / "change.patch"
    patch.write_bytes(case.patch)
    gitgen.make_target(base, home / "target", case.breakage)
    shutil.copytree(home / "target", home / "git", symlinks=True)
    shutil.copytree(home / "target", home / "pg", symlinks=True)
    cwd = home / "cwd"
    cwd.mkdir()

    git = subprocess.run(["git", "apply", str(patch)], cwd=home / "git" / "tree", capture_output=True,
                         env=dict(os.environ, **gitgen.GIT_ENV))
    before = snapshot(home / "pg")
    pg = run_pgtool("apply", str(patch), "--tree", str(home / "pg" / "tree"), cwd=cwd)
    after = snapshot(home / "pg")

    out = Outcome(case, git.returncode, first_lines(git.stderr), pg.returncode,
                  first_lines(pg.stderr + pg.stdout), "", (pg.stderr + pg.stdout).decode("utf-8", "replace"))
    if b"Traceback" in pg.stderr or b"Traceback" in pg.stdout:
        out.broken.append("traceback: " + first_lines(pg.stderr, 30)[-300:])
    if pg.returncode != 0 and after != before:
        out.broken.append("refused but changed the tree: " + "; ".join(differences(before, after)))
    outside_before = {k: v for k, v in before.items() if not k.startswith("tree/") and k != "tree"}
    outside_after = {k: v for k, v in after.items() if not k.startswith("tree/") and k != "tree"}
    if outside_before != outside_after:
        out.broken.append("changed outside the tree: " + "; ".join(differences(outside_before, outside_after)))
    if patch.read_bytes() != case.patch or os.listdir(cwd):
        out.broken.append("changed the patch file or its working directory")

    if git.returncode == 0 and pg.returncode == 0:
        theirs = snapshot(home / "git")
        out.cls = "agree-applied" if theirs == after else "b"
        out.detail = differences(theirs, after)
    elif git.returncode != 0 and pg.returncode != 0:
        out.cls = "agree-refused"
    elif pg.returncode == 0:
        whitespace = case.breakage is not None and case.breakage.kind == "context-whitespace"
        out.cls = "d" if whitespace else "a"
    else:
        out.cls = "c"
    shutil.rmtree(home, ignore_errors=True)
    return out


def table(rows: dict[str, Counter], columns: list[str], title: str) -> str:
    width = max(len(r) for r in rows) if rows else 10
    head = f"{title:<{width}}  " + " ".join(f"{c:>13}" for c in columns)
    lines = [head, "-" * len(head)]
    for name in sorted(rows):
        lines.append(f"{name:<{width}}  " + " ".join(f"{rows[name][c]:>13}" for c in columns))
    return "\n".join(lines)


def describe(o: Outcome) -> str:
    lines = [f"  {o.case.describe()}",
             f"      git apply: exit {o.git_rc}  {o.git_says[:300]}",
             f"      pgtool   : exit {o.pg_rc}  {o.pg_says[:300]}"]
    lines += [f"      differs  : {d}" for d in o.detail]
    lines += [f"      BROKEN   : {b}" for b in o.broken]
    return "\n".join(lines)


pytestmark = pytest.mark.slow  # the real kernel tree, and a few hundred runs of both tools


@pytest.fixture(scope="module")
def generated(kernel_tree, tmp_path_factory):
    # modes are compared as files made under the usual umask (git and pgtool both honour it)
    umask = os.umask(0o022)
    try:
        root = tmp_path_factory.mktemp("differential")
        base = gitgen.make_base(kernel_tree, root / "base")
        cases = gitgen.generate(base, root / "scratch", COUNT, SEED)
        yield base, cases, root
    finally:
        os.umask(umask)


def test_generator_covers_every_kind(generated):
    _, cases, _ = generated
    texts = [c.patch.decode("utf-8", "surrogateescape") for c in cases]
    need = {
        "rename from": 20, "copy from": 20, "new file mode 100644": 40, "deleted file mode 100644": 20,
        "new file mode 120000": 15, "deleted file mode 120000": 5, "old mode 100644": 5, "old mode 100755": 5,
        "\\ No newline at end of file": 30, '"a/': 10, '"b/': 10, "\\303": 5, "\\t": 5, '\\"': 5,
    }
    for marker, at_least in need.items():
        got = sum(marker in t for t in texts)
        assert got >= at_least, f"only {got} patches contain {marker!r}"
    assert sum(" idle" in t and "\n+++ b/" in t for t in texts) >= 5  # bare names with a space
    assert sum(c.fmt == "mail" for c in cases) >= COUNT // 6
    assert len(cases) >= 300 and sum(c.breakage is not None for c in cases) >= COUNT * 2 // 5
    assert len({c.patch for c in cases}) == len(cases)
    assert all(c.patch for c in cases)


def test_pgtool_apply_agrees_with_git_apply(generated, tmp_path):
    base, cases, _ = generated
    started = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(lambda c: run_case(c, base, tmp_path), cases))
    elapsed = time.monotonic() - started

    by_kind: dict[str, Counter] = defaultdict(Counter)
    by_breakage: dict[str, Counter] = defaultdict(Counter)
    for o in outcomes:
        for kind in set(o.case.kinds):
            by_kind[kind][o.cls] += 1
            by_kind[kind]["broken"] += bool(o.broken)
        brk = o.case.breakage.kind if o.case.breakage else "(clean tree)"
        by_breakage[brk][o.cls] += 1
        by_breakage[brk]["broken"] += bool(o.broken)
        by_kind["ALL"][o.cls] += 1
        by_kind["ALL"]["broken"] += bool(o.broken)
    columns = ["agree-applied", "agree-refused", "a", "b", "c", "d", "broken"]
    print(f"\n{len(outcomes)} cases in {elapsed:.0f} s ({WORKERS} workers)")
    print(table(by_kind, columns, "operation kind"))
    print()
    print(table(by_breakage, columns, "precondition"))
    classes = Counter(o.cls for o in outcomes)
    listed = Counter(WHY[ALLOWED[o.case.id]][0] for o in outcomes if o.case.id in ALLOWED and o.cls in ("c", "d"))
    print("\nclasses: " + ", ".join(f"{k}={classes[k]}" for k in columns[:-1])
          + f"; listed in ALLOWED: c={listed['c']}, d={listed['d']}; broken invariants: {by_kind['ALL']['broken']}")

    problems = []
    for o in outcomes:
        why = WHY.get(ALLOWED.get(o.case.id, ""))
        if o.broken:
            problems.append(("invariant", o))
        if o.cls in ("a", "b"):
            problems.append((o.cls, o))
        elif o.cls in ("c", "d") and (why is None or why[0] != o.cls or why[1] not in o.pg_output):
            problems.append((f"{o.cls} not in ALLOWED", o))
    differing = {o.case.id for o in outcomes if o.cls in ("c", "d")}
    stale = sorted(set(ALLOWED) - differing)
    report = []
    for what in ("invariant", "a", "b", "c not in ALLOWED", "d not in ALLOWED"):
        group = [o for w, o in problems if w == what]
        if group:
            report.append(f"{what}: {len(group)} case(s)")
            report.extend(describe(o) for o in group)
    if stale:
        report.append(f"ALLOWED entries that no longer differ (remove them): {', '.join(stale)}")
    print("\n".join(report))
    assert not problems and not stale, "\n".join(report[:80])
