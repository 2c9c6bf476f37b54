"""Which compiler builds the i386 kernel and the init, and its exact version.

Preferred: a cross compiler `i686-linux-gnu-gcc` (Debian's
gcc-i686-linux-gnu), used as CROSS_COMPILE. Fallback: the host gcc with
`-m32`, when it can really produce 32-bit code. ccache is put in front when
installed. The version string goes into the result, for reproducibility.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from pgtool.errors import InfraError

CROSS_PREFIXES = ("i686-linux-gnu-", "i686-linux-", "i386-linux-gnu-")


@dataclass(frozen=True)
class Toolchain:
    cross_compile: str          # "" for the host gcc with -m32
    cc: str                     # the C compiler command, e.g. "i686-linux-gnu-gcc"
    version: str                # first line of `cc --version`
    m32: bool = False           # host gcc producing i386 code
    ccache: str | None = None   # path of ccache, when used

    def make_vars(self) -> list[str]:
        """Variables for the kernel's make command line."""
        out = [f"CROSS_COMPILE={self.cross_compile}"] if self.cross_compile else []
        if self.ccache:
            out.append(f"CC={self.ccache} {self.cc}")
        return out

    def cc_argv(self) -> list[str]:
        """argv prefix to compile userspace code (the init) for i386."""
        return [self.cc, "-m32"] if self.m32 else [self.cc]


def _version(cc: str) -> str:
    proc = subprocess.run([cc, "--version"], capture_output=True, text=True)
    return proc.stdout.splitlines()[0].strip() if proc.returncode == 0 and proc.stdout else ""


def _host_m32_works(cc: str) -> bool:
    # Compile and link a freestanding 32-bit object: no i386 libc needed.
    proc = subprocess.run(
        [cc, "-m32", "-x", "c", "-nostdlib", "-static", "-ffreestanding", "-o", os.devnull, "-"],
        input="void _start(void){for(;;);}\n", capture_output=True, text=True,
    )
    return proc.returncode == 0


def find_toolchain(prefer: str | None = None) -> Toolchain:
    """The toolchain to use; `prefer` (or $PGTOOL_CROSS_COMPILE) forces a prefix."""
    tried: list[str] = []
    prefixes = [p for p in (prefer, os.environ.get("PGTOOL_CROSS_COMPILE")) if p] or list(CROSS_PREFIXES)
    ccache = shutil.which("ccache") if os.environ.get("PGTOOL_NO_CCACHE") is None else None
    for prefix in prefixes:
        cc = prefix + "gcc"
        tried.append(cc)
        if shutil.which(cc):
            return Toolchain(prefix, cc, _version(cc), ccache=ccache)
    host = shutil.which("gcc")
    if host and _host_m32_works(host):
        return Toolchain("", "gcc", _version(host), m32=True, ccache=ccache)
    raise InfraError(
        f"no i386 compiler: none of {', '.join(tried)} found and host gcc cannot -m32 "
        "(install Debian's gcc-i686-linux-gnu)"
    )
