"""`make demo`: the main job on the default tree, end to end.

Runs `pgtool check` on the demo queue (two mails as an archive kept them,
one whitespace-damaged) against linux-src/: push with repair, lint what each
patch changes, build for i386 and boot in QEMU, one summary. Then it shows
the console lines the series' own printk calls produced, proof that the
booted kernel is the patched one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click

from pgtool.series.queue import Series
from pgtool.tree import REPO_ROOT, default_tree

DEMO_SERIES = REPO_ROOT / "patches" / "demo-6.1" / "series"
REPORT = REPO_ROOT / "build" / "demo" / "report.json"
# A printk-family call on an added line, and the start of its format string.
_PRINTK = re.compile(r'^\+.*\b(?:pr_\w+|printk)\s*\(\s*(?:KERN_\w+\s*)?"([^"%\\]{6,})')


def series_messages(series: Series) -> list[str]:
    """Fixed leading text of every message the series' added lines print."""
    found = []
    for entry in series.entries:
        for line in series.patch_path(entry).read_text(errors="replace").splitlines():
            match = _PRINTK.match(line)
            if match:
                found.append(match.group(1).strip())
    return found


@click.command()
@click.option("--tree", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--series", "series_file", type=click.Path(dir_okay=False, path_type=Path), default=DEMO_SERIES)
def main(tree: Path | None, series_file: Path) -> None:
    tree = tree or default_tree()
    click.echo(f"== pgtool demo: {series_file} on {tree}\n", err=True)
    proc = subprocess.run([sys.executable, "-m", "pgtool", "check", "--tree", str(tree),
                           "--series", str(series_file), "--json", str(REPORT)])
    if REPORT.exists():
        report = json.loads(REPORT.read_text())
        boot = report.get("boot") or {}
        log = Path((boot.get("artefacts") or {}).get("console_log", ""))
        wanted = series_messages(Series.load(series_file))
        if boot.get("verdict") == "pass" and log.is_file() and wanted:
            lines = [ln for ln in log.read_text(errors="replace").splitlines() if any(w in ln for w in wanted)]
            click.echo("\nwhat the patched kernel printed (from the series' own printk calls):")
            for ln in lines[:12]:
                click.echo(f"  {ln}")
            if not lines:
                click.echo("  (none of them: was the patched code built and run?)")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
