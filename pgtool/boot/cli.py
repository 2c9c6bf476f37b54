"""`pgtool boot-check`: the thin click layer over `pgtool.boot.check.boot_check`.

With `--json FILE` a JSON result is written whatever happens: a run that
stops on bad input or a machine problem (a missing program, an unusable
cache folder) writes verdict `error` with the one-line reason, so CI never
reads a missing file or a machine problem as a kernel failure. The JSON
file's own folder is checked before anything runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pgtool.boot.check import BootResult, boot_check
from pgtool.errors import InfraError, PgtoolError, UserError
from pgtool.printable import printable, printable_data
from pgtool.tree import default_tree


def _progress(message: str) -> None:
    click.echo(message, err=True)


def report(result: BootResult) -> str:
    """The human report: verdict, headline, excerpt (always, even when short), reproducer, artefacts."""
    label = result.verdict.upper() + (f" ({result.cls})" if result.cls else "")
    out = [f"boot-check: {label}: {result.headline}"]
    if result.excerpt:
        out += ["", *("    " + line for line in result.excerpt.splitlines()), ""]
    out.append(f"  kernel:   Linux {result.kernel_version} ({result.tree}), config {result.config}")
    out.append(f"  compiler: {result.compiler}")
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
    out.append(f"  timings:  {timing}; {result.build_steps} build steps")
    if result.qemu_command:
        out.append(f"  reproduce ({result.accel}): {result.qemu_command}")
    for name, path in result.artefacts.items():
        out.append(f"  {name + ':':<13}{path}")
    out += [f"  note: {note}" for note in result.notes]
    return "\n".join(out)


def _write_json(path: Path, payload: dict) -> None:
    text = json.dumps(printable_data(payload), indent=2)
    if str(path) == "-":
        click.echo(text)
        return
    try:
        path.write_text(text + "\n")
    except OSError as exc:
        raise UserError(f"cannot write the JSON result: {exc.strerror}", path=printable(str(path))) from None


def _check_json_path(path: Path) -> None:
    """Refuse a --json FILE that cannot be written before a build, not after it."""
    if str(path) == "-":
        return
    folder = path.parent
    if not folder.is_dir():
        raise UserError("cannot write the JSON result: no such folder", path=printable(str(folder)))


@click.command("boot-check")
@click.option("--tree", "tree", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Kernel tree (default: linux-src/ or $PGTOOL_TREE).")
@click.option("--config", "config", default="tiny", show_default=True,
              help="tiny, debug (lockdep and checkers), or a Kconfig fragment file merged on top of tiny.")
@click.option("--timeout", type=click.FloatRange(min=1), default=120, show_default=True,
              help="Hard limit for the boot, in seconds.")
@click.option("--no-output-timeout", "no_output", type=click.FloatRange(min=1), default=60,
              show_default=True, help="Stop a boot whose console stays silent this long.")
@click.option("--append", default="", help="Extra kernel command-line parameters.")
@click.option("--accel", type=click.Choice(["auto", "kvm", "tcg"]), default="auto", show_default=True,
              help="QEMU accelerator; auto tries KVM and falls back to TCG.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="make -j (default: cores).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the result as JSON ('-' for stdout).")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Copy bzImage, .config, logs, initrd and the QEMU command here.")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr (the report is still printed).")
@click.pass_context
def boot_check_cmd(ctx: click.Context, tree, config, timeout, no_output, append, accel, jobs,
                   json_path, keep, quiet) -> None:
    """Build the tree for i386, boot it in QEMU and classify the console.

    Exit status: 0 pass, 1 fail (build error or kernel failure), 2 error.
    """
    tree = tree or default_tree()
    if json_path:
        _check_json_path(json_path)
    try:
        result = boot_check(tree, config, timeout=timeout, no_output=no_output,
                            keep=keep, append=append, accel=accel, jobs=jobs,
                            progress=(lambda m: None) if quiet else _progress)
    except PgtoolError as exc:
        # CI reads the JSON: bad input or a machine problem is verdict "error", not a kernel failure.
        if json_path:
            cls = "infrastructure" if isinstance(exc, InfraError) else "input"
            payload = {"verdict": "error", "class": cls, "headline": exc.one_line(), "exit_code": exc.exit_code,
                       "tree": str(tree), "config": config}
            _write_json(json_path, payload)
        raise
    text = printable(report(result))
    if json_path:
        _write_json(json_path, result.to_json())
    click.echo(text, err=json_path is not None and str(json_path) == "-")
    # sys.exit, not ctx.exit: pgtool.cli.main runs click with standalone_mode=False,
    # where click returns ctx.exit's code instead of exiting with it.
    sys.exit(result.exit_code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(boot_check_cmd())
