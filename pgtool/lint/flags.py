"""The flag checks of `pgtool lint-locks --only flags` (issue 5).

Check ids (stable):
- flag-bit-collision: two members of a family share a bit, or a bit is beyond
  the flags word;
- flag-accessors-unpaired: a member can be set through an accessor but no
  accessor clears it;
- flag-never-cleared: the analysed code sets a member and clears it nowhere;
- flag-not-cleared-at-release: a flag that must be clear when the object is
  released can reach a release still set (see flags_walk);
- flag-walk-bounded (a note): a function's path walk hit the budget.

`run(ctx)` is the family entry the lint registry calls; `check_files()` is the
same for callers that hold parsed functions and a tree but no CheckContext.
"""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from pathlib import Path

from pgtool.lint.findings import Finding, Related
from pgtool.lint.flags_calls import set_conversions
from pgtool.lint.flags_family import (CLEAR_LIKE, SET_LIKE, Family, adopt_members, exclusive, load_bitops,
                                     load_families)
from pgtool.lint.flags_walk import FlagAnalysis, Hit
from pgtool.rules import load_rules

FAMILY = "flags"


def run(ctx) -> list[Finding]:
    """Entry point for `pgtool.lint.checks` (family "flags")."""
    rules = load_rules("flags", getattr(ctx, "rules_dir", None))
    functions = list(ctx.functions)
    tree = getattr(ctx, "tree", None)
    patch_text = getattr(ctx, "patch_text", None)
    findings = check_files(functions, rules, tree=Path(tree) if tree else None, patch_text=patch_text,
                           cfg_of=ctx.cfg, budget=getattr(ctx, "budget", 20000), scope=ctx.scope)
    # "Cleared nowhere" needs every file of the run at once; the lint hands over
    # one file at a time unless its context sets `whole_program`.
    if not getattr(ctx, "whole_program", False):
        findings = [f for f in findings if f.check != "flag-never-cleared"]
    return findings


def find_tree(functions, rules: dict, tree: Path | None = None) -> Path | None:
    """The tree whose headers define the families: given, or above the analysed files."""
    if tree is not None:
        return tree
    headers = [h for spec in rules.get("family", []) for h in spec.get("headers", [])]
    seen: set[Path] = set()
    for fn in functions:
        for parent in Path(fn.file).resolve().parents:
            if parent in seen:
                break
            seen.add(parent)
            if any((parent / h).is_file() for h in headers):
                return parent
    return None


def check_files(functions, rules: dict, *, tree: Path | None = None, patch_text: str | None = None,
                cfg_of=None, budget: int = 20000, families: list[Family] | None = None,
                extra_audit: dict[str, set[str]] | None = None,
                scope: set[tuple[str, str]] | None = None, focus: set[str] | None = None) -> list[Finding]:
    """Every flag finding over `functions` (pgtool.cfront.Function objects).

    With a diff `scope` ((file, function) pairs the change touches), a release
    finding is kept when a function of the scope is on its path (the release,
    the setter, or a caller the flag passes through unchanged) or when the
    change introduces the flag itself: a new bit must be clear at every
    release, wherever it is. Other findings are kept when their function is in
    the scope; file-scope (header) findings always. `focus` (function names)
    walks only those functions and their callers: the findings that a change
    to those functions can alter, at a fraction of a whole-tree walk.
    """
    if cfg_of is None:
        from pgtool.lint.cfg import build_cfg

        def cfg_of(fn):
            return build_cfg(fn.ast, end_line=fn.end_line, cleanup_vars=fn.cleanup_vars)
    if families is None:
        root = find_tree(functions, rules, tree)
        families = _families_of(root, rules) if root is not None else []
    bitops = load_bitops(rules)
    objects = rules.get("objects", {})
    set_conversions(objects.get("conversions", []), objects.get("identity_fields", []))
    if patch_text:
        families = [adopt_members(f, added_members(patch_text, f), "(the change)") for f in families]
    reasons = audited_flags(patch_text, families) if patch_text else {}
    for fam, flags in (extra_audit or {}).items():
        for flag in flags:
            reasons.setdefault(fam, {}).setdefault(flag, "audited")
    audit = {fam: set(flags) for fam, flags in reasons.items()}
    findings = header_findings(families)
    analysis = FlagAnalysis(functions, families, bitops, cfg_of, audit=audit, strict=audit, budget=budget)
    # A diff scope needs only its functions and their callers walked (callees
    # are walked on demand for their summaries) - unless the change adds a
    # bit, which every release of the analysed code must clear.
    introduced = any(r == "new in this change" for flags in reasons.values() for r in flags.values())
    if focus is None and scope is not None and not introduced:
        focus = {name for _, name in scope}
    analysis.run(focus=focus)
    findings += [f for f in never_cleared(analysis, families)
                 if scope is None or (f.file, f.function) in scope]
    # A walk stopped by the budget is said, not passed off as clean.
    findings += [Finding("flag-walk-bounded", "note", fn.file, fn.start_line, 1, fn.name,
                         f"path walk stopped after {budget} states: flag results for this function "
                         f"are incomplete", subject=fn.name, family=FAMILY)
                 for fn in analysis.exhausted if scope is None or (fn.file, fn.name) in scope]
    findings += release_findings(analysis, reasons, scope)
    return findings


