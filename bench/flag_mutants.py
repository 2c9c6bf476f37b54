"""Flag checks on Debian's linux-source-6.1 mm/ (issue 5, acceptance 2 and 3).

Part 1, the unmodified tree: every flag finding over mm/ is printed with its
explanation (a real issue, or a known limitation and its cause); a finding
this script has no explanation for is printed as UNEXPLAINED.

Part 2, mutants: every call of ClearPageX / __ClearPageX / folio_clear_x /
__folio_clear_x in mm/ that stands (as a statement) before a release of the
same page or folio in the same function is deleted, one at a time. A release
is a rules release or may-release call, or a call to an mm/ function whose
summary releases that argument, with a path from the clear to it in the
function's CFG on which the object's variables are not rebound and nothing
else sets or clears that flag on it (the clear is the last word before the
release). Each mutant is checked as a change under review (diff-aware:
the unified diff of the deletion is given and the mutated function is the
scope, as `lint-locks --patch` does), over all of mm/; it is caught when a
`flag-not-cleared-at-release` finding about the deleted flag appears that the
unmutated tree, checked with the same diff and scope, does not have. The tree-wide mode
(no diff, rules' must-clear flags only) is measured on the same mutants too.

Usage: python bench/flag_mutants.py [--tree linux-src] [--limit N] [--list-only]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from pathlib import Path

from pycparser import c_ast

from pgtool.cfront import default_cache_dir, parse_file, parse_files
from pgtool.lint.cfg import build_cfg
from pgtool.lint.flags import _one_per_prefix, check_files
from pgtool.lint.flags_calls import (ObjectMap, call_args, call_name, classify_call, object_root,
                                    set_conversions)
from pgtool.lint.flags_family import load_bitops, load_families
from pgtool.lint.flags_walk import FlagAnalysis
from pgtool.rules import load_rules

REPO = Path(__file__).resolve().parent.parent

CLEARERS = re.compile(r"^(__)?(ClearPage\w+|folio_clear_\w+)$")

# Why each finding of the unmodified mm/ is there: (check, subject) -> explanation.
EXPLAINED = {
    ("flag-never-cleared", "BH_Lock"):
        "known limitation: lock_buffer() (trylock_buffer, test_and_set_bit_lock on BH_Lock) is "
        "called in mm/migrate.c, and the clearer unlock_buffer() lives in fs/buffer.c, outside "
        "the analysed files; a run over mm/ and fs/ together does not report it",
}


class CfgCache:
    """CFGs keyed by function identity, shared by every run of the benchmark."""

    def __init__(self):
        self.cache = {}

    def __call__(self, fn):
        key = (fn.file, fn.name, fn.start_line, id(fn.ast))
        cfg = self.cache.get(key)
        if cfg is None:
            cfg = self.cache[key] = build_cfg(fn.ast, end_line=fn.end_line, cleanup_vars=fn.cleanup_vars)
        return cfg


def statement_calls(body):
    """FuncCall nodes that are whole statements (so deleting one leaves valid C)."""
    out = []
    stack = [body]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, c_ast.Compound):
            out += [s for s in node.block_items or () if isinstance(s, c_ast.FuncCall)]
        elif isinstance(node, c_ast.If):
            out += [s for s in (node.iftrue, node.iffalse) if isinstance(s, c_ast.FuncCall)]
        elif isinstance(node, (c_ast.Case, c_ast.Default)):
            out += [s for s in node.stmts or () if isinstance(s, c_ast.FuncCall)]
        stack.extend(child for _, child in node.children())
    return out


def all_calls(body):
    out, stack = [], [body]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, c_ast.FuncCall):
            out.append(node)
        stack.extend(child for _, child in node.children())
    return out


def _positions(cfg):
    """id(call node) -> (block, item index) for every call in the CFG's items."""
    where = {}
    for block in cfg.blocks:
        for k, item in enumerate(block.items):
            node = getattr(item, "init", item) if isinstance(item, c_ast.Decl) else item
            if isinstance(node, c_ast.Node):
                for call in all_calls(node):
                    where.setdefault(id(call), (block.id, k))
    return where


