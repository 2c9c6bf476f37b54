"""The pre-commit hook: lint the staged C files, report only what the commit adds.

Two ways in: the pre-commit framework reads `.pre-commit-hooks.yaml` (hook
id `pgtool-lint-locks`) and runs `pgtool hook run` with the staged files;
`pgtool hook install` writes a plain `.git/hooks/pre-commit` that does the
same for a tree without the framework. Either way the lint is diff-scoped
against HEAD, so pre-existing findings never block a commit.

`install` asks git where hooks live (`git rev-parse --git-path hooks`: a
worktree's or submodule's `.git` file and `core.hooksPath` are git's
business) and writes the hook beside it and renames it into place, so a
symbolic link at the hook's path is replaced, never written through. It
replaces only a hook it wrote itself (it carries a marker line): a hook from
someone else, or a symbolic link, needs --force; a folder or another odd file
at that path is refused even then.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from pgtool.errors import InfraError, UserError
from pgtool.printable import printable

_MARK = "# installed by pgtool hook install"
C_SUFFIXES = (".c", ".h")


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    except FileNotFoundError:
        raise InfraError("git not found (install Debian's git)") from None


def staged_c_files(repo: Path) -> list[str]:
    proc = _git(repo, "diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z")
    if proc.returncode:
        raise UserError("not a git repository", path=printable(str(repo)))
    names = [n for n in os.fsdecode(proc.stdout).split("\0") if n]
    return [n for n in names if n.endswith(C_SUFFIXES)]


def has_head(repo: Path) -> bool:
    return _git(repo, "rev-parse", "-q", "--verify", "HEAD").returncode == 0


def hooks_dir(repo: Path) -> Path:
    """Where git runs this repository's hooks from."""
    proc = _git(repo, "rev-parse", "--git-path", "hooks")
    if proc.returncode:
        raise UserError("not a git repository", path=printable(str(repo)))
    hooks = Path(os.fsdecode(proc.stdout.rstrip(b"\n")))
    return hooks if hooks.is_absolute() else Path(repo) / hooks


def _refuse_to_replace(hook: Path, force: bool) -> None:
    """Raise unless a pgtool hook may be written at `hook`."""
    where = printable(str(hook))
    if hook.is_symlink():
        if not force:
            raise UserError(f"the pre-commit hook is a symbolic link to {printable(os.readlink(hook))}; "
                            "pgtool does not write through it (use --force to replace the link)", path=where)
        return
    if not os.path.lexists(hook):
        return
    if hook.is_dir():
        raise UserError("a folder is where the pre-commit hook goes; remove it first", path=where)
    if not hook.is_file():
        raise UserError("not a regular file where the pre-commit hook goes; remove it first", path=where)
    try:
        ours = _MARK.encode() in hook.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read the existing pre-commit hook: {exc.strerror}", path=where) from None
    if not ours and not force:
        raise UserError("a pre-commit hook already exists (use --force to replace it)", path=where)


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
    hooks = hooks_dir(repo)
    if os.path.lexists(hooks) and not hooks.is_dir():
        raise UserError("git's hooks path is not a folder", path=printable(str(hooks)))
    hook = hooks / "pre-commit"
    _refuse_to_replace(hook, force)
    pgtool = shlex.quote(os.path.abspath(sys.argv[0])) if Path(sys.argv[0]).name == "pgtool" else \
        f"{shlex.quote(sys.executable)} -m pgtool"
    text = (f"#!/bin/sh\n{_MARK}\n# Lint staged C files; only findings this commit introduces block it.\n"
            f"exec {pgtool} hook run --repo \"$(git rev-parse --show-toplevel)\"\n")
    try:
        hooks.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".pre-commit.", dir=hooks)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
            os.chmod(tmp, 0o755)
            os.replace(tmp, hook)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as exc:
        failed = exc.filename if exc.filename is not None else hook
        raise UserError(f"cannot write the pre-commit hook: {exc.strerror}",
                        path=printable(os.fsdecode(failed))) from None
    click.echo(printable(f"installed {hook}"))
