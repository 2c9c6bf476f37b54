"""Render a `LintResult` as compiler-style text, JSON or SARIF 2.1.0.

Text is what an editor's quickfix and a human read:
`file:line:col: warning: func: message [check-id]` plus indented detail lines.
JSON and SARIF are for CI; SARIF follows the OASIS 2.1.0 schema (a test
validates it against the OASIS schema kept in tests/lint/data).

Every format is valid UTF-8 whatever the file names are: a byte of a name
that is not UTF-8 is shown as a backslash escape (`mm/caf\\xe9.c`,
`pgtool.printable`), and a SARIF artifact URI percent-encodes the name's
bytes (`mm/caf%E9.c`), which is how a URI carries them.
"""

from __future__ import annotations

import json
import os
from typing import Iterable
from urllib.parse import quote

from pgtool import __version__
from pgtool.lint.findings import Finding, LintResult, sort_findings
from pgtool.printable import printable, printable_data

FORMATS = ("text", "json", "sarif")

# One-line descriptions of the check ids, for SARIF rules and `--help`;
# families add theirs with register_rule_help().
RULE_HELP: dict[str, str] = {}


def register_rule_help(check: str, text: str) -> None:
    RULE_HELP.setdefault(check, text)


def format_finding(f: Finding) -> str:
    head = f"{f.file}:{f.line}:{f.col}: {f.severity}: "
    if f.function:
        head += f"{f.function}: "
    lines = [f"{head}{f.message} [{f.check}]"]
    lines.extend(f"    {d}" for d in f.details)
    return "\n".join(lines)


def render_text(result: LintResult) -> str:
    out: list[str] = []
    for fail in sorted(result.failures, key=lambda x: (x.file, x.line)):
        what = f"function '{fail.name}'" if fail.name else "code"
        out.append(f"{fail.file}:{fail.line}:1: note: {what} not analysed: {fail.reason} [parse-failure]")
    for f in sort_findings(result.findings):
        out.append(format_finding(f))
    if result.fixed:
        out.append(f"fixed by this change ({len(result.fixed)}):")
        for f in sort_findings(result.fixed):
            out.append("  " + format_finding(f).replace("\n", "\n  "))
    return printable("\n".join(out) + ("\n" if out else ""))


def summary_line(result: LintResult) -> str:
    counts: dict[str, int] = {}
    for f in result.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    parts = [f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in sorted(counts.items())] or ["no findings"]
    text = (f"{result.files} file(s), {result.functions} function(s), {result.lines} lines: "
            + ", ".join(parts))
    if result.failures:
        text += f"; {len(result.failures)} chunk(s) not parsed"
    if result.fixed:
        text += f"; {len(result.fixed)} fixed"
    return text


def render_json(result: LintResult) -> str:
    doc = {
        "tool": "pgtool lint-locks",
        "version": __version__,
        "scope": result.scope,
        "files": result.files,
        "functions": result.functions,
        "lines": result.lines,
        "findings": [f.to_dict() for f in sort_findings(result.findings)],
        "fixed": [f.to_dict() for f in sort_findings(result.fixed)],
        "not_parsed": [
            {"file": x.file, "line": x.line, "name": x.name, "reason": x.reason}
            for x in sorted(result.failures, key=lambda x: (x.file, x.line))
        ],
    }
    return json.dumps(printable_data(doc), indent=2) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def _location(file: str, line: int, col: int | None = None, message: str | None = None) -> dict:
    region: dict = {"startLine": max(1, line)}
    if col:
        region["startColumn"] = max(1, col)
    loc: dict = {"physicalLocation": {"artifactLocation": {"uri": _uri(file)}, "region": region}}
    if message:
        loc["message"] = {"text": message}
    return loc


def _uri(file: str) -> str:
    """A file name as a URI reference: its bytes, percent-encoded where a URI path needs it."""
    return quote(os.fsencode(file), safe="/!$&'()*+,;=:@")


def _rule_ids(findings: Iterable[Finding]) -> list[str]:
    return sorted({f.check for f in findings} | {"parse-failure"})


def render_sarif(result: LintResult) -> str:
    findings = sort_findings(result.findings)
    rule_ids = _rule_ids(findings)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = [
        {"id": rid, "shortDescription": {"text": RULE_HELP.get(rid, rid)}}
        for rid in rule_ids
    ]
    results = []
    for f in findings:
        text = f"{f.function}: {f.message}" if f.function else f.message
        if f.details:
            text += "\n" + "\n".join(f.details)
        res: dict = {
            "ruleId": f.check,
            "ruleIndex": index[f.check],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": text},
            "locations": [_location(f.file, f.line, f.col)],
            "partialFingerprints": {"pgtoolFingerprint/v1": f.fingerprint()},
        }
        if f.related:
            res["relatedLocations"] = [
                dict(_location(r.file, r.line, None, r.message), id=i)
                for i, r in enumerate(f.related)
            ]
        results.append(res)
    for fail in result.failures:
        results.append({
            "ruleId": "parse-failure",
            "ruleIndex": index["parse-failure"],
            "level": "note",
            "message": {"text": f"{fail.name or 'code'} not analysed: {fail.reason}"},
            "locations": [_location(fail.file, fail.line)],
        })
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pgtool",
                "version": __version__,
                "informationUri": "https://www.kernel.org/doc/html/latest/",
                "rules": rules,
            }},
            "results": results,
        }],
    }
    return json.dumps(printable_data(doc), indent=2) + "\n"


def render(result: LintResult, fmt: str) -> str:
    if fmt == "text":
        return render_text(result)
    if fmt == "json":
        return render_json(result)
    if fmt == "sarif":
        return render_sarif(result)
    raise ValueError(f"unknown format {fmt!r}")
