"""Child processes that never outlive pgtool: make and QEMU.

Each child gets its own process group (so a whole `make -j` tree, gcc
included, is stopped with one signal) and, on Linux, a parent-death signal
(so even a SIGKILLed pgtool does not leave QEMU running). `reap()` is called
from `finally:` blocks: SIGTERM to the group, a short grace, then SIGKILL.
SIGTERM sent to pgtool itself is turned into KeyboardInterrupt by
`terminate_as_interrupt()`, so the same `finally:` blocks run for both.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
from typing import Iterator

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Runs in the child between fork and exec.
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def spawn(argv: list[str], **kwargs) -> subprocess.Popen:
    """Start `argv` in a new process group that dies with us."""
    return subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent, **kwargs)


def reap(proc: subprocess.Popen, grace: float = 5.0) -> int:
    """Stop `proc` and everything in its process group; return its exit code."""
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
    # Grandchildren (gcc under make) may survive their parent's exit.
    _signal_group(proc, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(grace)
    return proc.returncode if proc.returncode is not None else -signal.SIGKILL


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _raise_interrupt(signum, frame):  # noqa: ARG001 - signal handler signature
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM unwinds like Ctrl-C (main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
