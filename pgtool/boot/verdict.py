"""The verdict of a boot, from its console log and how the run ended.

The patterns are data (`rules/console.toml`); the first console line that
matches one decides the class, so the root report wins over its consequences
(an oops before the "Kernel panic - not syncing: Fatal exception" it causes).
`pass` needs the init's marker and no report; infrastructure trouble (QEMU
missing or dying without a word) is `error`, never a kernel failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pgtool.errors import UserError
from pgtool.rules import load_rules
from pgtool.rules import rules_dir as find_rules_dir

PASS, FAIL, ERROR = "pass", "fail", "error"
EXIT_CODES = {PASS: 0, FAIL: 1, ERROR: 2}

_TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\](\[\s*[TC]\d+\])?\s?")


@dataclass(frozen=True)
class Pattern:
    cls: str
    regex: re.Pattern
    title: str


@dataclass(frozen=True)
class Report:
    """A console line that matched a pattern."""
    pattern: Pattern
    line_no: int     # 1-based, in the console log
    text: str        # the line without its timestamp


@dataclass(frozen=True)
class Verdict:
    verdict: str     # pass | fail | error
    cls: str         # "" for pass; a pattern class, build-error, hang, no-console, ...
    headline: str
    excerpt: str = ""
    line_no: int | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.verdict]


def strip_timestamp(line: str) -> str:
    return _TIMESTAMP.sub("", line.rstrip("\r\n"))


class ConsoleRules:
    """The patterns of rules/console.toml, compiled."""

    def __init__(self, data: dict, source: str = "console.toml"):
        # Valid TOML of the wrong shape (a string where a table is expected, a
        # missing key, a bad regex) is the rule file's error, named as such.
        try:
            settings = data.get("settings", {})
            self.settle_seconds = float(settings.get("settle_seconds", 3))
            self.max_excerpt_lines = int(settings.get("max_excerpt_lines", 60))
            self.end_of_report = re.compile(settings.get("end_of_report", r"---\[ end "))
            self.ignore = [re.compile(p) for p in settings.get("ignore", [])]
            self.patterns = [
                Pattern(entry["class"], re.compile(entry["regex"]), entry.get("title", entry["class"]))
                for entry in data.get("pattern", [])
            ]
        except KeyError as exc:
            raise UserError(f"bad console pattern: missing key {exc}", path=source) from None
        except (TypeError, AttributeError, ValueError, re.error) as exc:
            raise UserError(f"bad console pattern: {exc}", path=source) from None
        if not self.patterns:
            raise UserError("no [[pattern]] entries", path=source)

    @classmethod
    def load(cls, rules_dir: str | Path | None = None) -> "ConsoleRules":
        return cls(load_rules("console", rules_dir), str(find_rules_dir(rules_dir) / "console.toml"))

    def match(self, line: str, line_no: int = 0) -> Report | None:
        text = strip_timestamp(line)
        if any(rx.search(text) for rx in self.ignore):
            return None
        for pattern in self.patterns:
            if pattern.regex.search(text):
                return Report(pattern, line_no, text)
        return None

    def first_report(self, lines: list[str]) -> Report | None:
        for number, line in enumerate(lines, 1):
            report = self.match(line, number)
            if report:
                return report
        return None

    def excerpt(self, lines: list[str], report: Report, marker: str) -> str:
        """The report and its call trace: from a preceding "cut here" to the end marker."""
        start = report.line_no - 1
        for back in range(start - 1, max(-1, start - 4), -1):
            if "[ cut here ]" in lines[back] or re.match(r"^\s*(\[[^\]]*\]\s*)*=+\s*$", lines[back]):
                start = back
                break
        out = []
        for line in lines[start:start + self.max_excerpt_lines]:
            if marker in line and out:
                break
            out.append(line.rstrip("\r\n"))
            if self.end_of_report.search(line):
                break
        return "\n".join(out)


def classify(lines: list[str], rules: ConsoleRules, marker: str, *, ended: str,
             guest_panicked: bool = False, infra: str | None = None) -> Verdict:
    """Decide pass/fail/error.

    `ended` is how the run stopped: "exited" (QEMU quit by itself), "timeout",
    "no-output" (the watchdog), "settled" (stopped after a report).
    """
    if infra:
        return Verdict(ERROR, "infrastructure", infra)
    report = rules.first_report(lines)
    if report:
        return Verdict(FAIL, report.pattern.cls, report.text,
                       rules.excerpt(lines, report, marker), report.line_no)
    if guest_panicked:
        return Verdict(FAIL, "panic", "QEMU's pvpanic device reported a guest panic (no panic text on the console)",
                       "\n".join(line.rstrip() for line in lines[-20:]))
    if any(marker in line for line in lines):
        return Verdict(PASS, "", next(strip_timestamp(l) for l in lines if marker in l))
    tail = "\n".join(line.rstrip() for line in lines[-20:])
    printed = [strip_timestamp(line) for line in lines if line.strip()]
    if not printed:
        return Verdict(FAIL, "no-console", f"the kernel printed nothing on the serial console ({ended})")
    if ended in ("timeout", "no-output"):
        why = "before the timeout" if ended == "timeout" else "and the console went silent"
        return Verdict(FAIL, "hang", f"no marker from init {why}; last line: {printed[-1]}", tail)
    return Verdict(FAIL, "unexpected-reboot",
                   f"the machine stopped before init printed the marker; last line: {printed[-1]}", tail)
