"""A small C tokenizer for cpp output, keeping each token's original line.

gcc's line markers (`# 42 "file.c"`) map every token of the preprocessed text
back to the line of the original file; tokens from any other file (the
prelude, the command line) are dropped.
"""

from __future__ import annotations

import re

# Token kinds: I identifier, N number, S string, C char, P punctuator, O other.
_TOKEN_RE = re.compile(
    r"""
    (?P<nl>\n)
  | (?P<ws>[ \t\r\f\v]+)
  | (?P<dir>(?<![^\n])[ \t]*\#[^\n]*)
  | (?P<cm>/\*.*?\*/|//[^\n]*)
  | (?P<S>(?:u8|[LuU])?"(?:[^"\\\n]|\\.)*")
  | (?P<C>(?:[LuU])?'(?:[^'\\\n]|\\.)*')
  | (?P<I>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<N>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*)
  | (?P<P>\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-*/%&^|+]=|\#\#|[-+*/%&|^!~<>=?:;,.(){}\[\]\#])
  | (?P<O>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_LINE_MARKER = re.compile(r'[ \t]*#[ \t]*(?:line[ \t]+)?(\d+)(?:[ \t]+"((?:[^"\\]|\\.)*)")?')


class Tok:
    """One token: kind (I N S C P O), text, original line and column."""

    __slots__ = ("k", "v", "ln", "col")

    def __init__(self, k: str, v: str, ln: int, col: int = 0):
        self.k = k
        self.v = v
        self.ln = ln
        self.col = col

    def __repr__(self) -> str:
        return f"Tok({self.k}:{self.v!r}@{self.ln})"


def tokenize(text: str, main_file: str | None = None, keep_comments: bool = False) -> list[Tok]:
    """Tokens of `text`; with `main_file`, line markers select and renumber lines.

    `main_file` is the file name as it appears in the markers; tokens from
    other files are skipped. Without it the text is taken as the file itself.
    """
    out: list[Tok] = []
    append = out.append
    line = 1
    line_start = 0
    keep = True
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "nl":
            line += 1
            line_start = m.end()
            continue
        if kind == "ws":
            continue
        if kind == "dir":
            marker = _LINE_MARKER.match(m.group())
            if marker and main_file is not None:
                # The marker names the line of the NEXT line of text.
                line = int(marker.group(1)) - 1
                if marker.group(2) is not None:
                    keep = marker.group(2) == main_file
            continue
        if kind == "cm":
            newlines = m.group().count("\n")
            if newlines:
                line += newlines
                line_start = m.start() + m.group().rfind("\n") + 1
            continue
        if keep:
            append(Tok(kind, m.group(), line, m.start() - line_start + 1))
    return out


def blank_lines(cpp_out: str, spans: list[tuple[int, int]]) -> str:
    """cpp output with the lines of the original file inside `spans` emptied.

    A second reading of a file only looks for definitions the first one did
    not find: blanking those already found (whole lines, so the line count
    and markers stay) saves tokenizing them again.
    """
    if not spans:
        return cpp_out
    covered = bytearray(max(end for _, end in spans) + 2)
    for start, end in spans:
        covered[start : end + 1] = b"\x01" * (end - start + 1)
    limit = len(covered)
    lines = cpp_out.split("\n")
    line = 1
    for k, text in enumerate(lines):
        if text.startswith("#"):
            marker = _LINE_MARKER.match(text)
            if marker:
                line = int(marker.group(1))
                continue
        if line < limit and covered[line]:
            lines[k] = ""
        line += 1
    return "\n".join(lines)
