"""The `pgtool` command line: a thin, lazily loaded click group.

Each sub-command lives beside its pipeline (`pgtool/<pipeline>/cli.py`) and is
imported only when run, so `pgtool apply` never pays for pycparser or QEMU
probing. Errors are caught here, once: a PgtoolError becomes one line on
stderr and its exit code; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import os
import sys

import click

from pgtool import __version__
from pgtool.errors import PgtoolError
from pgtool.lazy import resolve

# command name -> "module:attribute" of a click.Command
COMMANDS: dict[str, str] = {
    "apply": "pgtool.apply.cli:apply_cmd",
    "parse": "pgtool.cfront.cli:parse_cmd",
    "lint-locks": "pgtool.lint.cli:lint_locks_cmd",
    "boot-check": "pgtool.boot.cli:boot_check_cmd",
    "tree": "pgtool.tree:tree_cmd",
    "series": "pgtool.series.cli:series_cmd",
    "push": "pgtool.series.cli:push_cmd",
    "pop": "pgtool.series.cli:pop_cmd",
    "applied": "pgtool.series.cli:applied_cmd",
    "unapplied": "pgtool.series.cli:unapplied_cmd",
    "top": "pgtool.series.cli:top_cmd",
    "refresh": "pgtool.series.cli:refresh_cmd",
    "check": "pgtool.series.check:check_cmd",
    "hook": "pgtool.series.hook:hook_cmd",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load(name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        return resolve(target) if target else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pgtool")
def cli() -> None:
    """Apply, lint and boot-check Linux kernel patches."""


def main(argv: list[str] | None = None) -> None:
    try:
        # Without standalone mode click returns ctx.exit(n)'s code instead of exiting.
        # `process_ends`: run as the process's command (argv from sys.argv), not called in-process.
        code = cli.main(args=argv, prog_name="pgtool", standalone_mode=False, obj={"process_ends": argv is None})
    except PgtoolError as exc:
        click.echo(f"pgtool: error: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("pgtool: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(1)
    except OSError as exc:
        # the machine refused something no stage foresaw (permissions, a full disk, a vanished folder)
        from pgtool.printable import printable

        where = f"{printable(os.fsdecode(exc.filename))}: " if exc.filename else ""
        click.echo(f"pgtool: error: {where}{exc.strerror or exc}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
