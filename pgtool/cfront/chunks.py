"""Top-level chunks: split a file's tokens into definitions and declarations.

Each function definition is parsed on its own, so one construct pycparser
cannot read costs one function, not the file. Declarations are not parsed:
what the analyses need from them (typedef names, enum members, lock
definitions, file-scope macro calls) is read from the tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgtool.cfront.hints import MacroHints
from pgtool.cfront.model import FileDecls
from pgtool.cfront.normalize import C_KEYWORDS, TYPE_KEYWORDS, _split_args, match_close, text_of
from pgtool.cfront.tokens import Tok

_NOT_STATEMENT_START = frozenset("{ ; , = ( [ : ) ] . -> ? + - * / % & | ^ < > ! ~".split()) | frozenset(
    ("==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "++", "--", "+=", "-=", "*=", "/=", "|=", "&=", "^=")
)


@dataclass
class Chunk:
    kind: str  # "func" | "decl" | "macro" | "broken"
    toks: list[Tok]
    body: int = -1  # index in toks of the body's `{` (functions)


def _is_knr_params(toks: list[Tok], open_i: int, close_i: int, hints: MacroHints) -> bool:
    """`f(a, b) int a; char *b; {`: the parameter list is bare identifiers."""
    inner = toks[open_i + 1 : close_i]
    if not inner or any(t.k != "I" and t.v != "," for t in inner):
        return False
    if any(t.v in C_KEYWORDS for t in inner):
        return False
    after = toks[close_i + 1] if close_i + 1 < len(toks) else None
    return after is not None and after.k == "I" and (
        after.v in TYPE_KEYWORDS or after.v in ("register", "const") or hints.is_typedef_name(after.v)
    ) and _declares_a_param(toks, close_i + 1, {t.v for t in inner if t.k == "I"})


def _declares_a_param(toks: list[Tok], k: int, params: set[str]) -> bool:
    """K&R: the declaration after the parameter list names one of the parameters."""
    depth = 0
    while k < len(toks):
        t = toks[k]
        if t.v in ("{", "}") and t.k == "P":
            return False
        if t.v == ";" and depth == 0:
            return False
        if t.k == "P" and t.v in "([":
            depth += 1
        elif t.k == "P" and t.v in ")]":
            depth -= 1
        elif t.k == "I" and t.v in params:
            return True
        k += 1
    return False


def split_chunks(toks: list[Tok], hints: MacroHints) -> list[Chunk]:
    chunks: list[Chunk] = []
    n = len(toks)
    start = 0
    i = 0
    while i < n:
        t = toks[i]
        if i == start:
            if t.v == ";" or (t.v == "}" and t.k == "P"):
                start = i = i + 1  # stray `;`, or a `}` left unbalanced by #if
                continue
            # A file-scope macro call with no `;`: PAGEFLAG(...) on its own line.
            if t.k == "I" and t.v not in C_KEYWORDS and i + 1 < n and toks[i + 1].v == "(" and t.v not in hints.wrappers:
                j = match_close(toks, i + 1)
                after = toks[j + 1] if j + 1 < n else None
                if after is None or (
                    after.ln > toks[j].ln
                    and after.v not in _NOT_STATEMENT_START
                    and after.v != "{"
                    and not _is_knr_params(toks, i + 1, j, hints)
                ):
                    chunks.append(Chunk("macro", toks[i : j + 1]))
                    start = i = j + 1
                    continue
        if t.k != "P":
            i += 1
            continue
        v = t.v
        if v == ";" and _knr_head(toks, start, i, hints):
            i += 1  # `f(a, b) int a; char *b; {`: the declarations belong to the head
            continue
        if v == ";":
            chunks.append(Chunk("decl", toks[start : i + 1]))
            start = i = i + 1
            continue
        if v == "{":
            j = match_close(toks, i)
            prev = toks[i - 1] if i > start else None
            is_body = prev is not None and (prev.v == ")" or (prev.v == ";" and _knr_head(toks, start, i, hints)))
            if is_body and not any(x.v == "=" and x.k == "P" for x in _depth0(toks, start, i)):
                chunks.append(Chunk("func", toks[start : j + 1], body=i - start))
                start = i = j + 1
                continue
            i = j + 1  # struct/enum/initialiser braces: the chunk goes on to `;`
            continue
        if v in "([":
            i = match_close(toks, i) + 1
            continue
        i += 1
    if start < n:
        chunks.append(Chunk("broken", toks[start:]))
    return chunks


def _depth0(toks: list[Tok], start: int, end: int):
    depth = 0
    for t in toks[start:end]:
        if t.k == "P" and t.v in "([{":
            depth += 1
        elif t.k == "P" and t.v in ")]}":
            depth -= 1
        elif depth == 0:
            yield t


def _knr_head(toks: list[Tok], start: int, end: int, hints: MacroHints | None = None) -> bool:
    """Is toks[start:end] `[type] name(a, b) decl; decl;` (a K&R definition head)?"""
    for k in range(start, end):
        if toks[k].v == "(" and toks[k].k == "P":
            close = match_close(toks, k)
            inner = toks[k + 1 : close]
            if not inner or not all((x.k == "I" and x.v not in C_KEYWORDS) or x.v == "," for x in inner):
                return False
            if close + 1 >= end:
                return False
            after = toks[close + 1]
            if not _declares_a_param(toks, close + 1, {x.v for x in inner if x.k == "I"}):
                return False
            return after.k == "I" and (
                after.v in TYPE_KEYWORDS or after.v in ("register", "const", "unsigned", "signed")
                or (hints is not None and hints.is_typedef_name(after.v))
                or (close + 2 < end and (toks[close + 2].k == "I" or toks[close + 2].v == "*"))
            )
    return False


# ---------------------------------------------------------------------------
# What declarations declare (token level, no parse)


def typedef_names(toks: list[Tok]) -> list[str]:
    """Names a `typedef ...;` chunk declares."""
    names: list[str] = []
    depth = 0
    last_id: str | None = None
    for k, t in enumerate(toks):
        if t.k == "P":
            if t.v in "([{":
                # `typedef int (*name)(...)`: the name is inside the first parens.
                if t.v == "(" and depth == 0 and k + 2 < len(toks) and toks[k + 1].v == "*" and toks[k + 2].k == "I":
                    last_id = toks[k + 2].v
                depth += 1
            elif t.v in ")]}":
                depth -= 1
            elif depth == 0 and t.v in ",;" and last_id:
                names.append(last_id)
                last_id = None
        elif t.k == "I" and depth == 0 and t.v not in C_KEYWORDS:
            last_id = t.v
    return names


def record_decl(chunk: Chunk, decls: FileDecls, typedefs: set[str], hints: MacroHints) -> None:
    toks = chunk.toks
    if not toks:
        return
    words = [t.v for t in toks[:3]]
    if chunk.kind == "macro" or (
        toks[-1].v == ";" and _macro_call_decl(toks)
    ):
        k = 1 if toks[0].v in ("static", "extern") else 0
        name = toks[k].v
        close = match_close(toks, k + 1)
        args = [text_of(a) for a in _split_args(toks, k + 1, close)]
        decls.macro_invocations.append((name, args, toks[k].ln))
        if name in hints.lock_declarators and args:
            decls.lock_defs.append((name, args[0], toks[k].ln))
        return
    if "typedef" in words or toks[0].v == "typedef":
        typedefs.update(typedef_names(toks))
    _record_enums(toks, decls)
    _record_lock_vars(toks, decls, hints)


def _macro_call_decl(toks: list[Tok]) -> bool:
    """`[static] NAME(args);` at file scope with no type: a declarator macro."""
    k = 1 if toks[0].v in ("static", "extern") else 0
    if len(toks) < k + 3 or toks[k].k != "I" or toks[k].v in C_KEYWORDS or toks[k + 1].v != "(":
        return False
    return match_close(toks, k + 1) == len(toks) - 2


def _record_enums(toks: list[Tok], decls: FileDecls) -> None:
    for k, t in enumerate(toks):
        if t.v != "enum" or t.k != "I":
            continue
        j = k + 1
        tag = ""
        if j < len(toks) and toks[j].k == "I":
            tag = toks[j].v
            j += 1
        if j >= len(toks) or toks[j].v != "{":
            continue
        close = match_close(toks, j)
        members = decls.enums.setdefault(tag, [])
        for arg in _split_args(toks, j, close):
            if not arg or arg[0].k != "I":
                continue
            value = text_of(arg[2:]) if len(arg) > 2 and arg[1].v == "=" else None
            members.append((arg[0].v, value, arg[0].ln))


def _record_lock_vars(toks: list[Tok], decls: FileDecls, hints: MacroHints) -> None:
    """`static spinlock_t foo = ...;` / `struct mutex bar;` at file scope."""
    k = 0
    while k < len(toks) and toks[k].v in ("static", "extern", "const", "volatile"):
        k += 1
    if k >= len(toks) or toks[0].v == "extern":
        return
    type_name = toks[k].v
    if type_name == "struct" and k + 1 < len(toks):
        type_name = "struct " + toks[k + 1].v
        k += 1
    if type_name not in hints.lock_types:
        return
    if k + 1 < len(toks) and toks[k + 1].k == "I":
        decls.lock_defs.append((type_name, toks[k + 1].v, toks[k + 1].ln))
