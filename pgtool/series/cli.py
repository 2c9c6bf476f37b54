"""Queue commands: series import, push, pop, applied, unapplied, top, refresh.

Thin: options are resolved to a tree, a series and a stack, then handed to
ops.py / refresh.py. Messages follow quilt's, so muscle memory carries over.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from pgtool.errors import UserError
from pgtool.series import ops
from pgtool.series.queue import Series, Stack
from pgtool.series.refresh import refresh_top
from pgtool.tree import default_tree

tree_option = click.option(
    "--tree", "tree", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Kernel tree (default: linux-src/ or $PGTOOL_TREE).")
series_option = click.option(
    "--series", "series_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Series file (default: the one recorded in the tree's .pc/, else $QUILT_PATCHES/series, "
         "else <tree>/patches/series).")


def resolve(tree: Path | None, series_file: Path | None, must_exist: bool = True) -> tuple[Path, Series]:
    tree = Path(tree or default_tree())
    if not tree.is_dir():
        raise UserError("tree not found", path=str(tree))
    if series_file is None:
        recorded = Stack(tree).patches_setting()
        if recorded:
            patches = Path(recorded) if os.path.isabs(recorded) else tree / recorded
        else:
            env = os.environ.get("QUILT_PATCHES")
            patches = Path(env) if env and os.path.isabs(env) else tree / (env or "patches")
        series_file = patches / "series"
    if not must_exist and not series_file.exists():
        return tree, Series(series_file)
    return tree, Series.load(series_file)


def _say(msg: str) -> None:
    click.echo(msg)


def _report_push(outcome: ops.PushOutcome, stack: Stack) -> None:
    for message in outcome.recovered:
        click.echo(f"pgtool: {message}", err=True)
    for p in outcome.pushed:
        click.echo(f"Applying patch {p.name}")
        for line in patch_lines(p.result):
            click.echo(line)
        if p.commit:
            click.echo(f"Committed as {p.commit[:12]}")
    if outcome.failed:
        f = outcome.failed
        click.echo(f"Applying patch {f.name}")
        for line in patch_lines(f.result):
            click.echo(line)
        if f.result.status == "already-applied":
            click.echo(f"Patch {f.name} can be reverse-applied", err=True)
        else:
            click.echo(f"Patch {f.name} does not apply (nothing written)", err=True)
    top = stack.top()
    click.echo(f"\nNow at patch {top}" if top else "\nNo patches applied")


def patch_lines(result) -> list[str]:
    """The apply engine's report lines for one patch, minus the subject line."""
    from pgtool.apply.engine import ApplyResult
    from pgtool.apply.report import text_lines
    lines = text_lines(ApplyResult([result], written=result.status == "applied"), check=False)
    return [line for line in lines if not line.startswith("Applying: ")]


@click.group("series")
def series_cmd() -> None:
    """Manage the patch series (quilt-compatible)."""


@series_cmd.command("import")
@click.argument("mails", nargs=-1, required=True)
@tree_option
@series_option
@click.option("--raw", is_flag=True, help="Keep the diffs as they came (no repair against the tree).")
def import_cmd(mails: tuple[str, ...], tree: Path | None, series_file: Path | None, raw: bool) -> None:
    """Add each message of MAIL/MBOX files to the series, in order."""
    tree_path, series = resolve(tree, series_file, must_exist=False)
    added = ops.import_mail(list(mails), series, None if raw else tree_path)
    for name, note in added:
        click.echo(f"Importing patch {name} ({note})")


@click.command("push")
@tree_option
@series_option
@click.option("-a", "--all", "all_", is_flag=True, help="Push every unapplied patch.")
@click.option("--fuzz", type=int, default=0, show_default=True, help="Allow this much fuzz.")
@click.option("--commit", is_flag=True, help="Commit each patch like git am (git trees).")
@click.argument("number", required=False, type=int)
def push_cmd(tree, series_file, all_, fuzz, commit, number) -> None:
    """Apply the next patch (or NUMBER of them, or all with -a)."""
    tree, series = resolve(tree, series_file)
    outcome = ops.push(tree, series, None if all_ else (number or 1), fuzz=fuzz, commit=commit)
    _report_push(outcome, Stack(tree))
    sys.exit(outcome.exit_code)


@click.command("pop")
@tree_option
@click.option("-a", "--all", "all_", is_flag=True, help="Pop every applied patch.")
@click.option("-f", "--force", is_flag=True, help="Pop even over edits made after the push (they are lost).")
@click.option("--commit", is_flag=True, help="Also drop the patch's commit when it is HEAD.")
@click.argument("number", required=False, type=int)
def pop_cmd(tree, all_, force, commit, number) -> None:
    """Remove the top patch (or NUMBER of them, or all with -a)."""
    tree = Path(tree or default_tree())
    for name in ops.pop(tree, None if all_ else (number or 1), force=force, commit=commit):
        click.echo(f"Removing patch {name}")
    top = Stack(tree).top()
    click.echo(f"\nNow at patch {top}" if top else "\nNo patches applied")


@click.command("applied")
@tree_option
def applied_cmd(tree) -> None:
    """List the applied patches, bottom first."""
    applied = Stack(Path(tree or default_tree())).applied()
    if not applied:
        click.echo("No patches applied", err=True)
        sys.exit(2)
    for name in applied:
        click.echo(name)


@click.command("unapplied")
@tree_option
@series_option
def unapplied_cmd(tree, series_file) -> None:
    """List the patches of the series not applied yet."""
    tree, series = resolve(tree, series_file)
    rest = ops.unapplied(series, Stack(tree))
    if not rest:
        click.echo("File series fully applied", err=True)
        sys.exit(2)
    for entry in rest:
        click.echo(entry.name)


@click.command("top")
@tree_option
def top_cmd(tree) -> None:
    """Print the top of the stack."""
    top = Stack(Path(tree or default_tree())).top()
    if top is None:
        click.echo("No patches applied", err=True)
        sys.exit(2)
    click.echo(top)


@click.command("refresh")
@tree_option
@series_option
def refresh_cmd(tree, series_file) -> None:
    """Rewrite the top patch from the tree, keeping its header."""
    tree, series = resolve(tree, series_file)
    name, path, changed = refresh_top(tree, series.patches_dir)
    click.echo(f"Refreshed patch {name}" if changed else f"Patch {name} is unchanged")