def _binds(block, names: set[str], upto: int | None = None, flag_ops=None) -> bool:
    """Does the block (its first `upto` items) give one of `names` a new value
    (`page = ...`, `struct page *page = ...`), or set or clear the flag on
    that object again (then the deleted clear was not the last word on it)?"""
    for item in block.items[:upto]:
        if isinstance(item, c_ast.Decl) and item.name in names:
            return True
        if isinstance(item, c_ast.Node):
            stack = [item]
            while stack:
                n = stack.pop()
                if isinstance(n, c_ast.Assignment) and isinstance(n.lvalue, c_ast.ID) and n.lvalue.name in names:
                    return True
                if flag_ops is not None and isinstance(n, c_ast.FuncCall) and flag_ops(n):
                    return True
                stack.extend(child for _, child in n.children())
    return False


def _reaches(cfg, src, dst, names: set[str], flag_ops) -> bool:
    """Is there a path from position `src` to position `dst` on which the
    object's variables keep designating the same object and nothing else
    sets or clears the flag on it?"""
    block = cfg.blocks[src[0]]
    if src[0] == dst[0] and dst[1] > src[1]:
        return not any(_binds(type(block)(0, block.items[k:k + 1]), names, None, flag_ops)
                       for k in range(src[1] + 1, dst[1]))
    if any(_binds(type(block)(0, block.items[k:k + 1]), names, None, flag_ops)
           for k in range(src[1] + 1, len(block.items))):
        return False
    seen, stack = set(), [e.dst for e in block.succs]
    while stack:
        b = stack.pop()
        if b == dst[0] and not _binds(cfg.blocks[b], names, dst[1], flag_ops):
            return True
        if b in seen or _binds(cfg.blocks[b], names, None, flag_ops):
            continue
        seen.add(b)
        stack.extend(e.dst for e in cfg.blocks[b].succs)
    return False


def mutant_sites(functions, family, release_args, cfgs, bitops, last_word=True):
    """(function, clear call, release call): a clear with a path to a release of its object.

    `last_word=False` drops the condition that no other set/clear of the flag
    stands between them (to list the sites that condition excludes)."""
    sites = []
    for fn in functions:
        objects = ObjectMap(fn.ast)
        calls = all_calls(fn.ast.body)
        where = None
        for call in statement_calls(fn.ast.body):
            name = call_name(call)
            if not name or not CLEARERS.match(name) or name not in family.accessors or not call_args(call):
                continue
            group = objects.group(object_root(call_args(call)[0]))
            if group is None:
                continue
            where = where or _positions(cfgs(fn))
            for rel in sorted(calls, key=lambda c: c.coord.line):
                rname = call_name(rel)
                args = call_args(rel)
                if not rname or not any(i < len(args) and objects.group(object_root(args[i])) == group
                                        for i in release_args.get(rname, ())):
                    continue
                names = {v for v in objects.locals if objects.group(v) == group}

                def flag_ops(node, flag=family.canonical(family.accessors[name].flag), group=group):
                    return last_word and any(op.flag == flag and objects.group(op.obj) == group
                                             and op.op != "test" for op in classify_call(node, [family], bitops))
                if id(call) in where and id(rel) in where and \
                        _reaches(cfgs(fn), where[id(call)], where[id(rel)], names, flag_ops):
                    sites.append((fn, call, rel))
                    break
    return sites


def delete_call(text: str, line: int, name: str) -> str | None:
    lines = text.split("\n")
    src = lines[line - 1]
    m = re.search(r"\b" + re.escape(name) + r"\s*\(", src)
    if not m:
        return None
    depth, end = 0, None
    for j in range(m.end() - 1, len(src)):
        if src[j] == "(":
            depth += 1
        elif src[j] == ")":
            depth -= 1
            if depth == 0:
                end = j + 1
                break
    if end is None:
        return None
    lines[line - 1] = src[:m.start()] + src[end:]
    return "\n".join(lines)


