"""Fixtures of the boot-check tests: a private build cache, the test kernel.

Every test here uses the real cross compiler and the real QEMU. The build
cache is a fresh folder per session (a CI machine starts cold); set
PGTOOL_TEST_BOOT_CACHE to reuse one between runs while developing.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[2]
PGTOOL = [sys.executable, "-m", "pgtool"]


@pytest.fixture(scope="session")
def boot_cache(tmp_path_factory) -> Path:
    cache = Path(os.environ.get("PGTOOL_TEST_BOOT_CACHE") or tmp_path_factory.mktemp("pgtool-cache"))
    previous = os.environ.get("PGTOOL_CACHE")
    os.environ["PGTOOL_CACHE"] = str(cache)
    yield cache
    if previous is None:
        os.environ.pop("PGTOOL_CACHE", None)
    else:
        os.environ["PGTOOL_CACHE"] = previous


def _git(tree: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(tree), *args], check=True)


@pytest.fixture(scope="module")
def boot_worktree(kernel_tree: Path) -> Path:
    """A checkout of the baseline private to these tests, kept in .cache/ between sessions.

    Not the shared `kernel_worktree`: the test kernel patches files in it for
    minutes, and other sessions running at the same time reset that one. A
    file lock serialises two sessions of these tests.
    """
    path = REPO / ".cache" / "boot-worktree-6.1"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / (path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (path / ".git").exists():
            shutil.rmtree(path, ignore_errors=True)
            _git(kernel_tree, "worktree", "prune")
            _git(kernel_tree, "worktree", "add", "-q", "--detach", str(path), "baseline")
        else:
            _git(path, "checkout", "-q", "-f", "--detach", "baseline")
            _git(path, "clean", "-q", "-f", "-d")
        yield path
        _git(path, "checkout", "-q", "-f", "--detach", "baseline")
        _git(path, "clean", "-q", "-f", "-d")


@pytest.fixture(scope="module")
def test_kernel(boot_worktree: Path, boot_cache: Path) -> Path:
    """The baseline plus init/pgtool_test.c: an initcall failing as pgtool_test=<mode> asks."""
    (boot_worktree / "init" / "pgtool_test.c").write_text((DATA / "pgtool_test.c").read_text())
    with open(boot_worktree / "init" / "Makefile", "a") as makefile:
        makefile.write("obj-y += pgtool_test.o\n")
    return boot_worktree


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_pgtool(args: list[str], **kwargs) -> subprocess.Popen:
    """`pgtool ARGS` as a child that takes SIGINT like one started from a
    terminal: a test run started in the background (`make test &`) ignores
    SIGINT, and a child would inherit that and never see the signal."""
    return subprocess.Popen([*PGTOOL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_sigint, **kwargs)


def interrupt_and_check(args: list[str], started, needle: str, sig: int, *, settle: float = 0.0,
                        wait: float = 60, **kwargs) -> None:
    """Run `pgtool ARGS`, send `sig` once a stderr line satisfies `started`
    and a process mentioning `needle` runs (make, gcc, QEMU); pgtool must
    exit 130 and leave no such process behind."""
    proc = start_pgtool(args, **kwargs)
    try:
        for line in proc.stderr:
            if started(line):
                break
        else:
            pytest.fail("pgtool ended before reaching the stage to interrupt")
        deadline = time.monotonic() + 30
        while not leftover_processes(needle) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert leftover_processes(needle), "nothing was running at the time of the signal"
        time.sleep(settle)
        proc.send_signal(sig)
        proc.wait(wait)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    time.sleep(0.5)
    assert leftover_processes(needle) == []


def leftover_processes(needle: str) -> list[str]:
    """Processes whose command line or working folder mentions `needle` (make, gcc, QEMU)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if needle in cmdline or cwd.startswith(needle):
            found.append(f"{entry.name}: {cmdline.strip()[:200]} (cwd {cwd})")
    return found
