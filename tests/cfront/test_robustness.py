"""Bad C never raises: truncated and spliced real code gives failures with lines, not tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from pgtool.cfront import parse_file

DATA = Path(__file__).parent / "data"
SEED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "seed-2.1.132" / "mm" / "memory.c"


@pytest.mark.parametrize("source", [DATA / "old_era.c", SEED], ids=["old_era", "seed-memory"])
def test_truncated_and_spliced_sources_never_raise(source):
    text = source.read_text()
    nlines = text.count("\n") + 1
    for cut in range(0, len(text), 533):
        for piece in (text[:cut], text[cut:], text[:cut] + text[cut + 150 :]):
            result = parse_file("cut.c", text=piece)
            assert result.found == len(result.functions) + sum(1 for f in result.failures if f.name)
            for failure in result.failures:
                assert 0 < failure.line <= nlines and failure.reason
            for fn in result.functions:
                assert 0 < fn.start_line <= fn.end_line <= nlines


def test_unbalanced_conditionals_and_cpp_errors_are_reported():
    result = parse_file("bad.c", text="#if 1\nint f(void)\n{\n\treturn 0;\n}\n#else\n")
    assert [f.name for f in result.functions] == ["f"]
    assert result.notes and "unterminated" in result.notes[0]
