"""Acceptance 2: hand-written functions, each a known locking pattern, with
their expected findings written as `/* expect: CHECK LOCK [severity] */` on the
line the finding is reported at. No expected finding may be missing, and no
unexpected one may appear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pgtool.lint.run import Settings, analyse_text

CASES = Path(__file__).parent / "cases"
EXPECT = re.compile(r"expect:\s*([a-z-]+)\s+(\S+)(?:\s+(note|warning))?\s*\*/")
FUNC = re.compile(r"^[a-z][\w\s\*]*\b(\w+)\(.*\)\s*(__acquires\(.*\))?$")


def expectations(path: Path) -> set[tuple[int, str, str, str | None]]:
    out = set()
    for n, line in enumerate(path.read_text().splitlines(), 1):
        for m in EXPECT.finditer(line):
            out.add((n, m.group(1), m.group(2), m.group(3)))
    return out


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.c"))


@pytest.mark.parametrize("case", case_files(), ids=lambda p: p.name)
def test_case_file(case: Path):
    result = analyse_text(str(case), case.read_text(), Settings(families=("locks",)))
    assert not result.failures, f"front-end could not parse: {result.failures}"
    want = expectations(case)
    got = {(f.line, f.check, f.subject, f.severity) for f in result.findings}
    missing = {w for w in want if not any(g[:3] == w[:3] and (w[3] is None or g[3] == w[3]) for g in got)}
    unexpected = {g for g in got if not any(g[:3] == w[:3] and (w[3] is None or g[3] == w[3]) for w in want)}
    shown = "\n".join(f.file + f":{f.line}: {f.check} {f.subject} ({f.severity}) {f.message}"
                      for f in result.findings)
    assert not missing and not unexpected, f"missing={sorted(missing)} unexpected={sorted(unexpected)}\n{shown}"


def test_suite_size():
    """At least 40 functions, and both clean and buggy patterns in numbers."""
    functions = 0
    buggy_lines = 0
    for case in case_files():
        result = analyse_text(str(case), case.read_text(), Settings(families=("locks",)))
        functions += result.functions
        buggy_lines += len(expectations(case))
    assert functions >= 40
    assert buggy_lines >= 20
