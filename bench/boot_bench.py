#!/usr/bin/env python3
"""Benchmark `pgtool boot-check`: cold build, warm rebuild after touching one
mm/ file, and boot to marker, against the bare tools measured in the same run
(the same `make` and the same QEMU command line, run by hand).

Goals (issue 6): warm rebuild plus boot under 60 s; boot to marker under 5 s.
Works on a throwaway git worktree of the baseline and a throwaway cache, so
the tree and the user's cache are left alone. Prints measurements, no asserts.

    .venv/bin/python bench/boot_bench.py [--tree linux-src] [--config tiny] [--boots 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pgtool.boot.check import boot_check
from pgtool.boot.initramfs import MARKER
from pgtool.tree import default_tree


def bare_boot_seconds(command: str) -> float:
    """The reproducer command run by hand: wall time until the marker appears."""
    start = time.monotonic()
    proc = subprocess.Popen(["bash", "-c", command], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    seen = None
    for line in proc.stdout:
        if MARKER.encode() in line and seen is None:
            seen = time.monotonic() - start
    proc.wait()
    return seen if seen is not None else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=default_tree())
    parser.add_argument("--config", default="tiny")
    parser.add_argument("--boots", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pgtool-boot-bench-"))
    tree = work / "linux"
    os.environ["PGTOOL_CACHE"] = str(work / "cache")
    subprocess.run(["git", "-C", str(args.tree), "worktree", "add", "-q", "--detach", str(tree), "baseline"],
                   check=True)
    say = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    try:
        print(f"boot_bench: tree {args.tree} (worktree {tree}), config {args.config}, {os.cpu_count()} cores")
        cold = boot_check(tree, args.config, progress=lambda m: None)
        assert cold.verdict == "pass", cold.headline
        print(f"cold build        : {cold.timings['build']:7.1f} s  ({cold.build_steps} kbuild steps)")

        filemap = tree / "mm" / "filemap.c"
        filemap.write_text(filemap.read_text() + "/* boot_bench touch */\n")
        warm = boot_check(tree, args.config)
        rebuild, boot = warm.timings["build"], warm.timings["boot"]
        print(f"warm rebuild      : {rebuild:7.1f} s  ({warm.build_steps} steps, compiled {warm.compiled})")
        print(f"warm rebuild+boot : {warm.timings['total']:7.1f} s  (goal < 60 s: "
              f"{'met' if warm.timings['total'] < 60 else 'MISSED'})")

        # Peer: the same make, by hand, after another touch.
        filemap.write_text(filemap.read_text() + "/* again */\n")
        build_dir = Path(cold.artefacts["config"]).parent
        make = ["make", "-C", str(tree), f"O={build_dir}", "ARCH=i386", "CROSS_COMPILE=i686-linux-gnu-",
                f"-j{os.cpu_count()}", "bzImage"]
        start = time.monotonic()
        subprocess.run(make, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        bare_make = time.monotonic() - start
        print(f"bare make rebuild : {bare_make:7.1f} s  (pgtool/bare = {rebuild / bare_make:.2f})")

        markers, bare = [], []
        for _ in range(args.boots):
            again = boot_check(tree, args.config)
            markers.append(again.timings["boot_to_marker"])
            bare.append(bare_boot_seconds(again.qemu_command))
        med, bare_med = statistics.median(markers), statistics.median(bare)
        print(f"boot to marker    : {med:7.2f} s  median of {args.boots} ({', '.join(f'{m:.2f}' for m in markers)}), "
              f"accel {again.accel} (goal < 5 s: {'met' if med < 5 else 'MISSED'})")
        print(f"bare QEMU, marker : {bare_med:7.2f} s  median (pgtool/bare = {med / bare_med:.2f})")
        say("boot_bench: done")
    finally:
        subprocess.run(["git", "-C", str(args.tree), "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