def unified(path: str, old: str, new: str) -> str:
    rel = path.split("linux-src/", 1)[-1]
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        f"a/{rel}", f"b/{rel}"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tree", default=str(REPO / "linux-src"))
    ap.add_argument("--limit", type=int, default=0, help="check only the first N mutants")
    ap.add_argument("--list-only", action="store_true", help="list the mutant sites, check none")
    args = ap.parse_args()
    tree = Path(args.tree)
    rules = load_rules("flags")
    objects = rules.get("objects", {})
    set_conversions(objects.get("conversions", []), objects.get("identity_fields", []))

    paths = sorted((tree / "mm").rglob("*.c"))
    t0 = time.perf_counter()
    functions, failures, lines = [], 0, 0
    for parsed in parse_files(paths, jobs=2, cache_dir=default_cache_dir()):
        functions += parsed.functions
        failures += len(parsed.failures)
        lines += parsed.lines
    print(f"mm/: {len(paths)} files, {lines} lines, {len(functions)} functions parsed, "
          f"{failures} chunks the front-end could not parse ({time.perf_counter() - t0:.1f} s)")
    cfgs = CfgCache()
    families = _one_per_prefix(load_families(rules, tree))
    page = next(f for f in families if f.name == "page")

    # ---- part 1: the unmodified tree
    t0 = time.perf_counter()
    base = check_files(functions, rules, tree=tree, cfg_of=cfgs, families=families)
    took = time.perf_counter() - t0
    print(f"\n== unmodified mm/: {len(base)} flag findings ({took:.1f} s, "
          f"{len(base) * 10000 / max(lines, 1):.2f} per 10,000 lines)")
    unexplained = 0
    for f in sorted(base, key=lambda f: (f.check, f.file, f.line)):
        why = EXPLAINED.get((f.check, f.subject))
        unexplained += why is None
        print(f"{f.file}:{f.line}:{f.col}: {f.severity}: {f.function}: {f.message} [{f.check}]")
        print(f"    -> {why or 'UNEXPLAINED'}")
    for check in ("flag-bit-collision", "flag-accessors-unpaired"):
        print(f"{check} on 6.1: {sum(f.check == check for f in base)}")

    # ---- part 2: mutants
    every = {page.name: {page.canonical(m) for m in page.members}}
    enum = FlagAnalysis(functions, families, load_bitops(rules), cfgs, audit=every, strict=every)
    enum.run()
    release_args = {name: {rel.arg} for name, rel in page.releases.items()}
    for fn in functions:
        summary = enum.summaries.get((fn.file, fn.name, fn.start_line))
        if summary and summary.releases:
            release_args.setdefault(fn.name, set()).update(summary.releases)
    sites = mutant_sites(functions, page, release_args, cfgs, load_bitops(rules))
    print(f"\n== mutants: {len(sites)} clear calls stand before a release of the same page or folio in mm/")
    loose = mutant_sites(functions, page, release_args, cfgs, load_bitops(rules), last_word=False)
    kept = {(fn.file, call.coord.line) for fn, call, _ in sites}
    for fn, call, rel in loose:
        if (fn.file, call.coord.line) not in kept:
            print(f"  not a mutant: {fn.file}:{call.coord.line} {fn.name}: {call_name(call)}() - another set or "
                  f"clear of the flag on that object stands between it and {call_name(rel)}() line {rel.coord.line}")
    if args.list_only:
        return 0
    if args.limit:
        sites = sites[:args.limit]
    by_file: dict[str, list] = {}
    for fn in functions:
        by_file.setdefault(fn.file, []).append(fn)
    caught = caught_at = caught_tree = masked = 0
    t0 = time.perf_counter()
    for n, (fn, call, rel) in enumerate(sites, 1):
        name = call_name(call)
        flag = page.canonical(page.accessors[name].flag)
        text = Path(fn.file).read_text()
        mutated = delete_call(text, call.coord.line, name)
        if mutated is None:
            print(f"  [{n}] {fn.file}:{call.coord.line}: cannot delete {name}() as text: skipped")
            continue
        diff = unified(fn.file, text, mutated)
        parsed = parse_file(fn.file, text=mutated)
        mutant_fns = [f for f in functions if f.file != fn.file] + parsed.functions
        # As `lint-locks --patch` runs it: the change's functions are the scope,
        # and a finding counts when the unmutated tree, checked the same way, lacks it.
        scope = {(fn.file, fn.name)}
        before_run = check_files(functions, rules, tree=tree, cfg_of=cfgs, families=families,
                                 patch_text=diff, scope=scope)
        before = {f.fingerprint() for f in before_run}
        after = check_files(mutant_fns, rules, tree=tree, cfg_of=cfgs, families=families,
                            patch_text=diff, scope=scope)
        new = [f for f in after if f.fingerprint() not in before
               and f.check == "flag-not-cleared-at-release" and page.canonical(f.subject) == flag]
        # The deletion keeps every line where it was, so findings can also be
        # compared by place: a new place with an old fingerprint is a finding the
        # lint's fingerprint comparison hides (two release calls of one function
        # with the same message).
        before_at = {(f.check, f.file, f.line, f.subject) for f in before_run}
        new_at = [f for f in after if (f.check, f.file, f.line, f.subject) not in before_at
                  and f.check == "flag-not-cleared-at-release" and page.canonical(f.subject) == flag]
        # Tree-wide: only the mutated function and its callers can change, so
        # both sides walk just those (the same findings a whole-mm/ run adds).
        focus = {fn.name}
        plain_before = {f.fingerprint() for f in check_files(functions, rules, tree=tree, cfg_of=cfgs,
                                                             families=families, focus=focus)}
        plain_after = check_files(mutant_fns, rules, tree=tree, cfg_of=cfgs, families=families, focus=focus)
        new_tree = [f for f in plain_after if f.fingerprint() not in plain_before
                    and f.check == "flag-not-cleared-at-release"]
        caught += bool(new)
        caught_at += bool(new or new_at)
        caught_tree += bool(new_tree)
        where = new[0] if new else None
        if where:
            verdict = f"caught at {where.file}:{where.line} ({where.function})"
        elif new_at:
            verdict = (f"found at {new_at[0].file}:{new_at[0].line} ({new_at[0].function}) but hidden by the "
                       f"fingerprint comparison: the same message was already reported at another release "
                       f"call of {new_at[0].function}")
        else:
            # Why not: the same finding (same fingerprint) was already there before the deletion,
            # i.e. the unmutated function lets the flag reach that release on another path.
            old = [f for f in after if f.fingerprint() in before and f.check == "flag-not-cleared-at-release"
                   and page.canonical(f.subject) == flag]
            masked += bool(old)
            verdict = ("MISSED (masked: reported before the deletion too, the flag already reaches "
                       f"{old[0].function}:{old[0].line} on another path)" if old else "MISSED")
        print(f"  [{n}] {fn.file}:{call.coord.line} {fn.name}: -{name}() before "
              f"{call_name(rel)}() line {rel.coord.line}: {verdict}"
              + ("" if not new_tree else "; also caught tree-wide"))
    took = time.perf_counter() - t0
    total = len(sites)
    if total:
        print(f"\nrecall, diff-aware (the deleted flag audited as the change's): {caught}/{total} "
              f"= {100 * caught / total:.1f}%  (goal >= 90%)")
        print(f"recall, diff-aware, comparing findings by place (new file:line): {caught_at}/{total} "
              f"= {100 * caught_at / total:.1f}%")
        print(f"misses where the unmutated tree already had a finding for the flag in that scope: {masked}")
        print(f"recall, tree-wide (no diff; must-clear flags with a set on the path): {caught_tree}/{total} "
              f"= {100 * caught_tree / total:.1f}%")
        print(f"{took:.1f} s for {total} mutants ({took / total:.1f} s each: before and after the deletion, "
              f"diff-aware and tree-wide, each walking the mutated function and its callers over mm/)")
    print(f"unexplained findings on the unmodified tree: {unexplained}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