def tree_families(root: Path, rules: dict) -> list[Family]:
    """Every family whose headers `root` has, recovered once per process: the
    lint runs file by file, and a diff run reads them for both sides."""
    return _tree_families(root, json.dumps(rules, sort_keys=True))


@functools.lru_cache(maxsize=8)
def _tree_families(root: Path, rules_json: str) -> list[Family]:
    return load_families(json.loads(rules_json), root)


def _families_of(root: Path, rules: dict) -> list[Family]:
    return _one_per_prefix(tree_families(root, rules))


def _one_per_prefix(families: list[Family]) -> list[Family]:
    """Two families of one prefix (2.x and 6.x page flags): keep the one whose
    headers the tree really has members in, the richer one on a tie."""
    best: dict[str, Family] = {}
    for fam in families:
        cur = best.get(fam.prefix)
        if cur is None or len(fam.accessors) > len(cur.accessors):
            best[fam.prefix] = fam
    return list(best.values())


# ---------------------------------------------------------------------------
# Header checks

def header_findings(families: list[Family]) -> list[Finding]:
    out = []
    for fam in families:
        out += bit_collisions(fam)
        out += unpaired_accessors(fam)
    return out


def bit_collisions(fam: Family) -> list[Finding]:
    out = []
    members = sorted(fam.members.values(), key=lambda m: (m.file, m.line))
    by_bit: dict[int, list] = defaultdict(list)
    for m in members:
        if m.bit is None or m.alias_of:
            continue        # an alias shares its target's bit on purpose
        if m.bit >= fam.word_bits or m.bit < 0:
            out.append(Finding("flag-bit-collision", "warning", m.file, m.line, 1, "",
                               f"{m.name} is bit {m.bit}, outside the {fam.word_bits}-bit {fam.name} flags word",
                               subject=m.name, family=FAMILY))
        for other in by_bit[m.bit]:
            if fam.canonical(m.name) == fam.canonical(other.name) or exclusive(m.cond, other.cond):
                continue
            out.append(Finding("flag-bit-collision", "warning", m.file, m.line, 1, "",
                               f"{m.name} and {other.name} share bit {m.bit} of the {fam.name} flags word",
                               details=(f"{other.name} is defined at {other.file}:{other.line}",),
                               related=(Related(other.file, other.line, f"{other.name} = bit {m.bit}"),),
                               subject=m.name, family=FAMILY))
            break
        by_bit[m.bit].append(m)
    return out


def unpaired_accessors(fam: Family) -> list[Finding]:
    ops: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for acc in fam.accessors.values():
        if acc.flag in fam.members and acc.file:      # rules' extra accessors are not declarations
            ops[acc.flag][acc.op].append(acc)
    out = []
    for flag, by_op in sorted(ops.items()):
        setters = [a for op in SET_LIKE for a in by_op.get(op, [])]
        clearers = [a for op in CLEAR_LIKE for a in by_op.get(op, [])]
        if setters and not clearers:
            first = min(setters, key=lambda a: (a.file, a.line))
            out.append(Finding("flag-accessors-unpaired", "warning", first.file, first.line, 1, "",
                               f"{flag} can be set ({', '.join(sorted(a.name for a in setters))}) "
                               f"but no accessor clears it",
                               subject=flag, family=FAMILY))
        elif by_op.get("test_and_set") and not by_op.get("test_and_clear") and not clearers:
            pass  # covered above
    return out


