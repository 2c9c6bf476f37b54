"""The front-end's typed results: what a C file declares and defines.

These dataclasses are the contract with the analyses (lint-locks, flag
checks): every line number is a line of the ORIGINAL file, whatever the
preprocessing and token rewrites did in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pycparser import c_ast


@dataclass(frozen=True)
class Annotation:
    """A sparse context annotation seen on a definition before it was erased."""

    kind: str  # "acquires" | "releases" | "must_hold"
    expr: str  # the argument text, e.g. "&mm->mmap_lock" or "rcu"
    line: int


@dataclass
class Function:
    name: str
    file: str  # the path as given to parse_file
    start_line: int  # 1-based, original file
    end_line: int
    ast: c_ast.FuncDef  # coord.line = original line, coord.file = Function.file
    annotations: list[Annotation]
    cleanup_vars: dict[str, str]  # local var -> cleanup function (scope-based unlock)
    static: bool


@dataclass(frozen=True)
class ParseFailure:
    """A chunk that could not be parsed: reported, never dropped silently."""

    file: str
    line: int
    name: str | None  # the function's name when the chunk is a definition
    reason: str


@dataclass
class FileDecls:
    """File-scope declarations the analyses need (flag bits, locks, accessors)."""

    defines: dict[str, tuple[str, int]] = field(default_factory=dict)
    macros: dict[str, tuple[list[str], str, int]] = field(default_factory=dict)
    enums: dict[str, list[tuple[str, str | None, int]]] = field(default_factory=dict)
    lock_defs: list[tuple[str, str, int]] = field(default_factory=list)
    macro_invocations: list[tuple[str, list[str], int]] = field(default_factory=list)


@dataclass
class ParsedFile:
    path: str
    functions: list[Function]
    failures: list[ParseFailure]
    decls: FileDecls
    lines: int
    # Added beyond the contract: definitions found (parsed + failed), and
    # problems of the preprocessing step (cpp errors) worth showing.
    found: int = 0
    notes: list[str] = field(default_factory=list)
