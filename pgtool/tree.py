"""The kernel tree under work: `pgtool tree init` and the helpers tests share.

`linux-src/` is a git submodule slot pointing at the upstream kernel; offline,
`tree init` fills it from Debian's `linux-source-6.1` tarball as a git
repository whose first commit (tagged `baseline`) is the pristine source, so
apply, lint, boot and the tests all work on one real tree and can diff
against or return to the baseline.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from pgtool.errors import InfraError, UserError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TREE = REPO_ROOT / "linux-src"
DEFAULT_TARBALL = Path("/usr/src/linux-source-6.1.tar.xz")
BASELINE_TAG = "baseline"
# Fixed identity and date make the baseline commit reproducible across machines.
_BASELINE_ENV = {
    "GIT_AUTHOR_NAME": "pgtool",
    "GIT_AUTHOR_EMAIL": "pgtool@localhost",
    "GIT_COMMITTER_NAME": "pgtool",
    "GIT_COMMITTER_EMAIL": "pgtool@localhost",
    "GIT_AUTHOR_DATE": "2022-12-11T14:15:00Z",
    "GIT_COMMITTER_DATE": "2022-12-11T14:15:00Z",
}


@dataclass(frozen=True)
class TreeInfo:
    path: Path
    baseline: str  # commit id of the pristine source
    version: str   # from the top-level Makefile, e.g. "6.1.158"


def default_tree() -> Path:
    return Path(os.environ.get("PGTOOL_TREE", DEFAULT_TREE))


def kernel_version(tree: Path) -> str:
    """VERSION.PATCHLEVEL.SUBLEVEL from the tree's top-level Makefile."""
    fields: dict[str, str] = {}
    try:
        with open(tree / "Makefile", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, sep, value = line.partition("=")
                key = key.strip()
                if sep and key in ("VERSION", "PATCHLEVEL", "SUBLEVEL"):
                    fields[key] = value.strip()
                if len(fields) == 3:
                    break
    except OSError:
        return ""
    return ".".join(fields.get(k, "0") for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")) if fields else ""


def _git(tree: Path, *args: str, env: dict | None = None) -> str:
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True, env=full_env)
    if proc.returncode:
        raise InfraError(f"git {' '.join(args)} failed: {proc.stderr.strip()}", path=str(tree))
    return proc.stdout.strip()


def tree_info(tree: Path) -> TreeInfo | None:
    """The tree's baseline, or None when it has not been initialised."""
    if not (tree / ".git").exists() or not (tree / "Makefile").is_file():
        return None
    try:
        baseline = _git(tree, "rev-parse", "--verify", "-q", f"{BASELINE_TAG}^{{commit}}")
    except InfraError:
        return None
    return TreeInfo(tree, baseline, kernel_version(tree))


def init_tree(tree: Path, tarball: Path = DEFAULT_TARBALL, echo=print) -> TreeInfo:
    """Unpack `tarball` into `tree` and commit it as the baseline.

    Idempotent: an initialised tree is left as it is. The unpack goes to a
    sibling temporary folder renamed into place at the end, so an interrupted
    init never leaves a half-unpacked tree that looks ready.
    """
    info = tree_info(tree)
    if info:
        return info
    if not tarball.is_file():
        raise InfraError(
            "kernel source tarball not found; install Debian's linux-source-6.1 (make setup)",
            path=str(tarball),
        )
    if tree.exists() and any(p.name != ".git" for p in tree.iterdir()):
        raise UserError("not empty and not a pgtool tree; refusing to overwrite it", path=str(tree))
    staging = tree.with_name(tree.name + ".init-tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    echo(f"tree: unpacking {tarball} into {tree} ...")
    decompress = ["xz", "-dc", "-T0", str(tarball)] if tarball.suffix == ".xz" else ["cat", str(tarball)]
    unpack = subprocess.Popen(decompress, stdout=subprocess.PIPE)
    tar = subprocess.run(["tar", "-x", "--strip-components=1", "-C", str(staging)], stdin=unpack.stdout)
    unpack.stdout.close()
    if unpack.wait() or tar.returncode:
        shutil.rmtree(staging, ignore_errors=True)
        raise InfraError("could not unpack the kernel source", path=str(tarball))
    echo("tree: committing the baseline ...")
    _git(staging, "init", "-q", "-b", "master")
    _git(staging, "config", "core.autocrlf", "false")
    _git(staging, "config", "gc.auto", "0")
    _git(staging, "add", "-A", "-f", ".")
    _git(staging, "commit", "-q", "--no-verify", "-m", f"baseline: {tarball.name}", env=_BASELINE_ENV)
    _git(staging, "tag", BASELINE_TAG)
    if tree.exists():
        # An empty submodule slot (possibly holding only a .git file) is replaced.
        shutil.rmtree(tree)
    staging.rename(tree)
    info = tree_info(tree)
    assert info is not None
    echo(f"tree: {tree} at baseline {info.baseline[:12]} (Linux {info.version})")
    return info


def reset_tree(tree: Path) -> None:
    """Return an initialised tree to its baseline, discarding all changes."""
    if not tree_info(tree):
        raise UserError("not an initialised pgtool tree (run 'pgtool tree init')", path=str(tree))
    _git(tree, "checkout", "-q", "-f", "-B", "master", BASELINE_TAG)
    _git(tree, "clean", "-q", "-fdx")
    shutil.rmtree(tree / ".pc", ignore_errors=True)


@click.group("tree")
def tree_cmd() -> None:
    """Prepare the kernel tree under work (linux-src/)."""


@tree_cmd.command("init")
@click.option("--tree", "tree", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to put the tree (default: linux-src/ or $PGTOOL_TREE).")
@click.option("--tarball", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_TARBALL,
              show_default=True, help="Kernel source tarball to unpack.")
def init_cmd(tree: Path | None, tarball: Path) -> None:
    """Fill the tree from Debian's linux-source tarball, with a baseline commit."""
    info = init_tree(tree or default_tree(), tarball, echo=lambda m: click.echo(m, err=True))
    click.echo(f"{info.path}: Linux {info.version}, baseline {info.baseline[:12]}")


@tree_cmd.command("reset")
@click.option("--tree", "tree", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--yes", is_flag=True, help="Really discard every change in the tree.")
def reset_cmd(tree: Path | None, yes: bool) -> None:
    """Discard all changes: back to the baseline commit."""
    tree = tree or default_tree()
    if not yes:
        raise UserError("reset discards every change in the tree; pass --yes to confirm", path=str(tree))
    reset_tree(tree)
    click.echo(f"{tree}: reset to {BASELINE_TAG}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(tree_cmd())