# ---------------------------------------------------------------------------
# Code checks

def never_cleared(analysis: FlagAnalysis, families: list[Family]) -> list[Finding]:
    sets: dict[tuple[str, str], tuple] = {}
    cleared: set[tuple[str, str]] = set()
    for op, function, file in analysis.ops:
        key = (op.family, op.flag)
        if op.op in SET_LIKE:
            site = (file, op.line, function, op.written, op.call)
            if key not in sets or site < sets[key]:
                sets[key] = site
        elif op.op in CLEAR_LIKE:
            cleared.add(key)
    out = []
    for (fam, flag), (file, line, function, written, call) in sorted(sets.items()):
        if (fam, flag) in cleared:
            continue
        out.append(Finding("flag-never-cleared", "warning", file, line, 1, function,
                           f"{written} is set here ({call}) but no analysed function clears it",
                           subject=written, family=FAMILY))
    return out


def release_findings(analysis: FlagAnalysis, reasons: dict[str, dict[str, str]],
                     scope: set[tuple[str, str]] | None = None, focus: set[str] | None = None) -> list[Finding]:
    groups: dict[tuple, list[Hit]] = defaultdict(list)
    for hit in analysis.hits:
        if scope is not None and reasons.get(hit.family, {}).get(hit.flag) != "new in this change":
            on_path = {(hit.release.file, hit.release.function), (hit.at.file, hit.at.function)}
            on_path |= {(s.file, s.function) for s in hit.setters}
            on_path |= {(s.file, s.function) for s in hit.via}
            if not on_path & scope:
                continue
        groups[(hit.family, hit.flag, hit.release)].append(hit)
    set_sites = _set_sites(analysis)
    out = []
    for (family, flag, release), hits in groups.items():
        setters = sorted({s for h in hits for s in h.setters}, key=lambda s: (s.file, s.line))
        reason = reasons.get(family, {}).get(flag)
        why = f" ({reason})" if reason else ""
        call = f"{release.call}()" + (f" ({release.after})" if release.after else "")
        if setters:
            first = setters[0]
            msg = (f"{flag}{why} can still be set when {call} releases the object: "
                   f"set in {first.function} ({first.file}:{first.line})")
        else:
            known = set_sites.get((family, flag), [])
            where = f"; it is set in {known[0][2]} ({known[0][0]}:{known[0][1]})" if known else ""
            # "some path": a function on the way (the caller, or one that passed
            # the release up) reaches it cleared on another of its paths
            some = any((h.flag, h.release, v) in analysis.cleared_on_arrival
                       for h in hits for v in h.via | {h.at})
            msg = f"{flag}{why} is not cleared on {'some' if some else 'any'} path into {call}{where}"
        details = [f"set: {s.function} ({s.file}:{s.line})" for s in setters]
        if not setters:
            details += [f"set: {fn} ({f}:{ln})" for f, ln, fn in set_sites.get((family, flag), [])[:5]]
        passes = sorted({v for h in hits for v in h.via}, key=lambda x: (x.file, x.line))
        details += [f"passed on by: {v.function} ({v.file}:{v.line}) calling {v.call}()" for v in passes[:8]]
        reach = sorted({(h.at, h.root) for h in hits if h.at != release}, key=lambda x: (x[0].file, x[0].line))
        for at, root in reach[:8]:
            if root:
                details.append(f"reached uncleared from: {at.function} ({at.file}:{at.line}) calling "
                               f"{at.call}() (the object comes from there, or nothing here calls it)")
            else:
                details.append(f"reached from: {at.function} ({at.file}:{at.line}) calling {at.call}()")
        related = tuple(Related(s.file, s.line, f"{flag} set in {s.function}") for s in setters[:8])
        out.append(Finding("flag-not-cleared-at-release", "warning", release.file, release.line, 1,
                           release.function, msg, details=tuple(details), related=related,
                           subject=flag, family=FAMILY))
    return out


