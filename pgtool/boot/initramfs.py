"""The userspace of the smoke boot: a static i386 init in a newc cpio.

The init is `init.c`, shipped in the package and compiled with the same
toolchain as the kernel (freestanding: no i386 libc is needed). The archive is
written here in the kernel's newc format with a `/dev/console` character
device node, which needs no root (the node only exists inside the archive),
so it works for any tree and no kernel tool has to be built first. It is
passed with QEMU's -initrd, so changing the kernel never rebuilds it and
changing it never rebuilds the kernel.
"""

from __future__ import annotations

import hashlib
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pgtool.boot.toolchain import Toolchain
from pgtool.errors import InfraError

INIT_SOURCE = Path(__file__).resolve().parent / "init.c"
MARKER = "PGTOOL-BOOT-OK:"  # printed by init.c once userspace runs
INIT_CFLAGS = ["-Os", "-static", "-nostdlib", "-ffreestanding", "-fno-pie", "-no-pie",
               "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-march=i686", "-s"]


@dataclass(frozen=True)
class Entry:
    """One cpio member: a directory, a character device or a regular file."""
    name: str
    mode: int
    data: bytes = b""
    rdev: tuple[int, int] = (0, 0)


def _pad4(n: int) -> bytes:
    return b"\0" * (-n % 4)


def newc(entries: list[Entry]) -> bytes:
    """A newc ("070701") archive, as the kernel's initramfs unpacker reads it."""
    out = bytearray()
    for ino, entry in enumerate([*entries, Entry("TRAILER!!!", 0)], start=1):
        name = entry.name.encode() + b"\0"
        fields = (ino, entry.mode, 0, 0, 2 if stat.S_ISDIR(entry.mode) else 1, 0, len(entry.data),
                  0, 0, entry.rdev[0], entry.rdev[1], len(name), 0)
        header = b"070701" + b"".join(b"%08X" % value for value in fields)
        out += header + name + _pad4(len(header) + len(name))
        out += entry.data + _pad4(len(entry.data))
    return bytes(out)


def compile_init(toolchain: Toolchain, dest: Path) -> Path:
    argv = [*toolchain.cc_argv(), *INIT_CFLAGS, "-o", str(dest), str(INIT_SOURCE)]
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode:
        first = (proc.stderr.strip().splitlines() or ["no output"])[0]
        raise InfraError(f"cannot compile the boot init with {toolchain.cc}: {first}", path=str(INIT_SOURCE))
    return dest


def make_initramfs(toolchain: Toolchain, cache: Path) -> Path:
    """Build (once per init source and compiler) and return the initrd cpio."""
    key = hashlib.sha256(INIT_SOURCE.read_bytes() + toolchain.version.encode() + b"\0".join(
        arg.encode() for arg in INIT_CFLAGS)).hexdigest()[:12]
    folder = cache / "initramfs" / key
    archive = folder / "initramfs.cpio"
    if archive.is_file():
        return archive
    folder.mkdir(parents=True, exist_ok=True)
    init = compile_init(toolchain, folder / "init")
    entries = [
        Entry("dev", stat.S_IFDIR | 0o755),
        Entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)),
        Entry("root", stat.S_IFDIR | 0o700),
        Entry("init", stat.S_IFREG | 0o755, init.read_bytes()),
    ]
    tmp = archive.with_suffix(".tmp")
    tmp.write_bytes(newc(entries))
    tmp.replace(archive)
    return archive
