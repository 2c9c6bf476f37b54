"""What every lint check reports: the `Finding` record, its order and fingerprint.

Generic on purpose: the lock checks and the page-flag checks (issue 5) both
produce `Finding`s, and the output formats, the diff-scoping and the tests
only ever see this type.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "note")


@dataclass(frozen=True)
class Related:
    """A second location that explains a finding (a return line, a lock call)."""

    file: str
    line: int
    message: str


@dataclass(frozen=True)
class Finding:
    check: str                 # stable check id, e.g. "inconsistent-exit"
    severity: str              # "error" | "warning" | "note"
    file: str
    line: int
    col: int
    function: str
    message: str               # one line, without the function name or check id
    details: tuple[str, ...] = ()      # extra lines printed under the finding
    related: tuple[Related, ...] = ()
    subject: str = ""          # what the finding is about (lock name, flag): part of the fingerprint
    family: str = ""           # check family that produced it ("locks", "flags")

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.col, self.check, self.function, self.message)

    def fingerprint(self) -> str:
        """Identity that survives unrelated edits: no line numbers, no column.

        Used to compare the findings before and after a change: the same bug in
        the same function keeps its fingerprint when code above it moves.
        """
        basis = "\0".join((self.family, self.check, _norm_path(self.file), self.function,
                           self.subject, _strip_numbers(self.message)))
        # surrogateescape: a file name that is not UTF-8 keeps its own bytes
        return hashlib.sha1(basis.encode("utf-8", "surrogateescape")).hexdigest()[:16]

    def to_dict(self) -> dict:
        return {
            "check": self.check,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "function": self.function,
            "message": self.message,
            "details": list(self.details),
            "related": [{"file": r.file, "line": r.line, "message": r.message} for r in self.related],
            "subject": self.subject,
            "family": self.family,
            "fingerprint": self.fingerprint(),
        }


_NUMBER = re.compile(r"\b\d+\b")


def _strip_numbers(text: str) -> str:
    return _NUMBER.sub("#", text)


def _norm_path(path: str) -> str:
    # a/ b/ prefixes and ./ differ between a tree run and a patch run
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def sort_findings(findings) -> list[Finding]:
    """The one stable order used by every output format."""
    return sorted(set(findings), key=Finding.sort_key)


@dataclass
class FileFailure:
    """A chunk of a file the front-end could not parse: listed, never skipped silently."""

    file: str
    line: int
    name: str | None
    reason: str


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)      # diff mode: findings the change removes
    files: int = 0
    functions: int = 0
    lines: int = 0
    scope: str = "all"                                      # "all" or a description of the diff

    def exit_code(self) -> int:
        return 1 if any(f.severity in ("error", "warning") for f in self.findings) else 0
