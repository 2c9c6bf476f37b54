"""Output formats: compiler-style text, JSON, and SARIF 2.1.0 validated
against the OASIS schema (errata01, kept in tests/lint/data: no network)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from pgtool.lint.findings import FileFailure, Finding, LintResult, Related, sort_findings
from pgtool.lint.output import render_json, render_sarif, render_text
from pgtool.lint.run import Settings, analyse_text

CASES = Path(__file__).parent / "cases"


@pytest.fixture(scope="module")
def result() -> LintResult:
    out = LintResult()
    for case in sorted(CASES.glob("*.c")):
        r = analyse_text(str(case), case.read_text(), Settings())
        out.findings.extend(r.findings)
        out.functions += r.functions
    out.failures.append(FileFailure("x.c", 3, "broken", "unbalanced braces"))
    out.files = 10
    return out


def sarif_schema() -> dict:
    return json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def test_sarif_validates_against_schema(result):
    doc = json.loads(render_sarif(result))
    schema = sarif_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    res = doc["runs"][0]["results"]
    assert len(res) == len(result.findings) + 1
    ids = {r["ruleId"] for r in res}
    assert {"inconsistent-exit", "double-lock", "double-unlock", "irqsave-mismatch", "parse-failure"} <= ids
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for r in res:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_schema_rejects_a_broken_document(result):
    """The schema check is a real check: a result without a message fails it."""
    doc = json.loads(render_sarif(result))
    del doc["runs"][0]["results"][0]["message"]
    schema = sarif_schema()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validators.validator_for(schema)(schema).validate(doc)


def test_text_is_compiler_shaped(result):
    text = render_text(result)
    heads = [ln for ln in text.splitlines() if not ln.startswith("    ")]
    shape = re.compile(r"^\S+:\d+:\d+: (warning|note|error): (\w+: )?.+ \[[a-z-]+\]$")
    assert heads and all(shape.match(h) for h in heads), [h for h in heads if not shape.match(h)]
    assert "x.c:3:1: note: function 'broken' not analysed: unbalanced braces [parse-failure]" in text


def test_json_round_trip(result):
    doc = json.loads(render_json(result))
    assert len(doc["findings"]) == len(result.findings)
    first = doc["findings"][0]
    assert set(first) >= {"check", "severity", "file", "line", "col", "function", "message", "details",
                          "related", "fingerprint"}
    assert doc["not_parsed"][0]["name"] == "broken"


def test_fingerprint_ignores_line_moves_and_order_is_stable():
    a = Finding("double-lock", "warning", "a.c", 10, 2, "f", "'x' acquired by spin_lock() at line 9",
                subject="x", family="locks")
    b = Finding("double-lock", "warning", "a.c", 30, 5, "f", "'x' acquired by spin_lock() at line 29",
                subject="x", family="locks")
    c = Finding("double-lock", "warning", "a.c", 30, 5, "g", "'x' acquired by spin_lock() at line 29",
                subject="x", family="locks")
    assert a.fingerprint() == b.fingerprint() != c.fingerprint()
    assert sort_findings([c, b, a]) == [a, b, c]
    with pytest.raises(ValueError):
        Finding("x", "fatal", "a.c", 1, 1, "f", "m")
    assert Related("a.c", 1, "m").line == 1
