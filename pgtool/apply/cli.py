"""`pgtool apply`: the thin click layer over pgtool.apply.engine."""

from __future__ import annotations

import gc
import itertools
import os
import sys
from pathlib import Path

import click

from pgtool import treefs
from pgtool.apply import engine, report, writer
from pgtool.errors import UserError


@click.command("apply")
@click.argument("patches", nargs=-1)
@click.option("--tree", "tree", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Tree to patch (default: linux-src/ or $PGTOOL_TREE).")
@click.option("-p", "--strip", type=click.IntRange(0, 64), default=None,
              help="Strip N leading path components (default: probed from the tree).")
@click.option("-F", "--fuzz", type=click.IntRange(0, 8), default=0, show_default=True,
              help="Outer context lines a hunk may ignore.")
@click.option("-R", "--reverse", is_flag=True, help="Apply in reverse.")
@click.option("--check", is_flag=True, help="Only check that the patch applies; write nothing.")
@click.option("--dry-run", is_flag=True, help="Same as --check.")
@click.option("--reject", is_flag=True, help="Apply what applies; write failed hunks to .rej files.")
@click.option("--ignore-whitespace/--no-ignore-whitespace", "whitespace", default=None,
              help="Place hunks ignoring whitespace when they match nowhere exactly (reported per hunk); "
                   "default: only in sections the mail damaged.")
@click.option("--commit", is_flag=True, help="Commit each patch with its mail's author, date and subject.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--emit-fixed", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the repaired, clean patch (accepted by git apply) to FILE.")
@click.option("--continue", "continue_", is_flag=True,
              help="Finish an interrupted apply whose files were edited since, keeping those edits.")
@click.option("--abort-recovery", is_flag=True,
              help="Undo an interrupted apply (keeping files edited since), or drop a journal pgtool did not "
                   "write for this tree.")
@click.pass_context
def apply_cmd(ctx, patches, tree, strip, fuzz, reverse, check, dry_run, reject, whitespace, commit, as_json,
              emit_fixed, continue_, abort_recovery):
    """Apply PATCH... (diffs, mails, mboxes; '-' for stdin), mail damage included.

    Exit 0 applied, 1 did not apply (nothing written), 2 bad input.
    """
    if tree is None:
        from pgtool.tree import default_tree  # tree management: not loaded when --tree is given

        tree = default_tree()
    if continue_ or abort_recovery:
        if patches or (continue_ and abort_recovery):
            raise click.UsageError("--continue and --abort-recovery take no patch and exclude each other")
        message = writer.recover(tree, "continue" if continue_ else "abort")
        click.echo(f"pgtool: {message}")
        return
    if not patches:
        raise click.UsageError("Missing argument 'PATCHES...'.")
    if emit_fixed is not None:
        _check_output(emit_fixed)
    collecting = gc.isenabled()
    gc.disable()  # the engine pauses the cycle collector for its run; this keeps it paused for the report
    try:
        _apply(patches, tree, strip, fuzz, reverse, check, dry_run, reject, whitespace, commit, as_json, emit_fixed)
    finally:
        # When the process ends with this command the collector stays off: re-enabled, it would
        # walk the run's million objects (a large patch's hunks, kept for the report) once more
        # and again at exit, ~0.1 s, for garbage the exit frees anyway. Called in-process, the
        # caller gets its collector back.
        if collecting and not (ctx.obj or {}).get("process_ends"):
            gc.enable()


def _check_output(path: Path) -> None:
    """An output file pgtool may write: its folder exists, nothing on the way is git's own folder,
    and it is not a symbolic link (checked before the tree is touched)."""
    absolute = os.path.abspath(path)
    if any(treefs.is_git_dir_name(part) for part in absolute.split("/")):
        raise treefs.PathRefused("refusing to write inside git's own folder (.git)", path=str(path))
    parent = os.path.dirname(absolute)
    if not os.path.isdir(parent):
        raise UserError("folder for the output does not exist", path=str(path))
    if os.path.islink(absolute):
        raise treefs.PathRefused("refusing to write through a symbolic link", path=str(path))
    if os.path.isdir(absolute):
        raise UserError("is a directory", path=str(path))


def _write_output(path: Path, text: str) -> None:
    """Write `text` to `path` atomically (a temp file beside it, then a rename)."""
    tmp = path.with_name(f".{path.name}.pgtool-tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666)
        try:
            treefs.write_all(fd, text.encode("utf-8", "surrogateescape"))
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"cannot write the repaired patch: {exc.strerror}", path=str(path)) from None


def _apply(patches, tree, strip, fuzz, reverse, check, dry_run, reject, whitespace, commit, as_json, emit_fixed):
    opts = engine.Options(strip=strip, fuzz=fuzz, reverse=reverse, check=check or dry_run, reject=reject,
                          commit=commit, whitespace=whitespace, fixed=emit_fixed is not None)
    progress = None if as_json else (lambda m: click.echo(f"pgtool apply: {m}", err=True))
    result = engine.apply_patches(list(patches), tree, opts, progress=progress)
    if emit_fixed is not None:
        _write_output(emit_fixed, "".join(p.fixed_text for p in result.patches))
    if as_json:
        click.echo(report.to_json(result))
    else:
        # one write per run of lines going to the same stream (not one per line: 20k hunks, 20k writes)
        for to_err, group in itertools.groupby(report.text_lines(result, opts.check),
                                               key=lambda line: line.startswith("error:")):
            click.echo("\n".join(group), err=to_err)
    sys.stdout.flush()
    sys.exit(result.exit_code)
