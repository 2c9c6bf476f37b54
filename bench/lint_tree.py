"""Robustness of `pgtool lint-locks` over every .c file of linux-source-6.1
(issue 4, acceptance 6): walks the tree, lints each file in a worker process,
and prints the number of files that raised an exception (a traceback is a
bug: bad C must become a listed parse failure, never a crash). Goal: 0.

Also printed: files, functions, lines, parse failures, findings by check and
speed. `--every K` lints every K-th file (a reproducible sample) and
`--time-limit S` stops cleanly after S seconds; both say so in the output, so
a partial walk is never presented as a whole one.

Usage: python bench/lint_tree.py [--tree linux-src] [-j 2] [--every 1] [--time-limit 0] [--start 0]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pgtool.lint.run import Settings, analyse_text

REPO = Path(__file__).resolve().parent.parent

SETTINGS = Settings(families=("locks",))


def lint_one(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="surrogateescape")
        res = analyse_text(path, text, SETTINGS)
        return {"path": path, "ok": True, "functions": res.functions, "lines": res.lines,
                "failures": len(res.failures),
                "checks": Counter(f"{f.check}/{f.severity}" for f in res.findings)}
    except Exception:   # the point of this benchmark: count them
        return {"path": path, "ok": False, "error": traceback.format_exc(limit=6)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", type=Path, default=REPO / "linux-src")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=0.0)
    ap.add_argument("--start", type=int, default=0, help="skip the first N files of the sorted list "
                    "(to continue a walk stopped at its time limit)")
    args = ap.parse_args()
    files = sorted(str(p) for p in args.tree.rglob("*.c") if p.is_file() and ".git" not in p.parts)
    total_in_tree = len(files)
    files = files[::args.every][args.start:]
    print(f"tree: {args.tree}: {total_in_tree} .c files; linting {len(files)}"
          f"{f' (every {args.every}th)' if args.every > 1 else ''}"
          f"{f' from file #{args.start}' if args.start else ''} with {args.jobs} worker(s)", flush=True)
    t0 = time.perf_counter()
    done = crashes = functions = lines = failures = 0
    checks: Counter = Counter()
    crashed = []
    stopped = False
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for res in pool.map(lint_one, files, chunksize=8):
            done += 1
            if res["ok"]:
                functions += res["functions"]
                lines += res["lines"]
                failures += res["failures"]
                checks.update(res["checks"])
            else:
                crashes += 1
                crashed.append(res)
            if done % 500 == 0:
                el = time.perf_counter() - t0
                print(f"  {done}/{len(files)} files, {crashes} crash(es), {el:.0f} s", file=sys.stderr, flush=True)
            if args.time_limit and time.perf_counter() - t0 > args.time_limit:
                stopped = True
                pool.shutdown(wait=False, cancel_futures=True)
                break
    elapsed = time.perf_counter() - t0
    print(f"files linted: {done}/{len(files)}{' (stopped at the time limit)' if stopped else ''}")
    print(f"functions: {functions}  lines: {lines}  parse failures (listed, not crashes): {failures}")
    print(f"time: {elapsed:.1f} s  ({lines / max(elapsed, 1e-9):.0f} lines/s)")
    print("findings: " + ", ".join(f"{k} {v}" for k, v in sorted(checks.items())))
    print(f"CRASHES: {crashes}")
    for res in crashed[:20]:
        print(f"--- {res['path']}\n{res['error']}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
