"""The pre-commit hook: lint the staged C files, report only what the commit adds.

Two ways in: the pre-commit framework reads `.pre-commit-hooks.yaml` (hook
id `pgtool-lint-locks`) and runs `pgtool hook run` with the staged files;
`pgtool hook install` writes a plain `.git/hooks/pre-commit` that does the
same for a tree without the framework. Either way the lint is diff-scoped
against HEAD, so pre-existing findings never block a commit.
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import click

from pgtool.errors import UserError

_MARK = "# installed by pgtool hook install"
C_SUFFIXES = (".c", ".h")


def staged_c_files(repo: Path) -> list[str]:
    proc = subprocess.run(["git", "-C", str(repo), "diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"],
                          capture_output=True)
    if proc.returncode:
        raise UserError("not a git repository", path=str(repo))
    names = [n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [n for n in names if n.endswith(C_SUFFIXES)]


def has_head(repo: Path) -> bool:
    return subprocess.run(["git", "-C", str(repo), "rev-parse", "-q", "--verify", "HEAD"],
                          capture_output=True).returncode == 0


def lint_argv(repo: Path, files: list[str]) -> list[str]:
    """The lint-locks command line the hook runs.

    Against HEAD the change itself says which files and functions to look at
    (under pre-commit the work tree holds exactly the staged content); a first
    commit has no HEAD, so its files are linted whole.
    """
    argv = ["lint-locks", "--tree", str(repo), "--only", "locks", "--only", "flags"]
    if has_head(repo):
        return argv + ["--base", "HEAD"]
    return argv + [str(repo / f) for f in files]


@click.group("hook")
def hook_cmd() -> None:
    """The git pre-commit hook (plain git or the pre-commit framework)."""


@hook_cmd.command("run")
@click.argument("files", nargs=-1)
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="The git work tree (default: the current folder).")
def run_cmd(files: tuple[str, ...], repo: Path) -> None:
    """Lint FILES (default: the staged C files) for findings the commit introduces."""
    repo = repo.resolve()
    chosen = [f for f in files if f.endswith(C_SUFFIXES)] if files else staged_c_files(repo)
    if not chosen:
        sys.exit(0)
    from pgtool.cli import cli
    # One process: the lint command's own exit code (0 clean, 1 findings) is the hook's.
    cli.main(args=lint_argv(repo, chosen), prog_name="pgtool", standalone_mode=True)


@hook_cmd.command("install")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="The git work tree (default: the current folder).")
@click.option("--force", is_flag=True, help="Replace an existing pre-commit hook that pgtool did not write.")
def install_cmd(repo: Path, force: bool) -> None:
    """Write .git/hooks/pre-commit calling `pgtool hook run`."""
    proc = subprocess.run(["git", "-C", str(repo), "rev-parse", "--git-path", "hooks"],
                          capture_output=True, text=True)
    if proc.returncode:
        raise UserError("not a git repository", path=str(repo))
    hooks = Path(proc.stdout.strip())
    if not hooks.is_absolute():
        hooks = Path(repo) / hooks
    hook = hooks / "pre-commit"
    if hook.exists() and _MARK not in hook.read_text(errors="replace") and not force:
        raise UserError("a pre-commit hook already exists (use --force to replace it)", path=str(hook))
    pgtool = shlex.quote(os.path.abspath(sys.argv[0])) if Path(sys.argv[0]).name == "pgtool" else \
        f"{shlex.quote(sys.executable)} -m pgtool"
    hooks.mkdir(parents=True, exist_ok=True)
    hook.write_text(f"#!/bin/sh\n{_MARK}\n# Lint staged C files; only findings this commit introduces block it.\n"
                    f"exec {pgtool} hook run --repo \"$(git rev-parse --show-toplevel)\"\n")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    click.echo(f"installed {hook}")
