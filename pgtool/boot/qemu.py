"""One boot in qemu-system-i386, watched live.

The serial console is QEMU's stdout: every byte goes to the console log as it
arrives and every line is checked against the console rules, so a run ends as
soon as the answer is known (the init's reboot, a panic, or a report followed
by silence). Three clocks stop a run that never ends: the hard timeout, the
no-output watchdog, and (for a KVM attempt) the first-output deadline. QEMU is
reaped in `finally:`, also on Ctrl-C or SIGTERM.

KVM: /dev/kvm may exist and still be unusable (nested virtualisation here:
QEMU aborts or prints nothing), so `auto` tries KVM with a short first-output
deadline, falls back to TCG, and remembers a failed probe per QEMU version
and host boot.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pgtool.boot.proc import reap, spawn
from pgtool.boot.verdict import ConsoleRules
from pgtool.errors import InfraError

QEMU = "qemu-system-i386"
PACKAGE = "qemu-system-x86"   # the Debian package that has it
KVM_FIRST_OUTPUT = 8.0   # seconds a KVM boot gets to print its first byte


@dataclass
class BootPlan:
    kernel: Path
    initrd: Path
    append: str = ""              # extra kernel command-line parameters
    memory: str = "256M"
    accel: str = "auto"           # auto | kvm | tcg
    timeout: float = 120.0
    no_output: float = 60.0


@dataclass
class QemuRun:
    argv: list[str]
    accel: str
    ended: str                    # exited | timeout | no-output | settled | no-first-output
    exit_code: int | None
    seconds: float
    marker_seconds: float | None  # boot to marker
    console_log: Path
    stderr: str
    guest_panicked: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def command(self) -> str:
        return shlex.join(self.argv)


def qemu_version(qemu: str) -> tuple[int, int]:
    proc = subprocess.run([qemu, "--version"], capture_output=True, text=True)
    m = re.search(r"version (\d+)\.(\d+)", proc.stdout)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def find_qemu() -> str:
    path = shutil.which(QEMU)
    if not path:
        raise InfraError(f"{QEMU} not found (install Debian's {PACKAGE})")
    return path


def command(plan: BootPlan, qemu: str, accel: str, version: tuple[int, int]) -> list[str]:
    argv = [qemu, "-M", "pc", "-m", plan.memory, "-smp", "1", "-nodefaults", "-display", "none",
            "-no-reboot", "-serial", "stdio", "-accel", accel, "-cpu", "max",
            "-kernel", str(plan.kernel), "-initrd", str(plan.initrd),
            "-append", " ".join(filter(None, ["console=ttyS0", "panic=-1", plan.append]))]
    if version >= (7, 1):
        # A guest panic makes QEMU exit 1 instead of looking like the clean reboot.
        argv += ["-device", "pvpanic-pci", "-action", "panic=exit-failure"]
    return argv


def _kvm_usable() -> bool:
    return os.access("/dev/kvm", os.R_OK | os.W_OK)


def _probe_key(version: tuple[int, int]) -> str:
    try:
        boot_id = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot_id = "?"
    return f"{version[0]}.{version[1]}/{boot_id}"


def _kvm_known_bad(cache: Path, version: tuple[int, int]) -> bool:
    try:
        return json.loads((cache / "kvm-probe.json").read_text()).get(_probe_key(version)) is False
    except (OSError, ValueError):
        return False


def _remember_kvm(cache: Path, version: tuple[int, int], ok: bool) -> None:
    path = cache / "kvm-probe.json"
    try:
        data = json.loads(path.read_text()) if path.is_file() else {}
        data[_probe_key(version)] = ok
        path.write_text(json.dumps(data))
    except (OSError, ValueError):
        pass


def boot(plan: BootPlan, rules: ConsoleRules, marker: str, console_log: Path, cache: Path,
         progress: Callable[[str], None] = lambda msg: None) -> QemuRun:
    """Boot once; with accel auto, KVM first when it is there and known to work."""
    qemu = find_qemu()
    version = qemu_version(qemu)
    notes = []
    if plan.accel in ("auto", "kvm"):
        if plan.accel == "kvm" or (_kvm_usable() and not _kvm_known_bad(cache, version)):
            run = _run(command(plan, qemu, "kvm", version), plan, rules, marker, console_log,
                       progress, first_output=KVM_FIRST_OUTPUT if plan.accel == "auto" else None)
            silent = run.console_log.stat().st_size == 0
            if plan.accel == "kvm" or not (silent and (run.ended == "no-first-output" or run.exit_code)):
                if plan.accel == "auto":
                    _remember_kvm(cache, version, True)
                return run
            _remember_kvm(cache, version, False)
            why = run.stderr.strip().splitlines()[-1][:120] if run.stderr.strip() else "no error message"
            notes.append(f"KVM boot printed nothing ({why}); fell back to TCG")
            progress("boot: " + notes[-1])
        elif os.path.exists("/dev/kvm"):
            notes.append("KVM skipped (unusable here on an earlier probe)")
    run = _run(command(plan, qemu, "tcg", version), plan, rules, marker, console_log, progress)
    run.notes[:0] = notes
    return run


def _run(argv: list[str], plan: BootPlan, rules: ConsoleRules, marker: str, console_log: Path,
         progress: Callable[[str], None], first_output: float | None = None) -> QemuRun:
    accel = argv[argv.index("-accel") + 1]
    progress(f"boot: {QEMU} ({accel}), timeout {plan.timeout:.0f} s")
    console_log.parent.mkdir(parents=True, exist_ok=True)
    stderr_path = console_log.with_suffix(".qemu-stderr")
    start = time.monotonic()
    marker_at = None
    reported_at = None
    ended = "exited"
    with open(console_log, "wb") as log, open(stderr_path, "wb") as err:
        try:
            proc = spawn(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        except OSError as exc:
            raise InfraError(f"cannot start {QEMU}: {exc.strerror}") from None
        try:
            fd = proc.stdout.fileno()
            pending = b""
            line_no = 0
            last_output = start
            got_output = False
            while True:
                now = time.monotonic()
                if now - start >= plan.timeout:
                    ended = "timeout"
                    break
                if first_output is not None and not got_output and now - start >= first_output:
                    ended = "no-first-output"
                    break
                if now - last_output >= plan.no_output:
                    ended = "no-output"
                    break
                if reported_at is not None and now - last_output >= rules.settle_seconds:
                    ended = "settled"
                    break
                ready, _, _ = select.select([fd], [], [], 0.2)
                if not ready:
                    continue
                data = os.read(fd, 65536)
                if not data:
                    # QEMU closed the console: let it finish exiting, so reap()
                    # below does not signal it and spoil its exit status.
                    try:
                        proc.wait(10)
                    except subprocess.TimeoutExpired:
                        pass
                    break
                log.write(data)
                log.flush()
                got_output = True
                last_output = time.monotonic()
                pending += data
                *complete, pending = pending.split(b"\n")
                for raw in complete:
                    line_no += 1
                    text = raw.decode("utf-8", "replace")
                    if marker_at is None and marker in text:
                        marker_at = last_output - start
                        progress(f"boot: marker after {marker_at:.1f} s")
                    if reported_at is None and rules.match(text, line_no):
                        reported_at = last_output
                        progress(f"boot: report: {text.strip()[:100]}")
        finally:
            code = reap(proc, grace=2.0)
    seconds = time.monotonic() - start
    if ended != "exited":
        code = None
    stderr = stderr_path.read_text(errors="replace")
    return QemuRun(argv, accel, ended, code, seconds, marker_at, console_log, stderr,
                   guest_panicked=ended == "exited" and code == 1 and "pvpanic-pci" in argv)
