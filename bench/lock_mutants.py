"""Lock-mutant recall of `pgtool lint-locks` against Coccinelle's mini_lock.cocci
(issue 4, acceptance 3).

On Debian's linux-source-6.1 (mm/, kernel/ and the top-level files of fs/):
1. find functions `pgtool lint-locks` finds balanced (no lock finding) that
   take a lock themselves and contain a release call standing alone on its
   line (spin_unlock(&l); ...);
2. draw mutants with a fixed seed: one such release deleted, one mutant per
   function (at least 300);
3. analyse each function on its own (the unmutated one must be clean on its
   own too), with pgtool and with spatch + the tree's
   scripts/coccinelle/locks/mini_lock.cocci (report mode), side by side;
4. print recall: a mutant is caught when a lock finding appears in it that
   the unmutated function does not have. pgtool's recall is given for
   warnings only and for warnings plus notes of a whole-file run, and for
   warnings of the diff mode (`--patch`/`--base`, the pre-commit hook's
   mode), given the unmutated function as the base.

Usage: python bench/lock_mutants.py [--tree linux-src] [--count 400] [--seed 1998] [-j 2]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from pycparser import c_ast

from pgtool.cfront import default_cache_dir, parse_files
from pgtool.lint.cfg import call_name
from pgtool.lint.lockrules import load_lock_rules
from pgtool.lint.run import Settings, analyse_text
from pgtool.lint.scope import FileChange, changed_ranges, lint_change

REPO = Path(__file__).resolve().parent.parent

SETTINGS = Settings(families=("locks",))


def tree_files(tree: Path) -> list[Path]:
    files = sorted((tree / "mm").glob("*.c")) + sorted((tree / "kernel").glob("*.c"))
    files += sorted((tree / "fs").glob("*.c"))
    return files


def takes_a_lock(func, rules) -> bool:
    """The function acquires something itself (a function that only releases
    its caller's lock has nothing left to check once its release is gone)."""
    stack = [func.ast.body]
    while stack:
        node = stack.pop()
        name = call_name(node)
        if name and name in rules.ops and rules.ops[name].action in ("acquire", "try"):
            return True
        if isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.FuncCall):
            return True     # guard(...)(...)
        stack.extend(child for _, child in node.children())
    return False


def release_sites(func, lines: list[str], rules) -> list[tuple[int, str]]:
    """(line, call name) of release calls that are a whole statement on their own line."""
    out = []
    stack = [func.ast.body]
    while stack:
        node = stack.pop()
        if isinstance(node, c_ast.Compound):
            for item in node.block_items or ():
                name = call_name(item)
                op = rules.ops.get(name) if name else None
                if op is not None and op.action == "release" and item.coord:
                    ln = item.coord.line
                    text = lines[ln - 1].strip()
                    if re.fullmatch(rf"{re.escape(name)}\s*\(.*\)\s*;", text) and text.count(";") == 1:
                        out.append((ln, name))
        stack.extend(child for _, child in node.children())
    return sorted(set(out))


def lock_findings(path: str, text: str) -> list:
    res = analyse_text(path, text, SETTINGS)
    if res.failures or not res.functions:
        return None
    return [f for f in res.findings if f.check != "analysis-budget"]


def diff_findings(path: str, orig: str, mutant: str) -> list:
    """What `--patch`/`--base` (the pre-commit hook's mode) reports for the mutation."""
    old_r, new_r = changed_ranges(orig, mutant)
    return lint_change([FileChange(path, orig, mutant, old_r, new_r)], SETTINGS).findings


