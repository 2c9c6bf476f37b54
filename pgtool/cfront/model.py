"""The front-end's typed results: what a C file declares and defines.

These dataclasses are the contract with the analyses (lint-locks, flag
checks): every line number is a line of the ORIGINAL file, whatever the
preprocessing and token rewrites did in between.
"""

from __future__ import annotations

import pickle
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
    # Added beyond the contract: True for a definition found only in a branch
    # of #if that the configuration does not take (read with #if negated).
    alt_branch: bool = False

    # Pickling (cache files, process pool) keeps the AST as bytes, decoded on
    # first access: a warm run or `pgtool parse --stats` never pays for ASTs
    # it does not look at.
    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        blob = state.pop("_ast_blob", None)
        if "ast" in state:
            ast = state.pop("ast")
            if blob is None:
                blob = pickle.dumps(ast, protocol=pickle.HIGHEST_PROTOCOL)
                self.__dict__["_ast_blob"] = blob
        state["_ast_blob"] = blob
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str):
        if name == "ast":
            blob = self.__dict__.get("_ast_blob")
            if blob is not None:
                ast = pickle.loads(blob)
                self.__dict__["ast"] = ast
                return ast
        raise AttributeError(name)


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
    # Added beyond the contract: sparse annotations on prototypes (a header's
    # `void lock_page(struct page *) __acquires(...);`), by function name.
    prototype_annotations: dict[str, list[Annotation]] = field(default_factory=dict)


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
    # Every definition found, parsed or not: (name, start line, end line, parsed).
    spans: list[tuple[str, int, int, bool]] = field(default_factory=list)
    seconds: float = 0.0  # wall time parse_file spent on this file
    cpu_seconds: float = 0.0  # CPU time, cpp included (wall time suffers on a busy machine)
