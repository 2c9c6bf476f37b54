"""Turn the names a patch gives (Index:, ---, +++, diff --git) into safe paths.

Names are squashed (`mm//x` -> `mm/x`, as git's squash_slash), the strip level
is probed against the tree when `-p` is not given, and any path the policy
of `pgtool.treefs` refuses (absolute, `..`, control characters, inside
`.git`) or that goes through a symlink is refused before anything is
written: the check runs on every file of the patch first.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from pgtool import treefs
from pgtool.errors import UserError

DEV_NULL = "/dev/null"
_SLASHES = re.compile(r"/+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MissingFile(UserError):
    """A file the patch changes is not in the tree: the patch does not apply (exit 1, as git apply)."""

    exit_code = 1


@dataclass(frozen=True)
class FileNames:
    """The candidate names of one file section, as written in the patch."""

    old: str | None          # from '---' (None when absent)
    new: str | None          # from '+++'
    index: str | None = None  # from 'Index:' (CVS/SVN) or 'diff --git'
    lineno: int = 0


class Lookups:
    """What the tree holds, looked up once per path within one patch's checks.

    Every file of a large patch shares its directories with many others;
    their symlink checks and real paths are the same for all of them. The
    owner keeps it only while nothing is written.
    """

    def __init__(self, tree: Path):
        self.tree = str(tree)
        self._lstat: dict[str, int | None] = {}   # tree-relative path -> st_mode, None when absent

    def mode(self, rel: str) -> int | None:
        """lstat's st_mode of tree/rel, or None when there is nothing there."""
        try:
            return self._lstat[rel]
        except KeyError:
            pass
        head = rel.rpartition("/")[0]
        got: int | None = None
        if not head or self.mode(head) is not None:  # nothing is under a missing directory (a/, b/ probes)
            try:
                got = os.lstat(os.path.join(self.tree, rel)).st_mode
            except (FileNotFoundError, NotADirectoryError):
                pass
        self._lstat[rel] = got
        return got


printable = treefs.printable


def squash(name: str) -> str:
    return _SLASHES.sub("/", name)


def check_name(name: str, source: str, lineno: int) -> None:
    """Refuse names that could escape the tree, whatever the strip level."""
    if name == DEV_NULL:
        return
    if _CONTROL.search(name):
        raise UserError(f"refusing file name with control characters: {name!r}", path=source, line=lineno)
    if name.startswith("/"):
        raise UserError(f"refusing absolute file name '{printable(name)}'", path=source, line=lineno)
    parts = name.split("/")
    if ".." in parts:
        raise UserError(f"refusing file name with '..': '{printable(name)}'", path=source, line=lineno)
    if "git" in name.lower() and any(treefs.is_git_dir_name(p) for p in parts):
        raise treefs.PathRefused(f"refusing file name inside git's own folder (.git): '{printable(name)}'",
                                 path=source, line=lineno)


def strip(name: str, level: int) -> str | None:
    """Remove `level` leading components; None when there are not enough."""
    parts = name.split("/")
    if "" in parts or "." in parts:  # (the filter squashes slashes too)
        parts = [p for p in parts if p not in ("", ".")]
    if level >= len(parts):
        return None
    return "/".join(parts[level:])


def exists(tree: Path, rel: str | None, staged: dict | None = None, lookups: Lookups | None = None) -> bool:
    """On disk, or (with `staged`: results of earlier patches of this run) created or deleted there."""
    if rel is None:
        return False
    if staged and rel in staged:
        return staged[rel] is not None
    if lookups is not None:
        return lookups.mode(rel) is not None
    return os.path.lexists(tree / rel)


def probe_strip(names: list[FileNames], tree: Path, staged: dict | None = None,
                lookups: Lookups | None = None) -> int | None:
    """The strip level under which most existing-file names resolve in `tree`.

    GNU patch without -p falls back to basenames and git assumes -p1; probing
    the tree picks the level that works for this patch (`linux/mm/x.c` -> 1,
    `mm/x.c` -> 0). Only the files the patch expects to exist vote; among
    levels that resolve as many, the names' own convention (`a/`, `b/`: -p1)
    wins, else the one where fewer new files would collide with existing
    ones (new files' basenames exist at the top of a kernel tree: `Kconfig`,
    `Makefile`). None when no existing-file name
    resolves at any level (a patch of new files only: the names' own
    convention decides).
    """
    existing = [n for n in names if n.old not in (None, DEV_NULL)]
    created = [n.new for n in names if n.old in (None, DEV_NULL) and n.new not in (None, DEV_NULL)]
    usual = _default_level([c for n in names for c in (n.new, n.old) if c and c != DEV_NULL])
    scores: dict[int, int] = {}
    for level in range(0, 6):
        hits = 0
        for n in existing:
            for cand in (n.new, n.old):
                if cand and cand != DEV_NULL and exists(tree, strip(cand, level), staged, lookups):
                    hits += 1
                    break
        if hits:
            scores[level] = hits
        if hits == len(existing) and level >= usual:
            break  # every name resolves: deeper levels cannot do better
    if not scores:
        return None
    top = max(scores.values())
    tied = [level for level, hits in scores.items() if hits == top]
    if usual in tied:
        return usual  # the names' own convention (a/ b/: -p1), when it does as well as any
    # otherwise the level where fewer new files would land on existing ones
    return min(tied, key=lambda level: (sum(1 for c in created if exists(tree, strip(c, level), staged, lookups)),
                                        level))


