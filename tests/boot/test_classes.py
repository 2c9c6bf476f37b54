"""One test kernel, built once with --config debug, failing as the command line asks.

`init/pgtool_test.c` (tests/boot/data) is added to a worktree of the
baseline; `pgtool_test=<mode>` picks the failure. Then, on the same build
folder: a syntax error in mm/ is a build-error with its file and line and is
an incremental build, and so is the rebuild after touching one mm/ file.
Finally SIGINT/SIGTERM during a boot leave no QEMU behind.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from pgtool.boot.check import boot_check

from .conftest import interrupt_and_check

pytestmark = pytest.mark.slow

HANG_TIMEOUT = 25


@pytest.fixture(scope="module")
def debug_build(test_kernel, boot_cache):
    """The cold build; without pgtool_test= the kernel boots clean under lockdep."""
    result = boot_check(test_kernel, "debug", timeout=180)
    return result


def test_debug_kernel_boots_clean(debug_build):
    assert debug_build.verdict == "pass", debug_build.headline + "\n" + debug_build.excerpt
    assert "pgtool_test.o" in " ".join(debug_build.compiled)
    config = open(debug_build.artefacts["config"]).read()
    assert "CONFIG_PROVE_LOCKING=y" in config and "CONFIG_DEBUG_VM=y" in config


@pytest.mark.parametrize("mode, cls, headline", [
    ("panic", "panic", "Kernel panic - not syncing: pgtool_test: panic requested"),
    ("bug", "bug", "kernel BUG at init/pgtool_test.c:"),
    ("warn", "warning", "WARNING: CPU: 0 PID: 1 at init/pgtool_test.c:"),
    ("lockdep_double", "lockdep", "WARNING: possible recursive locking detected"),
    ("lockdep_unbalanced", "lockdep", "WARNING: bad unlock balance detected!"),
    ("oops", "oops", "BUG: kernel NULL pointer dereference"),
    # msleep() reaches schedule() without a might_sleep() check on the way.
    ("sleep_atomic", "sleep-in-atomic", "BUG: (sleeping function called from invalid context|scheduling while atomic)"),
    ("bad_page", "bad-page-state", "BUG: Bad page state"),
])
def test_failure_class(test_kernel, debug_build, mode, cls, headline):
    result = boot_check(test_kernel, "debug", timeout=120, append=f"pgtool_test={mode}")
    assert (result.verdict, result.cls, result.exit_code) == ("fail", cls, 1), result.headline
    assert re.match(headline, result.headline), result.headline
    assert result.build_steps < 10   # nothing rebuilt: only the boot differs
    if mode != "panic":
        assert "pgtool_test_init" in result.excerpt   # the call trace is shown
    if mode in ("panic", "bug", "oops"):
        assert result.qemu_exit_code == 1   # pvpanic made QEMU fail too (PANIC_ON_OOPS)


def test_hang_within_timeout(test_kernel, debug_build):
    result = boot_check(test_kernel, "debug", timeout=HANG_TIMEOUT, append="pgtool_test=hang")
    assert (result.verdict, result.cls) == ("fail", "hang"), result.headline
    assert "before the timeout" in result.headline or "soft lockup" in result.headline
    assert result.qemu_exit_code is None            # pgtool stopped QEMU
    assert result.timings["boot"] < HANG_TIMEOUT + 10
    assert "pgtool_test: mode hang" in open(result.artefacts["console_log"]).read()


# Objects kbuild recompiles on every relink (version strings, the boot image).
LINK_STAGE = ("init/version", "arch/x86/boot/")


def test_syntax_error_is_a_build_error_with_file_and_line(test_kernel, debug_build):
    filemap = test_kernel / "mm" / "filemap.c"
    original = filemap.read_text()
    lines = original.splitlines(keepends=True)
    # A file-scope definition missing its initialiser, after the last #include.
    first_body = lines.index("{\n")
    target = max(i for i, line in enumerate(lines[:first_body]) if line.startswith("#include")) + 1
    lines.insert(target, "int pgtool_broken = ;\n")
    filemap.write_text("".join(lines))
    try:
        result = boot_check(test_kernel, "debug")
    finally:
        filemap.write_text(original)
    assert (result.verdict, result.cls, result.exit_code) == ("fail", "build-error", 1), result.headline
    assert (result.build_error_file, result.build_error_line) == ("mm/filemap.c", target + 1)
    assert result.headline.startswith(f"mm/filemap.c:{target + 1}:")
    assert "error: expected expression" in result.headline and result.qemu_command is None
    assert "pgtool_broken" in result.excerpt
    assert result.compiled == ["mm/filemap.o"]      # incremental: one file recompiled


def test_touching_one_mm_file_rebuilds_incrementally(test_kernel, debug_build):
    filemap = test_kernel / "mm" / "filemap.c"
    original = filemap.read_text()
    filemap.write_text(original + "/* touched by pgtool's incremental build test */\n")
    try:
        result = boot_check(test_kernel, "debug")
    finally:
        filemap.write_text(original)
    assert result.verdict == "pass", result.headline
    assert "mm/filemap.o" in result.compiled
    others = [obj for obj in result.compiled if obj != "mm/filemap.o"]
    assert all(obj.startswith(LINK_STAGE) for obj in others), others
    # .pgtool-steps: the step count of the folder's largest (cold) build.
    full = int((Path(result.artefacts["config"]).parent / ".pgtool-steps").read_text())
    assert full > 500 and result.build_steps < full / 10


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_during_boot_leaves_no_qemu(test_kernel, debug_build, sig):
    interrupt_and_check(["boot-check", "--tree", str(test_kernel), "--config", "debug",
                         "--append", "pgtool_test=hang", "--timeout", "300"],
                        lambda line: line.startswith("boot: qemu-system-i386 ("),
                        debug_build.artefacts["bzImage"], sig, settle=1.0, wait=30)
