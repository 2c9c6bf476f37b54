"""Diff-aware linting: which functions a change touches, and which findings it
introduces or fixes.

The change comes from a git revision (`--base REV`: the working tree against
REV) or a patch file (`--patch FILE`: the tree before and after the patch,
mail-damaged patches repaired by `pgtool apply`). Both sides of every changed
C file are analysed whole (so same-file callees' summaries are there); only
the functions the change touches are compared, by finding fingerprint, which
ignores line numbers so code that merely moved is not "new".
"""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from pgtool.errors import UserError
from pgtool.lint.findings import Finding, LintResult
from pgtool.lint.run import Settings, analyse_text
from pgtool.printable import printable

C_SUFFIXES = (".c",)


@dataclass
class FileChange:
    path: str                       # path as reported (relative to the tree)
    old_text: str | None            # None: the file is new
    new_text: str | None            # None: the file is deleted
    old_ranges: list[tuple[int, int]] = field(default_factory=list)   # changed lines, 1-based inclusive
    new_ranges: list[tuple[int, int]] = field(default_factory=list)


def changed_ranges(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Changed line ranges on each side (a pure insertion marks the lines around it)."""
    a, b = old.splitlines(), new.splitlines()
    # The common head and tail are skipped first: SequenceMatcher is quadratic-ish
    # on a whole file, and a change usually touches a few lines in the middle.
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    mid = difflib.SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False)
    old_r, new_r = [], []
    for tag, i1, i2, j1, j2 in mid.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        old_r.append((i1 + 1, max(i2, i1 + 1)) if i2 > i1 else (max(i1, 1), i1 + 1))
        new_r.append((j1 + 1, max(j2, j1 + 1)) if j2 > j1 else (max(j1, 1), j1 + 1))
    return old_r, new_r


def _git(tree: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True,
                          errors="surrogateescape")
    if proc.returncode:
        raise UserError(f"git {' '.join(args)}: {proc.stderr.strip()}", path=str(tree))
    return proc.stdout


def changes_from_base(tree: Path, base: str) -> list[FileChange]:
    """The working tree of `tree` against revision `base`."""
    top = Path(_git(tree, "rev-parse", "--show-toplevel").strip())
    _git(top, "rev-parse", "--verify", "-q", f"{base}^{{commit}}")
    # What git tracks, as `git diff REV` shows it: a new file counts once added (`git add -N`
    # is enough); an untracked scratch file must not block a commit it is not part of.
    # -z: names as they are (a name that is not UTF-8 is not C-quoted)
    fields = _git(top, "diff", "--name-status", "-z", "--no-renames", base, "--").split("\0")
    out = []
    for status, rel in zip(fields[0::2], fields[1::2]):
        if not rel.endswith(C_SUFFIXES):
            continue
        old = None if status.startswith("A") else _git(top, "show", f"{base}:{rel}")
        new = None if status.startswith("D") else _read(top / rel)
        out.append(_with_ranges(FileChange(str(top / rel), old, new)))
    return out


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=printable(str(path))) from None


def changes_from_patch(tree: Path, patch: Path, fixed: str | None = None) -> list[FileChange]:
    """The files of `patch` in `tree`, before and after applying it (nothing is written).

    `fixed`: the patch as `change_text()` already repaired it, so it is not applied twice.
    """
    from pgtool.apply import model
    from pgtool.apply.engine import fixed_patch

    if not patch.is_file():
        raise UserError("patch not found", path=str(patch))
    text = fixed if fixed is not None else fixed_patch([str(patch)], tree)
    if not text.strip():
        raise UserError("patch does not apply to the tree", path=str(patch))
    out = []
    for ch in model.load(text):
        rel = ch.new_path or ch.old_path
        if not rel or not rel.endswith(C_SUFFIXES):
            continue
        old = None
        old_lines: list[str] = []
        if ch.old_path:
            old = _read(tree / ch.old_path)
            old_lines = old.splitlines(keepends=True)
        new = None
        if ch.new_path:
            new = "".join(model.apply_change(old_lines, ch, rel))
        out.append(_with_ranges(FileChange(str(tree / rel), old, new)))
    return out


def change_text(tree: Path, *, base: str | None = None, patch: Path | None = None) -> str:
    """The whole change as a unified diff, headers included (the flag checks
    audit bits it adds, which live in .h files the C diff scope leaves out)."""
    if base:
        return _git(tree, "diff", base, "--")
    from pgtool.apply.engine import fixed_patch
    return fixed_patch([str(patch)], tree) if patch else ""


def _with_ranges(change: FileChange) -> FileChange:
    change.old_ranges, change.new_ranges = changed_ranges(change.old_text or "", change.new_text or "")
    return change


def _touched(functions, ranges) -> set[str]:
    names = set()
    for f in functions:
        if any(lo <= f.end_line and hi >= f.start_line for lo, hi in ranges):
            names.add(f.name)
    return names


@dataclass(frozen=True)
class _Body:
    name: str
    header: int     # first line of the definition
    open: int       # line of the column-0 '{'
    close: int      # line of the column-0 '}'


_NAME = re.compile(r"(\w+)\s*\(")


def scan_bodies(text: str) -> list[_Body]:
    """Function bodies in kernel style ('{' and '}' in column 0), found without
    parsing: enough to pick which functions a change needs analysed."""
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("{"):
            j = i + 1
            while j < len(lines) and not lines[j].startswith("}"):
                j += 1
            k = i - 1
            while k > 0 and lines[k - 1].strip() and not lines[k - 1].rstrip().endswith((";", "}", "*/")) \
                    and not lines[k - 1].startswith("#"):
                k -= 1
            head = " ".join(lines[k:i])
            names = _NAME.findall(head)
            if names and "=" not in head.split("(")[0]:
                out.append(_Body(names[0] if names[0] not in _ATTR_CALLS else names[-1], k + 1, i + 1, j + 1))
            i = j + 1
        else:
            i += 1
    return out


_ATTR_CALLS = frozenset({"__attribute__", "__printf", "__acquires", "__releases", "__must_hold", "SYSCALL_DEFINE0"})


def _keep_closure(bodies: list[_Body], text: str, seeds: set[str], depth: int = 3) -> set[str]:
    """The touched functions and the same-file functions they call (for summaries)."""
    lines = text.split("\n")
    by_name = {b.name: b for b in bodies}
    keep = set(seeds)
    frontier = set(seeds)
    for _ in range(depth):
        nxt = set()
        for name in frontier:
            b = by_name.get(name)
            if b is None:
                continue
            for callee in _NAME.findall("\n".join(lines[b.open - 1:b.close])):
                if callee in by_name and callee not in keep:
                    nxt.add(callee)
        keep |= nxt
        frontier = nxt
    return keep


def reduce_text(text: str, bodies: list[_Body], keep: set[str]) -> str:
    """Empty the bodies of the functions not kept (line numbers unchanged), so
    a one-function change parses one function, not the whole file."""
    lines = text.split("\n")
    for b in bodies:
        if b.name in keep:
            continue
        for n in range(b.open, b.close - 1):      # between '{' and '}'
            lines[n] = ""
    return "\n".join(lines)


def lint_change(changes: list[FileChange], settings: Settings) -> LintResult:
    """Findings the change introduces (in the functions it touches) and fixes."""
    from pgtool.lint.source import parse_text

    result = LintResult(scope="diff")
    changed_functions: list = []        # the after side of every changed file (touched ones in full)
    for ch in changes:
        old_b = scan_bodies(ch.old_text) if ch.old_text is not None else []
        new_b = scan_bodies(ch.new_text) if ch.new_text is not None else []
        hit = {b.name for b in old_b if any(lo <= b.close and hi >= b.header for lo, hi in ch.old_ranges)}
        hit |= {b.name for b in new_b if any(lo <= b.close and hi >= b.header for lo, hi in ch.new_ranges)}
        old_text, new_text = ch.old_text, ch.new_text
        if hit:
            if old_text is not None:
                old_text = reduce_text(old_text, old_b, _keep_closure(old_b, old_text, hit))
            if new_text is not None:
                new_text = reduce_text(new_text, new_b, _keep_closure(new_b, new_text, hit))
        old_parsed = parse_text(ch.path, old_text, settings.rules_dir) if old_text is not None else None
        new_parsed = parse_text(ch.path, new_text, settings.rules_dir) if new_text is not None else None
        old_funcs = old_parsed.functions if old_parsed else []
        new_funcs = new_parsed.functions if new_parsed else []
        changed_functions += new_funcs
        touched = _touched(old_funcs, ch.old_ranges) | _touched(new_funcs, ch.new_ranges)
        if not touched:
            continue
        scope = {(ch.path, name) for name in touched}
        before: list[Finding] = []
        old_effects: dict = {}
        if ch.old_text is not None:
            # Audits driven by the change (a flag it adds) mean nothing before it.
            res = analyse_text(ch.path, old_text, replace(settings, patch_text=None), scope=scope,
                               parsed=old_parsed)
            before, old_effects = res.findings, res.effects
        after: list[Finding] = []
        new_effects: dict = {}
        if ch.new_text is not None:
            res = analyse_text(ch.path, new_text, settings, scope=scope, parsed=new_parsed)
            after, new_effects = res.findings, res.effects
            result.failures.extend(x for x in res.failures if x.name in touched or x.name is None)
            result.lines += res.lines
        old_fp = {f.fingerprint() for f in before}
        new_fp = {f.fingerprint() for f in after}
        existed = {f.name for f in old_funcs}
        introduced = [_confirmed(f, existed) for f in after if f.fingerprint() not in old_fp]
        result.findings.extend(introduced)
        if "locks" in settings.families:
            result.findings.extend(_new_holds(new_funcs, touched & existed, old_effects, new_effects, after))
        result.fixed.extend(f for f in before if f.fingerprint() not in new_fp)
        result.files += 1
        result.functions += len(touched)
    result.findings.extend(_new_flags_at_release(changes, settings, changed_functions))
    return result


def _confirmed(finding: Finding, existed: set[str]) -> Finding:
    """A note the change itself brings into a function that had no such finding.

    Notes like held-at-exit stand for "a locking contract, or a bug": in a
    whole-tree run nothing tells them apart. A change that turns a balanced
    function into one returning with the lock held on some or all paths is
    the bug's shape (a deleted or skipped unlock), so in the diff it warns.
    """
    from pgtool.lint.locks import CONTRACT_NOTES

    if finding.severity != "note" or finding.check not in CONTRACT_NOTES or finding.function not in existed:
        return finding
    return replace(finding, severity="warning",
                   details=finding.details + ("the function had no such finding before this change "
                                              "(annotate it __acquires() if holding the lock is the intent)",))


def _new_holds(functions, names: set[str], old_effects: dict, new_effects: dict,
               after: list[Finding]) -> list[Finding]:
    """Functions the change turns into ones handing a lock to their callers."""
    from pgtool.lint.locks import new_holds

    out = []
    for fn in functions:
        if fn.name not in names or getattr(fn, "alt_branch", False):
            continue
        reported = {f.subject for f in after if f.function == fn.name and f.family == "locks"}
        out += new_holds(fn, old_effects.get(fn.name, ()), new_effects.get(fn.name, ()), reported)
    return out


def _new_flags_at_release(changes: list[FileChange], settings: Settings, changed_functions: list) -> list[Finding]:
    """A bit the change adds must be clear at every release of its object,
    also in files the change does not touch (the seed's author forgot the
    frees in page_alloc.c): analyse those files whole and keep the findings
    about the new bits, naming where the change sets them."""
    if not settings.patch_text or "flags" not in settings.families or not settings.tree:
        return []
    from pgtool.lint.flags import added_members, change_set_sites, tree_families
    from pgtool.rules import load_rules

    tree = Path(settings.tree)
    rules = load_rules("flags", settings.rules_dir)
    families = tree_families(tree, rules)
    new_bits: set[str] = set()
    releases: set[str] = set()
    for fam in families:
        added = added_members(settings.patch_text, fam)
        if added:
            new_bits |= set(added)
            releases |= set(fam.releases)
    if not new_bits or not releases:
        return []
    changed = {Path(ch.path).resolve() for ch in changes}
    calls = re.compile(r"\b(" + "|".join(map(re.escape, sorted(releases))) + r")\s*\(")
    found: list[Finding] = []
    for path in _files_calling(tree, calls):
        if path.resolve() in changed:
            continue
        text = _read(path)
        res = analyse_text(str(path), text, replace(settings, families=("flags",)))
        found.extend(f for f in res.findings
                     if f.check == "flag-not-cleared-at-release" and f.subject in new_bits)
    if not found:
        return found
    sites = change_set_sites(changed_functions, rules, families, settings.patch_text, new_bits)
    return [_with_setters(f, sites) for f in found]


def _with_setters(finding: Finding, sites: list[tuple[str, int, str]]) -> Finding:
    """Name the change's set sites in a release finding that has none (its
    file was analysed apart from the change)."""
    if not sites or any(d.startswith("set: ") for d in finding.details):
        return finding
    file, line, fn = sites[0]
    return replace(finding, message=f"{finding.message}; the change sets it in {fn} ({file}:{line})",
                   details=tuple(f"set: {f} ({p}:{ln})" for p, ln, f in sites[:5]) + finding.details)


def _files_calling(tree: Path, calls: re.Pattern) -> list[Path]:
    """The .c files of the tree whose text calls one of `calls` (git grep when it can)."""
    if (tree / ".git").exists():
        proc = subprocess.run(["git", "-C", str(tree), "grep", "-l", "-z", "-E", calls.pattern.replace("\\b", "\\<"),
                               "--", "*.c"], capture_output=True, text=True, errors="surrogateescape")
        if proc.returncode in (0, 1):
            return [tree / rel for rel in proc.stdout.split("\0") if rel]
    return [p for p in sorted(tree.rglob("*.c"))
            if p.is_file() and calls.search(_read(p))]
