#!/usr/bin/env python3
"""Coverage, control-flow agreement and speed of the C front-end on the real tree.

Acceptance 1, 3, 5 of issue 3 (and 4 with --all). Measured on Debian's
linux-source-6.1 (`pgtool tree init`), over every .c file at the top level of
mm/, kernel/ and fs/ unless paths are given:

  1. functions found versus Universal Ctags' `--kinds-C=f` list of the same
     files, and functions parsed of those found, failure reasons tallied;
  3. for every parsed function, return/goto/label/case counts in the AST
     versus the source text (outside comments and strings), disagreements
     explained by cause;
  5. source lines per second per process, and the wall time of all of mm/
     (subdirectories included) cold (empty cache) and warm, on 2 processes;
  4. --all: every .c file of the tree, counting crashes (tracebacks).

Prints measurements; asserts nothing (tests do that on samples).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pgtool.cfront import parse_file, parse_files
from pgtool.cfront.report import reason_class
from pgtool.cfront.skeleton import KINDS, ast_counts, control_flow_macros, explain, source_counts

REPO = Path(__file__).resolve().parent.parent


def ctags_functions(files: list[str], cwd: Path) -> dict[str, list[tuple[str, int]]]:
    """file -> [(name, line)] of function definitions according to ctags."""
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for start in range(0, len(files), 500):
        proc = subprocess.run(
            ["ctags", "-x", "--kinds-C=f", "--language-force=C", "--_xformat=%N\t%n\t%F", *files[start : start + 500]],
            cwd=cwd, capture_output=True, text=True, check=True,
        )
        for line in proc.stdout.splitlines():
            name, num, path = line.split("\t", 2)
            out[path].append((name, int(num)))
    return out


def measure_one(args: tuple[str, str, bool]) -> dict:
    """Parse one file and reduce it to numbers (run in worker processes)."""
    root, rel, skeleton = args
    path = os.path.join(root, rel)
    try:
        res = parse_file(path)
    except Exception:  # a crash is what --all counts
        return {"file": rel, "crash": traceback.format_exc(limit=4)}
    item = {
        "file": rel, "lines": res.lines, "seconds": res.seconds, "cpu": res.cpu_seconds, "spans": res.spans,
        "failures": [(f.line, f.name, f.reason) for f in res.failures], "crash": None,
    }
    if skeleton:
        with open(path, encoding="utf-8", errors="replace") as handle:
            src_lines = handle.read().split("\n")
        local = {**res.decls.macros, **{k: ([], v[0], v[1]) for k, v in res.decls.defines.items()}}
        agree, disagree = 0, []
        cf_macros = None
        for fn in res.functions:
            text = "\n".join(src_lines[fn.start_line - 1 : fn.end_line])
            a, s = ast_counts(fn.ast), source_counts(text)
            if all(a[k] == s[k] for k in KINDS):
                agree += 1
            else:
                diff = {k: (a[k], s[k]) for k in KINDS if a[k] != s[k]}
                if cf_macros is None:
                    cf_macros = control_flow_macros(local)
                disagree.append((fn.name, fn.start_line, diff, explain(text, a, s, cf_macros)))
        item["agree"], item["disagree"] = agree, disagree
    return item


def run(root: Path, files: list[str], jobs: int, skeleton: bool) -> list[dict]:
    work = [(str(root), f, skeleton) for f in files]
    results = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for n, item in enumerate(pool.map(measure_one, work, chunksize=8), 1):
            results.append(item)
            if n % 200 == 0 or n == len(work):
                print(f"\r  {n}/{len(work)} files", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return results


def match_found(spans, tags) -> tuple[int, list[tuple[str, int]]]:
    """ctags entries that fall inside a definition we found (one-to-one)."""
    used: set[int] = set()
    missed = []
    hit = 0
    for name, line in tags:
        for k, (_, start, end, _) in enumerate(spans):
            if k not in used and start <= line <= end:
                used.add(k)
                hit += 1
                break
        else:
            missed.append((name, line))
    return hit, missed


def coverage(args) -> dict:
    root = Path(args.tree)
    if args.paths:
        files = args.paths
    else:
        files = sorted(str(p.relative_to(root)) for d in ("mm", "kernel", "fs") for p in (root / d).glob("*.c"))
    t0 = time.perf_counter()
    results = run(root, files, args.jobs, skeleton=True)
    wall = time.perf_counter() - t0
    tags = ctags_functions(files, root)
    ctags_total = sum(len(v) for v in tags.values())
    found = sum(len(r["spans"]) for r in results if not r["crash"])
    parsed = sum(1 for r in results if not r["crash"] for s in r["spans"] if s[3])
    hit, missed = 0, []
    for r in results:
        if r["crash"]:
            continue
        h, m = match_found(r["spans"], tags.get(r["file"], []))
        hit += h
        missed += [(r["file"], name, line) for name, line in m]
    reasons = Counter(reason_class(reason) for r in results if not r["crash"] for _, _, reason in r["failures"])
    agree = sum(r.get("agree", 0) for r in results)
    disagree = [(r["file"], *d) for r in results for d in r.get("disagree", [])]
    causes = Counter(d[4] for d in disagree)
    lines = sum(r.get("lines", 0) for r in results)
    cpu = sum(r.get("cpu", 0.0) for r in results)
    busy = sum(r.get("seconds", 0.0) for r in results)
    report = {
        "files": len(files), "lines": lines, "ctags_functions": ctags_total, "found_of_ctags": hit,
        "found_pct": 100.0 * hit / ctags_total if ctags_total else 100.0, "found": found, "parsed": parsed,
        "parsed_pct": 100.0 * parsed / found if found else 100.0, "reasons": reasons.most_common(),
        "missed": missed, "crashes": [r for r in results if r["crash"]],
        "cf_agree": agree, "cf_total": agree + len(disagree),
        "cf_pct": 100.0 * agree / (agree + len(disagree)) if disagree or agree else 100.0,
        "cf_causes": causes.most_common(), "cf_examples": disagree[:40],
        "lines_per_s_per_process": lines / cpu if cpu else 0.0, "lines_per_wall_s_per_process": lines / busy if busy else 0.0,
        "wall_s": wall, "load_avg": os.getloadavg()[0],
    }
    print(f"files {len(files)}, lines {lines}, wall {wall:.1f} s on {args.jobs} processes")
    print(f"[1] ctags functions {ctags_total}; found {hit} of them = {report['found_pct']:.2f}% (goal >= 99%)")
    print(f"[1] definitions found {found}; parsed {parsed} = {report['parsed_pct']:.2f}% (goal >= 98%)")
    for reason, count in report["reasons"][:15]:
        print(f"      {count:5d}  {reason}")
    print(f"    ctags functions not found: {len(missed)}")
    for item in missed[: args.show]:
        print(f"      {item[0]}:{item[2]}: {item[1]}")
    print(f"[3] control flow agrees for {agree}/{agree + len(disagree)} parsed functions = {report['cf_pct']:.2f}% (goal >= 97%)")
    for cause, count in report["cf_causes"]:
        print(f"      {count:5d}  {cause}")
    for f, name, line, diff, cause in disagree[: args.show]:
        print(f"      {f}:{line}: {name}: {diff} [{cause}]")
    print(f"[5] {report['lines_per_s_per_process']:.0f} source lines/s per process on CPU time (cpp included); "
          f"{report['lines_per_wall_s_per_process']:.0f} on wall time; load average {report['load_avg']:.1f} on {os.cpu_count()} cores")
    print(f"[4] crashes: {len(report['crashes'])}")
    for c in report["crashes"][:5]:
        print(f"      {c['file']}:\n{c['crash']}")
    return report


def mm_speed(args) -> dict:
    """Wall time of all of mm/ through parse_files: cold (empty cache), then warm."""
    root = Path(args.tree)
    files = sorted(str(p) for p in (root / "mm").rglob("*.c"))
    with tempfile.TemporaryDirectory(prefix="pgtool-cfront-bench-") as cache:
        c0, t0 = _cpu(), time.perf_counter()
        cold = sum(len(r.functions) for r in parse_files(files, jobs=args.jobs, cache_dir=cache))
        c1, t1 = _cpu(), time.perf_counter()
        warm = sum(len(r.functions) for r in parse_files(files, jobs=args.jobs, cache_dir=cache))
        c2, t2 = _cpu(), time.perf_counter()
    lines = sum(Path(f).read_bytes().count(b"\n") for f in files)
    print(f"[5] mm/ ({len(files)} files, {lines} lines, {cold} functions), {args.jobs} processes, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores:")
    print(f"      cold {t1 - t0:.2f} s wall (goal < 20 s), {c1 - c0:.2f} s CPU = {(c1 - c0) / args.jobs:.2f} s on "
          f"{args.jobs} idle cores")
    print(f"      warm {t2 - t1:.2f} s wall (goal < 2 s), {c2 - c1:.2f} s CPU; warm/cold wall = {(t2 - t1) / (t1 - t0):.3f}")
    assert cold == warm
    return {"mm_files": len(files), "mm_lines": lines, "mm_cold_s": t1 - t0, "mm_warm_s": t2 - t1,
            "mm_cold_cpu_s": c1 - c0, "mm_warm_cpu_s": c2 - c1}


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (pool workers, cpp)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def crash_run(args) -> dict:
    root = Path(args.tree)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*.c") if ".git" not in p.parts)
    t0 = time.perf_counter()
    results = run(root, files, args.jobs, skeleton=False)
    wall = time.perf_counter() - t0
    crashes = [r for r in results if r["crash"]]
    found = sum(len(r["spans"]) for r in results if not r["crash"])
    parsed = sum(1 for r in results if not r["crash"] for s in r["spans"] if s[3])
    lines = sum(r.get("lines", 0) for r in results)
    print(f"[4] all .c files: {len(files)} files, {lines} lines, {found} definitions found, {parsed} parsed "
          f"({100.0 * parsed / max(found, 1):.2f}%), wall {wall:.0f} s; crashes: {len(crashes)}")
    for c in crashes[:10]:
        print(f"      {c['file']}:\n{c['crash']}")
    return {"all_files": len(files), "all_crashes": len(crashes), "all_found": found, "all_parsed": parsed,
            "all_wall_s": wall, "crash_files": [c["file"] for c in crashes]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="files relative to the tree (default: mm/ kernel/ fs/ top level)")
    ap.add_argument("--tree", default=os.environ.get("PGTOOL_TREE", str(REPO / "linux-src")))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--all", action="store_true", help="every .c file of the tree (slow): crash count")
    ap.add_argument("--no-speed", action="store_true", help="skip the mm/ cold/warm timing")
    ap.add_argument("--show", type=int, default=15, help="examples to print per list")
    ap.add_argument("--json", help="also write the measurements to this file")
    args = ap.parse_args()
    if not (Path(args.tree) / "Makefile").is_file():
        sys.exit(f"parse_coverage: no kernel tree at {args.tree} (run `pgtool tree init`)")
    report = crash_run(args) if args.all else coverage(args)
    if not args.all and not args.no_speed and not args.paths:
        report.update(mm_speed(args))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
