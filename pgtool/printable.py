"""File names and text as they may be shown: valid UTF-8, whatever the bytes were.

A Linux file name is bytes; Python hands a name that is not UTF-8 over as a
str holding lone surrogates (`mm/caf\\udce9.c` for the bytes `mm/caf\\xe9.c`),
which opens the file again but cannot be written to a UTF-8 stream or into
valid JSON. pgtool keeps such names as they are for opening files and turns
them into `printable()` text where they are shown: each byte that is not
UTF-8 becomes a backslash escape (`mm/caf\\xe9.c`), as `ls -b` and git's
quoted names do.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every byte that is not UTF-8 shown as a backslash escape."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def printable_data(value):
    """`printable()` applied to every string (keys included) of JSON-shaped data."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_data(v) for v in value]
    return value
