"""Which compiler builds the i386 kernel and the init, and its exact version.

Preferred: a cross compiler `i686-linux-gnu-gcc` (Debian's
gcc-i686-linux-gnu), used as CROSS_COMPILE. Fallback: the host gcc with
`-m32`, when it can really produce 32-bit code. ccache is put in front when
installed. The version string goes into the result, for reproducibility.

`required_programs()` lists every other program a run starts (make and
kbuild's host tools, the toolchain's binutils, the kernel's compressor, QEMU),
each with the Debian package that has it, so that `require()` can refuse a
run before anything is built: a missing QEMU is found in a second, not after
a two-minute build. The initramfs needs no tool (the archive is written by
pgtool itself, the init compiled by the toolchain above).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pgtool.errors import InfraError

CROSS_PREFIXES = ("i686-linux-gnu-", "i686-linux-", "i386-linux-gnu-")

# What an i386 build of a 4.x-6.x tree runs from PATH besides the C compiler
# (kbuild's host programs are built with the host gcc, the Kconfig parser
# is generated with flex and bison, timeconst.h is computed with bc), and the
# Debian package of each.
HOST_PROGRAMS = (("make", "make"), ("sh", "dash"), ("gcc", "gcc"), ("as", "binutils"), ("ld", "binutils"),
                 ("bc", "bc"), ("awk", "mawk"))
# Trees before 4.16 ship the generated Kconfig parser (`*_shipped`) instead.
PARSER_GENERATORS = (("flex", "flex"), ("bison", "bison"), ("m4", "m4"))
# The binutils kbuild calls with $(CROSS_COMPILE) in front.
BINUTILS = ("ld", "nm", "ar", "objcopy", "objdump")
# CONFIG_KERNEL_<NAME> -> the compressor of the bzImage payload and its package.
COMPRESSORS = {"GZIP": ("gzip", "gzip"), "BZIP2": ("bzip2", "bzip2"), "LZMA": ("lzma", "xz-utils"),
               "XZ": ("xz", "xz-utils"), "LZO": ("lzop", "lzop"), "LZ4": ("lz4", "lz4"),
               "ZSTD": ("zstd", "zstd")}


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

    def programs(self) -> list[tuple[str, str]]:
        """The compiler and the binutils kbuild calls, with their Debian packages."""
        if not self.cross_compile:
            return [(self.cc, "gcc"), *((tool, "binutils") for tool in BINUTILS)]
        triplet = self.cross_compile.rstrip("-")
        return [(self.cc, f"gcc-{triplet}"), *((self.cross_compile + tool, f"binutils-{triplet}") for tool in BINUTILS)]


def required_programs(toolchain: Toolchain, tree: Path, compression: str,
                      extra: tuple[tuple[str, str], ...] = ()) -> list[tuple[str, str]]:
    """Every program a build of `tree` and its boot start, as (name, Debian package)."""
    programs = [*HOST_PROGRAMS, *toolchain.programs(), *extra]
    if not (tree / "scripts" / "kconfig" / "zconf.tab.c_shipped").is_file():
        programs += PARSER_GENERATORS
    if compression in COMPRESSORS:
        programs.append(COMPRESSORS[compression])
    if toolchain.ccache:
        programs.append((toolchain.ccache, "ccache"))
    return list(dict.fromkeys(programs))


def require(programs: list[tuple[str, str]]) -> None:
    """Refuse the run, naming each missing program and its package, before anything starts."""
    missing = [(name, package) for name, package in programs if not shutil.which(name)]
    if missing:
        raise InfraError("; ".join(f"{name} not found (install Debian's {package})" for name, package in missing))


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
