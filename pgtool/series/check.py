"""`pgtool check`: push a series, lint what each patch changes, boot the result.

One pass per patch: push it with the apply engine, then lint its files
before (the push's backups) against after (the tree), so each finding is
pinned to the patch that introduced it; then one build and boot of the whole
series. The patches pushed here are popped again at the end (unless
--keep-applied), leaving the tree as it was found.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import click

from pgtool import treefs
from pgtool.errors import PgtoolError, UserError
from pgtool.lint.findings import Finding
from pgtool.printable import printable, printable_data
from pgtool.series import ops
from pgtool.series.cli import resolve, series_option, tree_option
from pgtool.series.queue import Stack
from pgtool.tree import kernel_version

Progress = Callable[[str], None]
LINT_FAMILIES = ("locks", "flags")


@dataclass
class PatchCheck:
    name: str
    subject: str
    applied: str                      # applied | failed | already-applied | not-reached
    repairs: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)   # functions the lint could not read
    error: str | None = None


@dataclass
class CheckReport:
    tree: str
    kernel: str
    series: str
    patches: list[PatchCheck]
    boot: object | None = None        # pgtool.boot.check.BootResult
    boot_error: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def apply_ok(self) -> bool:
        return all(p.applied == "applied" for p in self.patches)

    @property
    def lint_ok(self) -> bool:
        return not any(f.severity in ("error", "warning") for p in self.patches for f in p.new)

    @property
    def boot_ok(self) -> bool:
        return self.boot is None or self.boot.verdict == "pass"

    @property
    def exit_code(self) -> int:
        if self.boot_error or (self.boot is not None and self.boot.verdict == "error"):
            return 2
        return 0 if self.apply_ok and self.lint_ok and self.boot_ok and not self.boot_skipped_for_failure else 1

    @property
    def boot_skipped_for_failure(self) -> bool:
        return self.boot is None and not self.apply_ok

    def to_json(self) -> dict:
        return {
            "tree": self.tree,
            "kernel": self.kernel,
            "series": self.series,
            "exit_code": self.exit_code,
            "patches": [{
                "name": p.name, "subject": p.subject, "applied": p.applied, "repairs": p.repairs,
                "files": p.files, "error": p.error, "unparsed": p.unparsed,
                "new_findings": [f.to_dict() for f in p.new],
                "fixed_findings": [f.to_dict() for f in p.fixed],
            } for p in self.patches],
            "boot": self.boot.to_json() if self.boot is not None else None,
            "boot_error": self.boot_error,
            "seconds": self.seconds,
        }


def _lint_patch(tree: Path, stack: Stack, name: str, patch_text: str) -> tuple[list[Finding], list[Finding], list[str]]:
    """Findings the top patch `name` introduces and fixes, from its backups."""
    from pgtool.lint.run import Settings
    from pgtool.lint.scope import FileChange, changed_ranges, lint_change

    changes = []
    with treefs.Tree(tree) as t:  # the backups and the tree, read without following a link
        for backup in stack.complete_backups(name):
            rel = backup.rel
            if not rel.endswith(".c") or backup.link:
                continue
            # quilt's backup of a file the patch creates is empty
            old = backup.data.decode("utf-8", "surrogateescape") if backup.data is not None else None
            data = t.read(rel)
            new = data.decode("utf-8", "surrogateescape") if data is not None else None
            old_ranges, new_ranges = changed_ranges(old or "", new or "")
            changes.append(FileChange(rel, old, new, old_ranges, new_ranges))
    if not changes:
        return [], [], []
    result = lint_change(changes, Settings(families=LINT_FAMILIES, patch_text=patch_text, tree=str(tree)))
    unparsed = [f"{x.file}:{x.line}: {x.name or '?'}: {x.reason}" for x in result.failures]
    return result.findings, result.fixed, unparsed


def run_check(tree: Path, series, *, boot: bool = True, config: str = "tiny", timeout: float = 120.0,
              keep_applied: bool = False, keep: Path | None = None,
              progress: Progress = lambda m: None) -> CheckReport:
    stack = Stack(tree)
    report = CheckReport(str(tree), kernel_version(tree), str(series.path), [])
    todo = ops.unapplied(series, stack)
    if not todo:
        raise UserError("nothing to check: every patch of the series is already applied", path=str(series.path))
    pushed: list[str] = []
    t0 = time.monotonic()
    try:
        for entry in todo:
            progress(f"push {entry.name}")
            outcome = ops.push(tree, series, 1)
            if outcome.failed:
                res = outcome.failed.result
                report.patches.append(PatchCheck(entry.name, res.subject, res.status,
                                                 [r.what for r in res.repairs], outcome.failed.files,
                                                 error=res.error or "does not apply"))
                break
            done = outcome.pushed[0]
            pushed.append(done.name)
            check = PatchCheck(done.name, done.result.subject, "applied",
                               [f"line {r.line}: {r.what}" for r in done.result.repairs], done.files)
            progress(f"lint {done.name}")
            check.new, check.fixed, check.unparsed = _lint_patch(tree, stack, done.name, done.result.fixed_text)
            report.patches.append(check)
        for entry in todo[len(report.patches):]:
            report.patches.append(PatchCheck(entry.name, "", "not-reached"))
        report.seconds["apply_and_lint"] = round(time.monotonic() - t0, 2)
        if boot and report.apply_ok:
            from pgtool.boot.check import boot_check
            t1 = time.monotonic()
            try:
                report.boot = boot_check(tree, config, timeout=timeout, keep=keep, progress=progress)
            except PgtoolError as exc:
                report.boot_error = exc.one_line()
            report.seconds["boot"] = round(time.monotonic() - t1, 2)
    finally:
        if pushed and not keep_applied:
            progress(f"pop {len(pushed)} patch(es)")
            ops.pop(tree, len(pushed))
    return report


def summary_lines(report: CheckReport) -> list[str]:
    out = [f"pgtool check: {report.tree} (Linux {report.kernel or '?'}), series {report.series}", ""]
    width = max([len(p.name) for p in report.patches] + [5])
    out.append(f"  {'#':>2}  {'patch':<{width}}  {'apply':<28}  lint")
    for i, p in enumerate(report.patches, 1):
        if p.applied == "applied":
            n = len(p.repairs)
            apply = f"applied, {n} repair{'s' if n != 1 else ''}" if n else "applied"
        else:
            apply = p.applied
        lint = "-" if p.applied != "applied" else f"{len(p.new)} new, {len(p.fixed)} fixed"
        out.append(f"  {i:>2}  {p.name:<{width}}  {apply:<28}  {lint}")
    out.append("")
    for p in report.patches:
        if p.error:
            out.append(f"{p.name}: error: {p.error}")
        for f in p.new:
            out.append(f"{f.file}:{f.line}:{f.col}: {f.severity}: {f.function}: {f.message} [{f.check}] "
                       f"(new in {p.name})")
            out.extend(f"    {d}" for d in f.details)
        for f in p.fixed:
            out.append(f"{f.file}:{f.line}: note: fixed by {p.name}: {f.function}: {f.message} [{f.check}]")
        for u in p.unparsed:
            out.append(f"{u} (not linted: the front-end could not parse it)")
    if report.boot is not None:
        b = report.boot
        line = f"boot: {b.verdict}" + (f" ({b.cls})" if b.cls else "") + f": {b.headline}"
        out.append(line)
        t = b.timings
        out.append(f"      build {t.get('build', 0):.0f} s, boot to marker {t.get('boot_to_marker', 0):.1f} s, "
                   f"{b.compiler}; console log {b.artefacts.get('console_log', '?')}")
        if b.verdict != "pass" and b.excerpt:
            out.extend("      " + x for x in b.excerpt.splitlines()[:20])
        if b.qemu_command:
            out.append(f"      reproduce: {b.qemu_command}")
    elif report.boot_error:
        out.append(f"boot: error: {report.boot_error}")
    elif not report.apply_ok:
        out.append("boot: not run (the series does not apply)")
    else:
        out.append("boot: skipped (--no-boot)")
    verdict = {0: "PASS", 1: "FAIL", 2: "ERROR"}[report.exit_code]
    stages = []
    stages.append("apply ok" if report.apply_ok else "apply FAILED")
    stages.append("lint ok" if report.lint_ok else "lint: new findings")
    if report.boot is not None:
        stages.append(f"boot {report.boot.verdict}")
    out.append("")
    out.append(f"result: {verdict} ({', '.join(stages)})")
    return out


@click.command("check")
@tree_option
@series_option
@click.option("--config", default="tiny", show_default=True, help="Boot config: tiny, debug or a file.")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Boot timeout in seconds.")
@click.option("--no-boot", is_flag=True, help="Apply and lint only.")
@click.option("--keep-applied", is_flag=True, help="Leave the series pushed afterwards.")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Copy the boot artefacts to this folder.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report as JSON here.")
def check_cmd(tree, series_file, config, timeout, no_boot, keep_applied, keep, json_path) -> None:
    """Push the series, lint what it changes, build and boot it: one summary."""
    tree, series = resolve(tree, series_file)
    if json_path:
        # a report that cannot be written is found before the series is pushed and booted
        try:
            json_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot write the JSON report: {exc.strerror}", path=printable(str(json_path))) from None
    report = run_check(tree, series, boot=not no_boot, config=config, timeout=timeout,
                       keep_applied=keep_applied, keep=keep,
                       progress=lambda m: click.echo(f"[check] {m}", err=True))
    for line in summary_lines(report):
        click.echo(printable(line))
    if json_path:
        try:
            json_path.write_text(json.dumps(printable_data(report.to_json()), indent=2) + "\n")
        except OSError as exc:
            raise UserError(f"cannot write the JSON report: {exc.strerror}", path=printable(str(json_path))) from None
        click.echo(printable(f"report: {json_path}"))
    sys.exit(report.exit_code)
