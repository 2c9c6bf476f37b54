"""`boot_check()`: build, boot, classify; the API behind `pgtool boot-check`.

Usable from Python (the demo calls it) and from the CLI. A kernel that fails
to build or boot is a result (verdict `fail`); bad input raises UserError and
machine trouble raises InfraError, except when QEMU itself dies, which is a
result with verdict `error` so CI keeps the log.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from pgtool.boot import config as kconfig
from pgtool.boot import qemu
from pgtool.boot.build import BuildResult, build, build_dir_for, cache_root, check_tree, usable_folder
from pgtool.boot.initramfs import MARKER, make_initramfs
from pgtool.boot.proc import terminate_as_interrupt
from pgtool.boot.toolchain import find_toolchain, require, required_programs
from pgtool.boot.verdict import ERROR, FAIL, ConsoleRules, Verdict, classify
from pgtool.errors import InfraError, UserError
from pgtool.printable import printable
from pgtool.tree import kernel_version

Progress = Callable[[str], None]


@dataclass
class BootResult:
    verdict: str                  # pass | fail | error
    cls: str                      # failure class ("" on pass)
    headline: str
    excerpt: str
    tree: str
    kernel_version: str
    config: str
    compiler: str
    qemu_command: str | None      # copy-pasteable reproducer (None when the build failed)
    accel: str | None
    qemu_exit_code: int | None    # None when pgtool stopped QEMU; 1 = pvpanic saw a panic
    artefacts: dict[str, str]     # bzImage, config, build_log, console_log, initrd
    timings: dict[str, float]     # build, boot, boot_to_marker, total (seconds)
    build_steps: int
    compiled: list[str]
    notes: list[str] = field(default_factory=list)
    build_error_file: str | None = None
    build_error_line: int | None = None

    @property
    def exit_code(self) -> int:
        return {"pass": 0, "fail": 1}.get(self.verdict, 2)

    def to_json(self) -> dict:
        data = asdict(self)
        data["class"] = data.pop("cls")
        data["exit_code"] = self.exit_code
        data["compiled"] = len(self.compiled)
        return data


def boot_check(tree: str | Path, config: str = "tiny", *, timeout: float = 120.0,
               no_output: float = 60.0, keep: str | Path | None = None, append: str = "",
               accel: str = "auto", jobs: int | None = None, rules_dir: str | Path | None = None,
               progress: Progress = lambda msg: None) -> BootResult:
    """Build `tree` for i386 with `config` and boot it; never leaves make or QEMU running.

    Everything the run needs is checked before the build starts: the tree,
    the config, the console rules, every program (`toolchain.require`), the
    build folder in the cache and the --keep folder. A file system error past
    that point (a full disk, a cache folder removed under the run) is an
    InfraError naming the file, like every other machine problem.
    """
    started = time.monotonic()
    tree = Path(tree).resolve()
    spec = kconfig.resolve(config)
    rules = ConsoleRules.load(rules_dir)
    check_tree(tree)
    toolchain = find_toolchain()
    require(required_programs(toolchain, tree, kconfig.compression(tree, spec), ((qemu.QEMU, qemu.PACKAGE),)))
    usable_folder(build_dir_for(tree, spec, toolchain), "the build folder")
    usable_folder(cache_root() / "initramfs", "the initramfs cache folder")
    if keep:
        usable_folder(Path(keep), "the --keep folder", UserError)
    try:
        return _build_and_boot(tree, spec, rules, toolchain, keep=keep, timeout=timeout, no_output=no_output,
                               append=append, accel=accel, jobs=jobs, progress=progress, started=started)
    except OSError as exc:
        where = exc.filename if exc.filename is not None else tree
        raise InfraError(exc.strerror or str(exc), path=printable(os.fsdecode(where))) from None


def _build_and_boot(tree: Path, spec: kconfig.ConfigSpec, rules: ConsoleRules, toolchain, *, keep, timeout,
                    no_output, append, accel, jobs, progress, started) -> BootResult:
    with terminate_as_interrupt():
        built = build(tree, spec, toolchain, progress=progress, jobs=jobs)
        base = _base_result(tree, spec, toolchain.version, built)
        if not built.ok:
            assert built.error is not None
            base.verdict, base.cls = FAIL, "build-error"
            base.headline, base.excerpt = built.error.headline, built.error.excerpt
            base.build_error_file, base.build_error_line = built.error.file, built.error.line
            return _finish(base, keep, started)
        initrd = make_initramfs(toolchain, cache_root())
        plan = qemu.BootPlan(built.bzimage, initrd, append=append, accel=accel,
                             timeout=timeout, no_output=min(no_output, timeout))
        run = qemu.boot(plan, rules, MARKER, built.build_dir / "boot" / "console.log", cache_root(), progress)
    lines = run.console_log.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    verdict: Verdict = classify(lines, rules, MARKER, ended=run.ended,
                                guest_panicked=run.guest_panicked, infra=_qemu_failure(run, lines))
    base.verdict, base.cls, base.headline, base.excerpt = verdict.verdict, verdict.cls, verdict.headline, verdict.excerpt
    base.qemu_command, base.accel, base.qemu_exit_code = run.command, run.accel, run.exit_code
    base.artefacts.update(console_log=str(run.console_log), initrd=str(initrd))
    base.timings["boot"] = round(run.seconds, 2)
    if run.marker_seconds is not None:
        base.timings["boot_to_marker"] = round(run.marker_seconds, 2)
    base.notes += run.notes
    if run.ended in ("settled", "no-output", "timeout"):
        base.notes.append(f"QEMU stopped by pgtool ({run.ended}) after {run.seconds:.1f} s")
    return _finish(base, keep, started)


def _qemu_failure(run: qemu.QemuRun, lines: list[str]) -> str | None:
    """QEMU's own failure (crash, bad option, no KVM when forced), not the guest's."""
    died = run.ended == "exited" and run.exit_code not in (0, 1)      # 1 = pvpanic
    refused = run.exit_code == 1 and not lines and run.stderr.strip()  # nothing booted at all
    if not (died or refused):
        return None
    message = (run.stderr.strip().splitlines() or ["no message"])[-1]
    return f"{qemu.QEMU} failed (exit {run.exit_code}): {message}"


def _base_result(tree: Path, spec: kconfig.ConfigSpec, compiler: str, built: BuildResult) -> BootResult:
    artefacts = {"config": str(built.dotconfig), "build_log": str(built.log)}
    if built.bzimage:
        artefacts["bzImage"] = str(built.bzimage)
    return BootResult(ERROR, "", "", "", str(tree), kernel_version(tree), spec.name, compiler,
                      None, None, None, artefacts, {"build": round(built.seconds, 2)}, built.steps,
                      built.compiled, notes=list(built.config_warnings or []))


def _finish(result: BootResult, keep: str | Path | None, started: float) -> BootResult:
    result.timings["total"] = round(time.monotonic() - started, 2)
    if keep:
        _keep(result, Path(keep))
    return result


def _keep(result: BootResult, folder: Path) -> None:
    """Copy the artefacts to `folder` and point the result (and reproducer) at the copies."""
    folder.mkdir(parents=True, exist_ok=True)
    names = {"bzImage": "bzImage", "config": "config", "build_log": "build.log",
             "console_log": "console.log", "initrd": "initramfs.cpio"}
    for key, path in list(result.artefacts.items()):
        dest = folder / names.get(key, Path(path).name)
        shutil.copy2(path, dest)
        if result.qemu_command:
            result.qemu_command = result.qemu_command.replace(path, str(dest))
        result.artefacts[key] = str(dest)
    if result.qemu_command:
        (folder / "qemu-cmd").write_text(result.qemu_command + "\n")
        result.artefacts["qemu_cmd"] = str(folder / "qemu-cmd")