def _set_sites(analysis: FlagAnalysis) -> dict[tuple[str, str], list[tuple[str, int, str]]]:
    out: dict[tuple[str, str], set] = defaultdict(set)
    for op, function, file in analysis.ops:
        if op.op in SET_LIKE:
            out[(op.family, op.flag)].add((file, op.line, function))
    return {k: sorted(v) for k, v in out.items()}


# ---------------------------------------------------------------------------
# Diff-aware audit

_HUNK_FILE = re.compile(r"^\+\+\+ (?:b/)?(\S+)")


def change_set_sites(functions, rules: dict, families: list[Family], patch_text: str,
                     bits: set[str]) -> list[tuple[str, int, str]]:
    """(file, line, function) where `functions` set one of `bits`, the
    members the change adds recognised: a release finding in a file the
    change does not touch can then name where the change sets its bit."""
    from pgtool.lint.flags_calls import classify_call
    from pgtool.lint.flags_walk import iter_calls

    bitops = load_bitops(rules)
    fams = [adopt_members(f, added_members(patch_text, f), "(the change)") for f in families]
    sites = set()
    for fn in functions:
        for node in iter_calls(fn.ast):
            for op in classify_call(node, fams, bitops):
                if op.op in SET_LIKE and op.flag in bits:
                    sites.add((fn.file, op.line, fn.name))
    return sorted(sites)


def audited_flags(patch_text: str, families: list[Family]) -> dict[str, dict[str, str]]:
    """Flags a change introduces or stops clearing: audited strictly.

    Returns family -> flag -> why. A new member (`+#define PG_clean 11`,
    `+\tPG_foo,` in the family's enum) is exactly where the seed's author
    slipped; a removed `ClearPageX(page)` may let X reach a release.
    """
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for sign, line in _changed_lines(patch_text):
        for fam in families:
            prefix = re.escape(fam.prefix)
            if sign == "+":
                m = re.match(r"\s*#\s*define\s+(" + prefix + r"\w+)\s+\(?\s*(?:0[xX][0-9a-fA-F]+|\d+)", line) \
                    or re.match(r"\s*(" + prefix + r"\w+)\s*(?:=[^,]*)?,", line)
                if m:
                    flag = fam.canonical(m.group(1)) if m.group(1) in fam.members else m.group(1)
                    out[fam.name][flag] = "new in this change"
            for name in re.findall(r"\b([A-Za-z_]\w*)\s*\(", line):
                acc = fam.accessors.get(name)
                if acc is None or acc.flag not in fam.members:
                    continue
                flag = fam.canonical(acc.flag)
                # A deleted clear is audited; an added set of an existing flag is
                # not (pages are freed with PG_referenced & co. set every day).
                if sign == "-" and acc.op in CLEAR_LIKE:
                    alias = f", {acc.flag} shares its bit" if acc.flag != flag else ""
                    out[fam.name].setdefault(flag, f"this change deletes a {name}() call{alias}")
    return dict(out)


def added_members(patch_text: str, fam: Family) -> dict[str, int | None]:
    """`+#define PG_x N` lines of a change: name -> bit."""
    out = {}
    for sign, line in _changed_lines(patch_text):
        m = re.match(r"\s*#\s*define\s+(" + re.escape(fam.prefix) + r"\w+)\s+\(?\s*(0[xX][0-9a-fA-F]+|\d+)\b",
                     line)
        if sign == "+" and m:
            out[m.group(1)] = int(m.group(2), 0)
    return out


def _changed_lines(patch_text: str):
    in_hunk = False
    for line in patch_text.splitlines():
        if line.startswith("@@"):
            in_hunk = True
            continue
        if line.startswith(("--- ", "+++ ", "diff ", "Index:", "===")):
            in_hunk = False
            continue
        if in_hunk and line[:1] in ("+", "-"):
            yield line[0], line[1:]