def run_spatch(cocci: Path, directory: Path, jobs: int) -> tuple[dict[str, set[int]], float, str]:
    """Report lines per file of mini_lock.cocci over every .c in `directory`."""
    t0 = time.perf_counter()
    cmd = ["spatch", "--sp-file", str(cocci), "-D", "report", "--no-includes", "--include-headers",
           "--very-quiet", "--timeout", "60", "-j", str(jobs), "--dir", str(directory)]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    found: dict[str, set[int]] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^(\S+\.c):(\d+):", line)
        if m:
            found.setdefault(Path(m.group(1)).name, set()).add(int(m.group(2)))
    return found, time.perf_counter() - t0, proc.stderr.strip()[-300:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, default=REPO / "linux-src")
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1998)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    rules = load_lock_rules()
    cocci = args.tree / "scripts" / "coccinelle" / "locks" / "mini_lock.cocci"
    files = tree_files(args.tree)
    print(f"tree: {args.tree}  files: {len(files)} (mm/, kernel/, fs/ top level)  seed: {args.seed}")

    t0 = time.perf_counter()
    candidates = []   # (path, function name, function text lines, start, sites)
    for parsed in parse_files(files, jobs=args.jobs, cache_dir=default_cache_dir()):
        text = Path(parsed.path).read_text(encoding="utf-8", errors="surrogateescape")
        lines = text.splitlines()
        res = analyse_text(parsed.path, text, SETTINGS, parsed=parsed)
        flagged = {f.function for f in res.findings}
        for func in parsed.functions:
            if func.name in flagged:
                continue
            sites = release_sites(func, lines, rules)
            if sites and takes_a_lock(func, rules):
                candidates.append((parsed.path, func.name, lines[func.start_line - 1:func.end_line],
                                   func.start_line, sites))
    print(f"balanced functions with a standalone release call: {len(candidates)} "
          f"({time.perf_counter() - t0:.1f} s to parse and lint)")

    rng = random.Random(args.seed)
    rng.shuffle(candidates)
    work = Path(tempfile.mkdtemp(prefix="lock-mutants-"))
    (work / "orig").mkdir()
    (work / "mut").mkdir()
    mutants = []
    skipped_not_clean_alone = 0
    for path, name, flines, start, sites in candidates:
        if len(mutants) >= args.count:
            break
        orig_text = "\n".join(flines) + "\n"
        base = lock_findings(f"{name}.c", orig_text)
        if base is None or base:
            skipped_not_clean_alone += 1
            continue
        line, call = rng.choice(sites)
        idx = line - start
        mut_lines = list(flines)
        mut_lines[idx] = ""            # delete the release, keep the line numbers
        mut_text = "\n".join(mut_lines) + "\n"
        fname = f"m{len(mutants):04d}.c"
        (work / "orig" / fname).write_text(orig_text)
        (work / "mut" / fname).write_text(mut_text)
        mutants.append({"file": fname, "src": f"{Path(path).relative_to(args.tree)}:{line}", "func": name,
                        "call": call, "cls": rules.ops[call].cls.name, "text": mut_text, "orig": orig_text})
    print(f"mutants: {len(mutants)} (skipped {skipped_not_clean_alone} functions not clean when analysed alone)")

    t1 = time.perf_counter()
    caught_warn = caught_any = caught_diff = 0
    per_class: Counter = Counter()
    per_class_caught: Counter = Counter()
    misses = []
    for m in mutants:
        found = lock_findings(m["file"], m["text"]) or []
        warn = [f for f in found if f.severity == "warning"]
        per_class[m["cls"]] += 1
        if warn:
            caught_warn += 1
            per_class_caught[m["cls"]] += 1
        if found:
            caught_any += 1
        else:
            misses.append(m)
    t_pg = time.perf_counter() - t1
    t2 = time.perf_counter()
    diff_misses = []
    for m in mutants:
        if any(f.severity == "warning" for f in diff_findings(m["file"], m["orig"], m["text"])):
            caught_diff += 1
        else:
            diff_misses.append(m)
    t_diff = time.perf_counter() - t2

    have_spatch = shutil.which("spatch") is not None and cocci.is_file()
    sp_caught = 0
    if have_spatch:
        base_rep, t_sb, err1 = run_spatch(cocci, work / "orig", args.jobs)
        mut_rep, t_sm, err2 = run_spatch(cocci, work / "mut", args.jobs)
        for m in mutants:
            if mut_rep.get(m["file"], set()) - base_rep.get(m["file"], set()):
                sp_caught += 1
    n = len(mutants) or 1
    print()
    print(f"{'tool':34} {'caught':>7} {'recall':>8} {'time':>8}")
    print(f"{'pgtool lint-locks (warnings)':34} {caught_warn:>7} {100 * caught_warn / n:>7.1f}% {t_pg:>7.1f}s")
    print(f"{'pgtool lint-locks (warnings+notes)':34} {caught_any:>7} {100 * caught_any / n:>7.1f}%")
    print(f"{'pgtool lint-locks --patch (warnings)':34} {caught_diff:>7} {100 * caught_diff / n:>7.1f}% "
          f"{t_diff:>7.1f}s")
    if have_spatch:
        print(f"{'spatch mini_lock.cocci':34} {sp_caught:>7} {100 * sp_caught / n:>7.1f}% {t_sm:>7.1f}s")
        if err2:
            print(f"  spatch stderr (tail): {err2}")
    else:
        print("spatch or mini_lock.cocci not available: no comparison")
    print()
    print("by lock class (pgtool warnings): " + ", ".join(
        f"{c} {per_class_caught[c]}/{per_class[c]}" for c in sorted(per_class)))
    for what, missed in (("no finding at all in a whole-file run", misses),
                         ("no warning in --patch mode", diff_misses)):
        if missed:
            print(f"missed by pgtool, {what} ({len(missed)}), first 15:")
            for m in missed[:15]:
                print(f"  {m['src']}  {m['func']}: deleted {m['call']}()")
    ratio = (caught_warn / sp_caught) if sp_caught else float("inf")
    print(f"\nrecall ratio pgtool(warnings)/spatch: {ratio:.2f}; mutant sources kept in {work}")
    best = max(caught_diff, caught_warn)
    goal = best / n >= 0.9 and best > sp_caught
    print(f"goal (recall >= 90% with warnings, above spatch's): {'met' if goal else 'NOT met'} "
          f"({100 * caught_diff / n:.1f}% --patch mode, {100 * caught_warn / n:.1f}% whole-file warnings)")
    print("Whole-file runs report a lock held on every return as a held-at-exit note (it may be a lock\n"
          "wrapper); --patch/--base runs, where the unmutated function is the base, report what the\n"
          "change brings into a balanced function as a warning.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
