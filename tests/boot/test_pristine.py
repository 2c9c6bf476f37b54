"""The pristine linux-source-6.1 tree: tinyconfig + fragment boots to the marker.

Also what needs no special kernel: a fragment Kconfig cannot satisfy, and
interrupting a build (SIGINT, SIGTERM) leaves no make or gcc behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pytest

from pgtool.boot.config import read_dotconfig
from pgtool.boot.initramfs import MARKER

from .conftest import PGTOOL, interrupt_and_check

pytestmark = pytest.mark.slow


def test_pristine_tree_boots_to_marker(kernel_tree, boot_cache, tmp_path):
    keep = tmp_path / "kept"
    out = tmp_path / "result.json"
    proc = subprocess.run([*PGTOOL, "boot-check", "--tree", str(kernel_tree), "--json", str(out),
                           "--keep", str(keep), "--timeout", "120"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(out.read_text())
    assert (result["verdict"], result["class"], result["exit_code"]) == ("pass", "", 0)
    assert result["headline"].startswith(MARKER) and "Linux 6.1." in result["headline"]
    assert result["compiler"].startswith("i686-linux-gnu-gcc")
    assert result["timings"]["boot_to_marker"] > 0
    assert "build:" in proc.stderr and "boot: marker after" in proc.stderr   # progress on stderr
    assert proc.stdout.startswith("boot-check: PASS")
    # Every requested option reached the final .config.
    final = read_dotconfig(keep / "config")
    for option in ("CONFIG_PRINTK", "CONFIG_BUG", "CONFIG_SERIAL_8250_CONSOLE", "CONFIG_BLK_DEV_INITRD",
                   "CONFIG_BINFMT_ELF", "CONFIG_DEVTMPFS", "CONFIG_PVPANIC_PCI"):
        assert final.get(option) == "y", option
    assert final["CONFIG_PANIC_TIMEOUT"] == "-1"
    assert MARKER in (keep / "console.log").read_text()
    # The kept reproducer boots the kept kernel by itself.
    command = (keep / "qemu-cmd").read_text().strip()
    assert str(keep / "bzImage") in command and str(keep / "initramfs.cpio") in command
    rerun = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0 and MARKER in rerun.stdout
    # The source tree stayed clean: the build is out of tree.
    assert not (kernel_tree / ".config").exists()
    status = subprocess.run(["git", "-C", str(kernel_tree), "status", "--porcelain", "--ignored",
                             "--", "init", "mm", "kernel", "arch/x86", "usr"],
                            capture_output=True, text=True, check=True).stdout
    assert status == ""


def test_dropped_option_is_named(kernel_tree, boot_cache, tmp_path):
    frag = tmp_path / "kasan.config"
    # KASAN needs HAVE_ARCH_KASAN, which i386 lacks: Kconfig drops it silently.
    frag.write_text("CONFIG_DEBUG_KERNEL=y\nCONFIG_KASAN=y\n")
    proc = subprocess.run([*PGTOOL, "boot-check", "--tree", str(kernel_tree), "--config", str(frag)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("pgtool: error: ") and f"{frag}:2: CONFIG_KASAN=y requested" in last
    assert "CONFIG_DEBUG_KERNEL" not in last


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_during_build_leaves_no_process(kernel_tree, tmp_path, sig):
    cache = tmp_path / "cache"   # cold: a long build is certain to be running
    interrupt_and_check(["boot-check", "--tree", str(kernel_tree)],
                        lambda line: line.startswith("build: [") and " CC " in line,
                        str(cache), sig, env={**os.environ, "PGTOOL_CACHE": str(cache)})


def test_missing_qemu_is_an_error_not_a_kernel_failure(kernel_tree, boot_cache, tmp_path, monkeypatch, capsys):
    from pgtool.boot import qemu
    from pgtool.cli import main

    monkeypatch.setattr(qemu, "QEMU", "qemu-system-i386-not-installed")
    out = tmp_path / "result.json"
    with pytest.raises(SystemExit) as exit_:
        main(["boot-check", "--tree", str(kernel_tree), "--json", str(out), "-q"])
    assert exit_.value.code == 2
    assert json.loads(out.read_text())["verdict"] == "error"
    err = capsys.readouterr().err
    assert err.strip() == "pgtool: error: qemu-system-i386-not-installed not found (install Debian's qemu-system-x86)"
