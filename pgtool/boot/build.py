"""Build the tree for i386 out of tree, in a cache folder keyed by tree and config.

The build folder (`$PGTOOL_CACHE/build/<tree>-<config>-<key>`, default cache
`~/.cache/pgtool`) depends only on the tree's path, the fragments and the
compiler, not on the tree's content: building again after a patch reuses the
objects, so only what the patch touched is recompiled. All make output goes
to `build.log`; progress is the count of kbuild steps against the previous
build's count; on failure the first compiler or linker error is the headline.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from pgtool.boot import config as kconfig
from pgtool.boot.proc import reap, spawn
from pgtool.boot.toolchain import Toolchain
from pgtool.errors import InfraError, PgtoolError, UserError
from pgtool.printable import printable
from pgtool.tree import kernel_version

Progress = Callable[[str], None]

MIN_VERSION = (4, 0)  # oldest tree the current gcc (12) can build for i386

# kbuild's short log: "  CC      mm/filemap.o"
_STEP = re.compile(r"^\s+([A-Z][A-Z0-9_]*(?: \[[mMU]\])?)\s+(\S+)")
# gcc and ld messages, in the order they are looked for
_COMPILER_ERROR = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)? (?:fatal )?error: (?P<msg>.*)$")
_MACRO_USE = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?:\d+:)? note: in expansion of macro .(?P<macro>\w+).")
_LINK_ERROR = re.compile(r"(?P<msg>(?:undefined reference to|multiple definition of) .*)$")
_MAKE_ERROR = re.compile(r"^make(?:\[\d+\])?: \*\*\* (?P<msg>.*)$")
_NO_SPACE = "No space left on device"


@dataclass(frozen=True)
class BuildError:
    """The first error of a failed build, with paths relative to the tree."""
    headline: str            # "mm/filemap.c:12:5: error: expected ';' ..."
    file: str | None
    line: int | None
    excerpt: str             # the log lines around it


@dataclass
class BuildResult:
    ok: bool
    build_dir: Path
    log: Path
    bzimage: Path | None
    dotconfig: Path
    steps: int               # kbuild steps run (CC, LD, ...): small for an incremental build
    compiled: list[str]      # objects compiled by CC in this run
    seconds: float
    error: BuildError | None = None
    config_warnings: list[str] | None = None


def cache_root() -> Path:
    return Path(os.environ.get("PGTOOL_CACHE") or Path.home() / ".cache" / "pgtool")


def usable_folder(folder: Path, what: str, error: type[PgtoolError] = InfraError) -> Path:
    """Create `folder` if needed and prove a file can be written in it.

    A cache folder that cannot be used (its parent is a file, it is read-only,
    the disk is full) is a machine problem: one line naming the folder,
    before anything runs, never a traceback or a kernel failure.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        hint = " (set PGTOOL_CACHE to a writable folder)" if error is InfraError else ""
        raise error(f"{what} cannot be used: {exc.strerror or exc}{hint}",
                    path=printable(str(folder))) from None
    return folder


def check_tree(tree: Path) -> str:
    """The tree's version; refuse with one line what this machine cannot build."""
    if not (tree / "Makefile").is_file():
        raise UserError("not a kernel tree (no top-level Makefile)", path=str(tree))
    version = kernel_version(tree)
    try:
        major, minor = (int(x) for x in version.split(".")[:2])
    except ValueError:
        raise UserError("not a kernel tree (no VERSION/PATCHLEVEL in the Makefile)",
                        path=str(tree / "Makefile")) from None
    if (major, minor) < MIN_VERSION:
        raise UserError(
            f"Linux {version} cannot be built here: boot-check builds Linux "
            f"{MIN_VERSION[0]}.{MIN_VERSION[1]} and later for i386 with gcc 12 "
            "(no arch/x86 tinyconfig, and old kernels do not compile with a modern gcc)",
            path=str(tree / "Makefile"), line=1)
    if not (tree / "arch" / "x86").is_dir():
        raise UserError("the tree has no arch/x86", path=str(tree))
    for leftover in (".config", "include/config/auto.conf"):
        if (tree / leftover).exists():
            raise UserError("the source tree was configured in place; an out-of-tree build needs "
                            "a clean tree ('make mrproper' in it)", path=str(tree / leftover))
    return version


def build_dir_for(tree: Path, spec: kconfig.ConfigSpec, toolchain: Toolchain) -> Path:
    key = hashlib.sha256(os.fsencode(tree.resolve()) + f"\0{spec.digest()}\0{toolchain.cc}".encode()).hexdigest()[:12]
    return cache_root() / "build" / f"{tree.resolve().name}-{spec.name}-{key}"


