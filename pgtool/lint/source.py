"""Where the lint gets its parsed functions: the C front-end (`pgtool.cfront`).

`parse_text` is the single call site of the front-end, so the lint does not
depend on its internals. When `pgtool.cfront` is not importable (it is built
in parallel), plain C that stock pycparser accepts is still parsed, with
comments and preprocessor lines blanked (line numbers kept), so the lint and
its hand-written cases keep working; kernel files need the real front-end.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from pycparser import c_ast

sys.setrecursionlimit(max(sys.getrecursionlimit(), 100000))


@dataclass(frozen=True)
class _Annotation:
    kind: str
    expr: str
    line: int


@dataclass
class _Function:
    name: str
    file: str
    start_line: int
    end_line: int
    ast: c_ast.FuncDef
    annotations: list = field(default_factory=list)
    cleanup_vars: dict = field(default_factory=dict)
    static: bool = False


@dataclass
class _Failure:
    file: str
    line: int
    name: str | None
    reason: str


@dataclass
class _Decls:
    defines: dict = field(default_factory=dict)
    macros: dict = field(default_factory=dict)
    enums: dict = field(default_factory=dict)
    lock_defs: list = field(default_factory=list)
    macro_invocations: list = field(default_factory=list)


@dataclass
class _Parsed:
    path: str
    functions: list
    failures: list
    decls: _Decls
    lines: int


def have_frontend() -> bool:
    try:
        from pgtool.cfront import parse_file  # noqa: F401
    except ImportError:
        return False
    return True


def parse_text(path: str, text: str):
    """Parse one file's text into the front-end's `ParsedFile` shape."""
    if have_frontend():
        from pgtool.cfront import parse_file
        return parse_file(path, text=text)
    return _plain_parse(path, text)


_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
_ANNOT = re.compile(r"__(acquires|releases|must_hold)\s*\(([^)]*)\)")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _plain_parse(path: str, text: str) -> _Parsed:
    from pycparser import CParser
    from pycparser.c_parser import ParseError

    body = _COMMENT.sub(_blank, text)
    body = "\n".join("" if ln.lstrip().startswith("#") else ln for ln in body.split("\n"))
    annots: list[tuple[str, str, int]] = []
    for m in _ANNOT.finditer(body):
        annots.append((m.group(1), m.group(2).strip(), body.count("\n", 0, m.start()) + 1))
    body = _ANNOT.sub(_blank, body)
    nlines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        ast = CParser().parse(body, path)
    except ParseError as exc:
        m = re.match(r".*?:(\d+):", str(exc))
        return _Parsed(path, [], [_Failure(path, int(m.group(1)) if m else 1, None, str(exc))],
                       _Decls(), nlines)
    funcs = [n for n in ast.ext if isinstance(n, c_ast.FuncDef)]
    starts = [f.decl.coord.line for f in funcs] + [nlines + 1]
    out = []
    lines = text.split("\n")
    for i, f in enumerate(funcs):
        end = starts[i + 1] - 1
        while end > starts[i] and not lines[end - 1].rstrip().endswith("}"):
            end -= 1
        anns = [_Annotation(k, e, ln) for k, e, ln in annots if starts[i] - 1 <= ln <= starts[i] + 1]
        out.append(_Function(f.decl.name, path, starts[i], end, f, anns, {}, "static" in (f.decl.storage or [])))
    return _Parsed(path, out, [], _Decls(), nlines)
