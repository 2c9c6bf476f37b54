"""Token rewrites that turn GNU C into the C that pycparser accepts.

One pass over the whole file's tokens. Attributes are erased, but sparse's
`__acquires`/`__releases`/`__must_hold` and `__cleanup__`/`__free` are
recorded first (by line), since lock analyses need them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pgtool.cfront.hints import MacroHints
from pgtool.cfront.tokens import Tok

C_KEYWORDS = frozenset(
    "auto break case char const continue default do double else enum extern float for goto if "
    "inline int long register restrict return short signed sizeof static struct switch typedef "
    "union unsigned void volatile while _Bool _Complex _Alignas _Alignof _Atomic _Noreturn "
    "_Static_assert _Thread_local offsetof __int128".split()
)
TYPE_KEYWORDS = frozenset(
    "void char short int long float double signed unsigned _Bool _Complex struct union enum __int128".split()
)
_C_NUMBER = re.compile(
    r"(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?|0[bB][01]+"
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[uUlLfF]*"
)
_ASM = frozenset(("asm", "__asm__", "__asm"))
_ASM_QUALIFIERS = frozenset(("volatile", "__volatile__", "__volatile", "inline", "__inline__", "goto"))
_ATTRIBUTE = frozenset(("__attribute__", "__attribute"))
# Tokens after which `&&` is unary (a label's address) rather than logical and.
_UNARY_CONTEXT = frozenset("( , = ? : { ; return [ ! ||".split()) | frozenset(("&&",))


@dataclass
class Recorded:
    """What the pass saw before erasing it, keyed by line."""

    annotations: list[tuple[int, str, str]] = field(default_factory=list)  # (line, kind, expr)
    cleanups: list[tuple[int, str, str]] = field(default_factory=list)  # (line, var, function)


def match_close(toks: list[Tok], i: int) -> int:
    """Index of the bracket closing toks[i] (or len(toks) - 1 when unbalanced)."""
    depth = 0
    n = len(toks)
    while i < n:
        v = toks[i].v
        if toks[i].k == "P":
            if v in "([{":
                depth += 1
            elif v in ")]}":
                depth -= 1
                if depth == 0:
                    return i
        i += 1
    return n - 1


def top_level_end(toks: list[Tok], i: int, stops: tuple[str, ...] = (",",)) -> int:
    """Index of the first of `stops` outside brackets from toks[i], or of the
    bracket closing the enclosing one (len(toks) when neither comes)."""
    depth = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.k == "P":
            v = t.v
            if v in "([{":
                depth += 1
            elif v in ")]}":
                if depth == 0:
                    return i
                depth -= 1
            elif depth == 0 and v in stops:
                return i
        i += 1
    return n


def split_top_level(toks: list[Tok], sep: str) -> list[list[Tok]]:
    """`toks` split at `sep` outside brackets (one empty part for no tokens)."""
    parts: list[list[Tok]] = []
    i = 0
    while True:
        j = top_level_end(toks, i, (sep,))
        parts.append(toks[i:j])
        if j >= len(toks) or toks[j].v != sep:
            return parts
        i = j + 1


def text_of(toks: list[Tok]) -> str:
    """Token text with spaces only where two words would otherwise merge."""
    out: list[str] = []
    prev = None
    for t in toks:
        if prev is not None and prev.k in "INSC" and t.k in "INSC":
            out.append(" ")
        out.append(t.v)
        prev = t
    return "".join(out)


def _last_identifier(out: list[Tok]) -> str | None:
    for t in reversed(out[-12:]):
        if t.k == "I" and t.v not in C_KEYWORDS:
            return t.v
    return None


def _split_args(toks: list[Tok], open_i: int, close_i: int) -> list[list[Tok]]:
    return split_top_level(toks[open_i + 1 : close_i], ",") if close_i > open_i + 1 else []


def _asm_replacement(toks: list[Tok], open_i: int, close_i: int, goto: bool, at: Tok) -> list[Tok]:
    """`asm [goto] (tmpl : outs : ins : clobbers : labels)` -> a call (plus goto edges)."""
    sections = split_top_level(toks[open_i + 1 : close_i], ":")

    def mk(k: str, v: str) -> Tok:
        return Tok(k, v, at.ln, at.col)

    call = [mk("I", "__asm__"), mk("P", "(")]
    call += [t for t in sections[0] if t.k == "S"] or [mk("S", '""')]
    # Operand expressions stay visible as arguments: `"=r" (x)` -> `, (x)`.
    for section in sections[1:3]:
        j = 0
        while j < len(section):
            if section[j].v == "(":
                k = match_close(section, j)
                call.append(mk("P", ","))
                call.extend(section[j : k + 1])
                j = k + 1
            else:
                j += 1
    call.append(mk("P", ")"))
    labels = [t.v for t in sections[4] if t.k == "I"] if goto and len(sections) > 4 else []
    if not labels:
        return call
    out = [mk("I", "if"), mk("P", "(")] + call + [mk("P", ")"), mk("I", "goto"), mk("I", labels[0]), mk("P", ";")]
    for label in labels[1:]:
        out += [mk("I", "else"), mk("I", "if"), mk("P", "("), mk("I", "__asm_goto"), mk("P", "("), mk("P", ")")]
        out += [mk("P", ")"), mk("I", "goto"), mk("I", label), mk("P", ";")]
    out += [mk("I", "else"), mk("P", "("), mk("I", "void"), mk("P", ")"), mk("N", "0")]
    return out


def normalize(toks: list[Tok], hints: MacroHints) -> tuple[list[Tok], Recorded]:
    rec = Recorded()
    out: list[Tok] = []
    append = out.append
    n = len(toks)
    i = 0
    kmap, kdrop = hints.keyword_map, hints.keyword_drop
    while i < n:
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < n else None
        has_args = nxt is not None and nxt.v == "(" and nxt.k == "P"
        if t.k == "I":
            v = t.v
            if v in kmap:
                append(Tok("I", kmap[v], t.ln, t.col))
                i += 1
                continue
            if v in kdrop:
                i += 1
                continue
            if v in _ATTRIBUTE and has_args:
                j = match_close(toks, i + 1)
                inner = toks[i + 1 : j]
                for k, a in enumerate(inner):
                    if a.v in ("__cleanup__", "cleanup") and k + 2 < len(inner) and inner[k + 1].v == "(":
                        var = _last_identifier(out)
                        if var:
                            rec.cleanups.append((t.ln, var, inner[k + 2].v))
                i = j + 1
                continue
            if v in hints.cleanup and has_args:
                j = match_close(toks, i + 1)
                var = _last_identifier(out)
                fn = toks[i + 2].v if i + 2 < j else ""
                if var and fn:
                    rec.cleanups.append((t.ln, var, fn))
                i = j + 1
                continue
            if v in hints.annotations and has_args:
                j = match_close(toks, i + 1)
                rec.annotations.append((t.ln, hints.annotations[v], text_of(toks[i + 2 : j])))
                i = j + 1
                continue
            if v in hints.attrs:
                i += 1
                continue
            if v in hints.attrs_with_args and has_args:
                i = match_close(toks, i + 1) + 1
                continue
            if v in hints.typeof and has_args:
                append(Tok("I", "__typeof_t", t.ln, t.col))
                i = match_close(toks, i + 1) + 1
                continue
            if v in hints.zero and has_args:
                append(Tok("N", "0", t.ln, t.col))
                i = match_close(toks, i + 1) + 1
                continue
            if v == "_Pragma" and has_args:
                i = match_close(toks, i + 1) + 1
                continue
            if v in _ASM:
                j = i + 1
                goto = False
                while j < n and toks[j].v in _ASM_QUALIFIERS:
                    goto = goto or toks[j].v == "goto"
                    j += 1
                if j < n and toks[j].v == "(":
                    close = match_close(toks, j)
                    prev = out[-1] if out else None
                    # An asm label on a declarator (`int x asm("y")`) is dropped.
                    if not (prev is not None and (prev.v in (")", "]") or (prev.k == "I" and prev.v not in C_KEYWORDS))):
                        out.extend(_asm_replacement(toks, j, close, goto, t))
                    i = close + 1
                    continue
            if v == "__label__":
                while i < n and toks[i].v != ";":
                    i += 1
                i += 1
                continue
            if v == "goto" and nxt is not None and nxt.v == "*":
                # Computed goto: a call, so the expression stays visible.
                append(Tok("I", "__computed_goto", t.ln, t.col))
                append(Tok("P", "(", t.ln, t.col))
                j = i + 2
                while j < n and toks[j].v != ";":
                    append(toks[j])
                    j += 1
                append(Tok("P", ")", t.ln, t.col))
                i = j
                continue
            if v not in C_KEYWORDS and out and out[-1].k == "S":
                # `"fmt" PRI_X "..."` or `"a" __stringify(x)`: a string macro.
                i = (match_close(toks, i + 1) + 1) if has_args else i + 1
                continue
            append(t)
            i += 1
            continue
        if t.k == "N" and not _C_NUMBER.fullmatch(t.v):
            # A pp-number that is no C number (`10baseT_Half` pasted by a macro).
            append(Tok("I", "__ppnum_" + re.sub(r"\W", "_", t.v), t.ln, t.col))
            i += 1
            continue
        if t.k == "S" and out:
            prev = out[-1]
            if prev.k == "I" and prev.v not in C_KEYWORDS and prev.v != "__asm__":
                # KERN_ERR "...", 2.x `__FUNCTION__ ": ..."` and friends
                while out and out[-1].k == "I" and out[-1].v not in C_KEYWORDS:
                    out.pop()
            elif prev.v == ")" and prev.k == "P":
                _drop_string_macro_call(out)
            append(t)
            i += 1
            continue
        if t.k == "P":
            v = t.v
            if v == "?" and nxt is not None and nxt.v == ":":
                append(t)
                append(Tok("N", "1", t.ln, t.col))
                i += 1
                continue
            if v == "..." and nxt is not None and nxt.v != ")":
                # Case range `case A ... B:` / designator `[A ... B] =`: keep A.
                i = top_level_end(toks, i + 1, (":", ",", ";"))
                continue
            if v == "&&" and nxt is not None and nxt.k == "I" and (not out or out[-1].v in _UNARY_CONTEXT):
                append(Tok("N", "0", t.ln, t.col))
                i += 2
                continue
        append(t)
        i += 1
    return out, rec


def _drop_string_macro_call(out: list[Tok]) -> None:
    """`STR(x) "..."` at an argument start: drop the macro call before a string."""
    depth = 0
    for k in range(len(out) - 1, -1, -1):
        v = out[k].v
        if v == ")":
            depth += 1
        elif v == "(":
            depth -= 1
            if depth == 0:
                if k >= 2 and out[k - 1].k == "I" and out[k - 1].v not in C_KEYWORDS and out[k - 2].v in ("(", ","):
                    del out[k - 1 :]
                return