class _MakeRunner:
    """Runs make/merge_config with all output appended to the build log."""

    def __init__(self, tree: Path, out: Path, toolchain: Toolchain, log: Path, progress: Progress):
        self.tree, self.out, self.toolchain, self.log, self.progress = tree, out, toolchain, log, progress
        self.steps = 0
        self.compiled: list[str] = []

    def make(self, *targets: str, jobs: int = 1, expected: int = 0) -> int:
        argv = ["make", "-C", str(self.tree), f"O={self.out}", "ARCH=i386",
                *self.toolchain.make_vars(), f"-j{jobs}", *targets]
        return self.run(argv, expected)

    def run(self, argv: list[str], expected: int = 0) -> int:
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"$ {' '.join(argv)}\n")
            log.flush()
            proc = spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, text=True, errors="replace", cwd=self.out)
            try:
                last = 0.0
                for line in proc.stdout:
                    log.write(line)
                    m = _STEP.match(line)
                    if not m:
                        continue
                    self.steps += 1
                    if m.group(1) == "CC":
                        self.compiled.append(m.group(2))
                    now = time.monotonic()
                    if now - last >= 1.0:
                        last = now
                        total = f"/~{expected}" if expected > self.steps else ""
                        self.progress(f"build: [{self.steps}{total}] {m.group(1)} {m.group(2)}")
                return proc.wait()
            finally:
                reap(proc)


def _configure(run: _MakeRunner, spec: kconfig.ConfigSpec) -> None:
    """tinyconfig + fragments, skipped when the folder already holds this config."""
    stamp = run.out / ".pgtool-config"
    dotconfig = run.out / ".config"
    if dotconfig.is_file() and stamp.is_file() and stamp.read_text() == spec.digest():
        return
    run.progress(f"build: configuring {spec.name} (tinyconfig + {', '.join(f.name for f in spec.fragments)})")
    if run.make("tinyconfig"):
        raise _config_failure(run)
    merge = run.tree / "scripts" / "kconfig" / "merge_config.sh"
    if not merge.is_file():
        raise UserError("the tree has no scripts/kconfig/merge_config.sh", path=str(run.tree))
    if run.run(["sh", str(merge), "-m", "-O", str(run.out), str(dotconfig), *map(str, spec.fragments)]):
        raise _config_failure(run)
    if run.make("olddefconfig"):
        raise _config_failure(run)
    stamp.write_text(spec.digest())


def _config_failure(run: _MakeRunner) -> UserError:
    return UserError("configuring the kernel failed (see the build log)", path=str(run.log))


def first_error(log_text: str, tree: Path) -> BuildError | None:
    """The first compiler error, else linker error, else make's own complaint."""
    lines = log_text.splitlines()
    prefixes = [str(tree.resolve()) + "/", str(tree) + "/"]

    def rel(path: str) -> str:
        for prefix in prefixes:
            if path.startswith(prefix):
                return path[len(prefix):]
        return path

    for pattern in (_COMPILER_ERROR, _LINK_ERROR, _MAKE_ERROR):
        for index, line in enumerate(lines):
            m = pattern.search(line)
            if not m:
                continue
            excerpt = "\n".join(lines[max(0, index - 3): index + 6])
            if pattern is _COMPILER_ERROR:
                file, number = rel(m.group("file")), int(m.group("line"))
                col = f"{m.group('col')}:" if m.group("col") else ""
                headline = f"{file}:{number}:{col} error: {m.group('msg')}"
                # An error inside a header macro: name the use site too.
                for note in lines[index + 1: index + 12]:
                    use = _MACRO_USE.match(note)
                    if use and not use.group("file").endswith(".h"):
                        headline += f" (in macro {use.group('macro')} used at {rel(use.group('file'))}:{use.group('line')})"
                        break
                return BuildError(headline, file, number, excerpt)
            return BuildError(rel(line.strip()), None, None, excerpt)
    return None


def build(tree: Path, spec: kconfig.ConfigSpec, toolchain: Toolchain, *,
          progress: Progress = lambda msg: None, jobs: int | None = None) -> BuildResult:
    """Configure (if needed) and build bzImage; a failed compile is a result, not an exception."""
    tree = tree.resolve()
    check_tree(tree)
    out = usable_folder(build_dir_for(tree, spec, toolchain), "the build folder")
    if shutil.disk_usage(out).free < 2 * 1024**3:
        raise InfraError("less than 2 GiB free for the kernel build", path=str(out))
    log = out / "build.log"
    log.write_text("")
    runner = _MakeRunner(tree, out, toolchain, log, progress)
    start = time.monotonic()
    _configure(runner, spec)
    wanted = kconfig.requested(spec)
    mismatches = kconfig.verify(out / ".config", wanted)
    strict = [m for m in mismatches if m.option.strict]
    if strict:
        raise UserError("; ".join(m.message() for m in strict))
    steps_file = out / ".pgtool-steps"
    expected = int(steps_file.read_text()) if steps_file.is_file() else 0
    jobs = jobs or os.cpu_count() or 1
    progress(f"build: make -j{jobs} bzImage in {out}")
    code = runner.make("bzImage", jobs=jobs, expected=expected)
    seconds = time.monotonic() - start
    text = log.read_text(encoding="utf-8", errors="replace")
    if _NO_SPACE in text:
        raise InfraError("the build ran out of disk space", path=str(out))
    bzimage = out / "arch" / "x86" / "boot" / "bzImage"
    result = BuildResult(code == 0 and bzimage.is_file(), out, log, bzimage if code == 0 else None,
                         out / ".config", runner.steps, runner.compiled, seconds,
                         config_warnings=[m.message() for m in mismatches if not m.option.strict])
    if result.ok:
        if expected == 0 or runner.steps > expected:
            steps_file.write_text(str(runner.steps))
    else:
        result.error = first_error(text, tree) or BuildError(
            f"make exited with status {code} (see {log})", None, None, "\n".join(text.splitlines()[-15:]))
    return result
