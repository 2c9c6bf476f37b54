"""`pgtool parse PATH...`: what the C front-end makes of files (a diagnostic command).

A file that cannot be read is listed as that file's failure; names that are
not UTF-8 are shown with backslash escapes (`pgtool.printable`).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from pgtool.errors import UserError
from pgtool.printable import printable, printable_data


def _expand(paths: tuple[str, ...]) -> list[str]:
    files: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(str(f) for f in sorted(path.rglob("*.c")) if f.is_file())
        elif path.exists():
            files.append(p)
        else:
            raise UserError("no such file or directory", path=printable(p))
    return files


@click.command("parse")
@click.argument("paths", nargs=-1, required=True)
@click.option("--stats", is_flag=True, help="Print totals, failure reasons and speed.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("-j", "--jobs", type=int, default=0, show_default=True, help="Processes (0: one per core).")
@click.option("--cache/--no-cache", default=True, show_default=True, help="Reuse results of unchanged files.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None, help="Cache directory.")
@click.option("-D", "--define", "defines", multiple=True, metavar="NAME[=VALUE]", help="Extra cpp define.")
@click.option("--rules", type=click.Path(file_okay=False), default=None, help="Rules directory (macros.toml).")
@click.pass_context
def parse_cmd(ctx, paths, stats, as_json, jobs, cache, cache_dir, defines, rules) -> None:
    """Parse C files header-free and report functions found, parsed and failed."""
    from pgtool.cfront.config import FrontendConfig
    from pgtool.cfront.frontend import default_cache_dir, parse_files
    from pgtool.cfront.report import summarize

    files = _expand(paths)
    base = FrontendConfig()
    extra = tuple((d.split("=", 1)[0], d.split("=", 1)[1] if "=" in d else "1") for d in defines)
    config = FrontendConfig(defines=base.defines + extra, rules=rules)
    cdir = (cache_dir or default_cache_dir()) if cache else None

    def progress(n: int, total: int, path: str) -> None:
        if total > 20 and sys.stderr.isatty():
            click.echo(f"\rparsing {n}/{total}", err=True, nl=n == total)

    start = time.perf_counter()
    results = []
    for res in parse_files(files, jobs=jobs, cache_dir=cdir, config=config, progress=progress):
        results.append(res)
        if not as_json:
            click.echo(printable(f"{res.path}: {res.found} found, {len(res.functions)} parsed, "
                                 f"{len(res.failures)} failed"))
            for f in res.failures:
                where = f" (in {f.name})" if f.name else ""
                click.echo(printable(f"{f.file}:{f.line}:1: error: {f.reason}{where}"))
    wall = time.perf_counter() - start
    summary = summarize(results, wall)
    if as_json:
        payload = {
            "files": [
                {
                    "path": r.path,
                    "lines": r.lines,
                    "found": r.found,
                    "parsed": len(r.functions),
                    "functions": [
                        {"name": f.name, "start_line": f.start_line, "end_line": f.end_line, "static": f.static}
                        for f in r.functions
                    ],
                    "failures": [{"line": f.line, "name": f.name, "reason": f.reason} for f in r.failures],
                }
                for r in results
            ],
            "total": summary,
        }
        click.echo(json.dumps(printable_data(payload), indent=1))
    elif stats:
        click.echo(
            f"total: {summary['files']} files, {summary['lines']} lines, {summary['found']} functions found, "
            f"{summary['parsed']} parsed ({summary['parsed_pct']:.2f}%), {summary['failed']} failed; "
            f"{summary['wall_s']:.2f} s wall, {summary['lines_per_s']:.0f} lines/s"
        )
        for reason, count in summary["reasons"]:
            click.echo(printable(f"  {count:5d}  {reason}"))
    sys.exit(1 if summary["failed"] else 0)