def resolve(names: FileNames, tree: Path, level: int | None, *, source: str, creating: bool,
            explicit: bool = False, staged: dict | None = None, lookups: Lookups | None = None,
            link_ok: bool = False) -> str:
    """The tree-relative path to patch for one file section.

    Tries the '+++' name, then '---', then 'Index:' under the strip level;
    without an explicit -p, the Index: name (which CVS writes relative to the
    top) may resolve at any level. New files use the '+++' name.
    """
    for cand in (names.new, names.old, names.index):
        if cand:
            check_name(cand, source, names.lineno)
    candidates = [c for c in (names.new, names.old) if c and c != DEV_NULL]
    lvl = level if level is not None else _default_level(candidates)
    if creating:
        target = names.new if names.new and names.new != DEV_NULL else names.index
        rel = strip(target or "", lvl) if target else None
        if rel is None and names.index and not explicit:
            rel = strip(names.index, 0)
        if rel is None:
            raise UserError("cannot tell which file to create", path=source, line=names.lineno)
        # a link an earlier section of this run deletes is no longer in the way
        gone = staged is not None and rel in staged and staged[rel] is None
        return _safe(tree, rel, source, names.lineno, lookups, link_ok or gone)
    for cand in candidates:
        rel = strip(cand, lvl)
        if exists(tree, rel, staged, lookups):
            return _safe(tree, rel, source, names.lineno, lookups, link_ok)
    if not explicit:
        # patches concatenated from several sources mix strip levels: per file, as GNU patch
        for other in range(0, 6):
            for cand in candidates:
                rel = strip(cand, other)
                if other != lvl and exists(tree, rel, staged, lookups):
                    return _safe(tree, rel, source, names.lineno, lookups, link_ok)
    if names.index and not explicit:
        for extra in range(0, 4):
            rel = strip(names.index, extra)
            if exists(tree, rel, staged, lookups):
                return _safe(tree, rel, source, names.lineno, lookups, link_ok)
    shown = candidates[0] if candidates else names.index
    hint = ""
    if explicit:  # without -p every level was tried; with it, say when another one finds the file
        for other in range(0, 6):
            if other != lvl and any(exists(tree, strip(c, other), staged, lookups) for c in candidates):
                hint = f" (with -p{other} it would be found)"
                break
    raise MissingFile(f"can't find file to patch: '{printable(shown or '')}' is not in the tree; the patch does "
                      f"not apply{hint}", path=source, line=names.lineno)


def _default_level(candidates: list[str]) -> int:
    # git's convention: a/ and b/ prefixes mean -p1; a bare name means -p0.
    if candidates and all("/" in squash(c).lstrip("/") for c in candidates):
        return 1
    return 0


def _safe(tree: Path, rel: str, source: str, lineno: int, lookups: Lookups | None = None,
          link_ok: bool = False) -> str:
    """Refuse a path the policy refuses, whose directories are symlinks, or (unless the section is
    about a symlink itself, `link_ok`) that is one."""
    why = treefs.refusal(rel)
    if why:
        raise treefs.PathRefused(f"refusing file name '{printable(rel)}': it {why}", path=source, line=lineno)
    lookups = lookups or Lookups(tree)
    parts = rel.split("/")
    prefix = ""
    for i, part in enumerate(parts):
        prefix = f"{prefix}/{part}" if prefix else part
        mode = lookups.mode(prefix)
        if mode is not None and stat.S_ISLNK(mode) and not (link_ok and i == len(parts) - 1):
            what = "is a symbolic link" if i == len(parts) - 1 else "is beyond a symbolic link"
            raise UserError(f"refusing to patch '{printable(rel)}': it {what}", path=source, line=lineno)
    return rel
