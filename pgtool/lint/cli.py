"""`pgtool lint-locks`: the thin click command over pgtool.lint.run / scope.

With `--tree DIR`, a relative PATH is read inside the tree (`mm` is
`DIR/mm`), whatever the current folder holds, as `make M=` reads its
argument against the tree; an absolute PATH stays as it is. A relative PATH
that is only there from the current folder is refused with that reason
rather than linted from the wrong tree. Without `--tree`, PATHs are read
from the current folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pgtool.errors import UserError
from pgtool.lint.output import FORMATS, render, summary_line
from pgtool.printable import printable

# One run checks both: a new page flag is where the seed's author slipped.
DEFAULT_FAMILIES = ("locks", "flags")


@click.command("lint-locks")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--tree", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Kernel tree: relative PATHs are read inside it, and --base and --patch apply to it "
                   "(default: the current directory).")
@click.option("--base", metavar="REV", default=None,
              help="Report only what the working tree changes against git revision REV (introduced and fixed).")
@click.option("--patch", "patch", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Report only what applying FILE (a patch or mail) to the tree introduces and fixes.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-j", "--jobs", type=int, default=0, help="Worker processes (0: one per core).")
@click.option("--only", type=click.Choice(["locks", "flags"]), multiple=True,
              help="Run only this check family (repeatable; default: locks and flags).")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Reuse results of unchanged files (content-hash cache).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--budget", type=click.IntRange(100, 10_000_000), default=20000, show_default=True,
              help="Path-walk states per function before giving up on it (reported).")
@click.option("--rules", "rules", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory holding locks.toml (default: the project's rules/).")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when a terminal).")
@click.pass_context
def lint_locks_cmd(ctx, paths, tree, base, patch, fmt, jobs, only, cache, cache_dir, budget, rules, progress):
    """Check lock balance and page-flag set/clear pairing in kernel C.

    Exit status: 0 clean, 1 findings (warnings), 2 usage or input error.
    """
    from pgtool.lint import run, scope

    if base and patch:
        raise click.UsageError("--base and --patch are exclusive")
    settings = run.Settings(
        families=tuple(dict.fromkeys(only)) or DEFAULT_FAMILIES,
        rules_dir=str(rules) if rules else None,
        budget=budget,
        cache_dir=str(cache_dir or run.default_cache_dir()) if cache else None,
        jobs=jobs,
        tree=str(tree) if tree else None,
    )
    root = tree or Path(".")
    if base or patch:
        if paths:
            raise click.UsageError("PATHs are not used with --base/--patch (the change says which files)")
        settings.patch_text = scope.change_text(root, base=base, patch=patch)
        changes = scope.changes_from_base(root, base) if base else \
            scope.changes_from_patch(root, patch, settings.patch_text)
        result = scope.lint_change(changes, settings)
    else:
        targets = [_in_tree(p, tree) for p in paths]
        if not targets:
            if tree is None:
                raise click.UsageError("give PATHs to lint, or --tree DIR for the whole tree")
            targets = [tree]
        files = run.collect_files([str(t) for t in targets])
        if not files:
            raise UserError("no .c files to lint", path=str(targets[0]))
        show = sys.stderr.isatty() if progress is None else progress
        result = run.lint_paths(files, settings, progress=run.stderr_progress(show and len(files) > 1))
    click.echo(render(result, fmt), nl=False)
    if fmt == "text":
        click.echo(summary_line(result), err=True)
    sys.exit(result.exit_code())


def _in_tree(path: Path, tree: Path | None) -> Path:
    """Where a PATH argument is read: inside --tree unless absolute."""
    if tree is None or path.is_absolute():
        return path
    inside = tree / path
    if not os.path.lexists(inside) and os.path.lexists(path):
        raise UserError(f"not in the tree {printable(str(tree))}: PATHs are read relative to --tree "
                        "(give it relative to the tree, or as an absolute path)", path=printable(str(inside)))
    return inside
