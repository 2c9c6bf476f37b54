"""Totals and failure-reason tallies over parse results (CLI and benchmarks)."""

from __future__ import annotations

import re
from collections import Counter

from pgtool.cfront.model import ParsedFile

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d+\b")


def reason_class(reason: str) -> str:
    """A failure reason with its token text removed, for tallies."""
    reason = re.sub(r"^before: .*", "syntax error before a token", reason)
    return _QUOTED.sub("X", reason)


def summarize(results: list[ParsedFile], wall: float) -> dict:
    found = sum(r.found for r in results)
    parsed = sum(len(r.functions) for r in results)
    lines = sum(r.lines for r in results)
    reasons = Counter(reason_class(f.reason) for r in results for f in r.failures)
    return {
        "files": len(results),
        "lines": lines,
        "found": found,
        "parsed": parsed,
        "failed": sum(len(r.failures) for r in results),
        "parsed_pct": 100.0 * parsed / found if found else 100.0,
        "wall_s": wall,
        "lines_per_s": lines / wall if wall > 0 else 0.0,
        "reasons": reasons.most_common(),
    }
