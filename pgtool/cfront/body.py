"""Statement-level rewrites inside a function body (header macros left as calls).

Loop-head macros become `for (; NAME(args); )`, statement macros written
without `;` get one, type arguments of calls are wrapped in `sizeof(...)`,
statement expressions are parenthesised so they are legal anywhere, and
old-style designators and macro struct members are made standard.
"""

from __future__ import annotations

from pgtool.cfront.hints import MacroHints
from pgtool.cfront.normalize import C_KEYWORDS, TYPE_KEYWORDS, match_close, top_level_end
from pgtool.cfront.tokens import Tok

_CTRL = frozenset(("if", "while", "for", "switch"))
_EXPR_CONT = frozenset("; , = ( [ : ) ] . -> ? + - * / % & | ^ < > ! ~ == != <= >= && || << >> ++ --".split()) | frozenset(
    ("+=", "-=", "*=", "/=", "|=", "&=", "^=", "%=", "<<=", ">>=")
)
_TYPE_START = TYPE_KEYWORDS | frozenset(("const", "volatile"))


def _syn(v: str, at: Tok, k: str = "P") -> Tok:
    return Tok(k, v, at.ln, at.col)


def is_type_arg(toks: list[Tok], i: int, typedefs, hints: MacroHints) -> bool:
    t = toks[i]
    if t.k != "I":
        return False
    if t.v in _TYPE_START:
        return True
    if t.v in typedefs or hints.is_typedef_name(t.v):
        nxt = toks[i + 1].v if i + 1 < len(toks) else ")"
        return nxt in ("*", ",", ")") or nxt in _TYPE_START
    return False


def rewrite_body(toks: list[Tok], start: int, hints: MacroHints, typedefs: set[str]) -> list[Tok]:
    """Rewrite toks[start:] (the body from its `{`); returns the new tokens."""
    out: list[Tok] = []
    emit = out.append
    stack: list[str] = []  # block, do, init, struct, call, ctrl, paren, sexpr, bracket
    after_close: dict[int, list[Tok]] = {}  # index of `)` -> tokens to emit after it
    stmt_arg_end: dict[int, int] = {}  # index ending a statement argument -> index of its last token
    stmt_start_after: set[int] = set()  # `)` indexes after which a statement starts
    last_closed = ""  # kind of the last bracket closed
    stmt_first = ""  # first token of the current statement
    do_next = False
    member_n = 0
    n = len(toks)
    i = start
    while i < n:
        if i in stmt_arg_end:
            # close the statement argument opened by _open_statement_arg
            at = toks[stmt_arg_end.pop(i)]
            out.extend((_syn(";", at), _syn("}", at), _syn(")", at), _syn(")", at)))
            while stack and stack[-1] != "argsexpr":
                stack.pop()
            if stack:
                stack.pop()
            last_closed = "sexpr"
        t = toks[i]
        v = t.v
        top = stack[-1] if stack else ""
        prev = out[-1] if out else None
        pv = prev.v if prev is not None else ""
        in_block = top in ("block", "do")
        stmt_start = in_block and (
            pv in (";", "{", "else", "do")
            or (pv == "}" and last_closed in ("block", "do"))
            or (pv == ":" and (stmt_first in ("case", "default") or stmt_first == "label"))
            or (pv == ")" and last_closed == "ctrlstmt")
        )
        if stmt_start:
            stmt_first = v
        if t.k == "I":
            nxt = toks[i + 1] if i + 1 < n else None
            if v == "offsetof" and i + 3 < n and nxt.v == "(" and toks[i + 2].k == "I" and toks[i + 3].v == ",":
                typedefs.add(toks[i + 2].v)  # `offsetof(SMU7_Header, f)`: a type, whatever its name
            if stmt_start and nxt is not None and nxt.v == ":" and v not in C_KEYWORDS and (i + 2 >= n or toks[i + 2].v != ":"):
                stmt_first = "label"
            if (
                nxt is not None and nxt.v == "(" and v not in C_KEYWORDS and v not in typedefs
                and v not in hints.typedefs
            ):
                j = match_close(toks, i + 1)
                after = toks[j + 1] if j + 1 < n else None
                if pv == "}" and last_closed == "do" and v != "while":
                    # `do { } while_each_thread(g, t);`
                    emit(_syn("while", t, "I"))
                    emit(_syn("(", t))
                    after_close[j] = [_syn(")", toks[j])]
                elif stmt_start and after is not None:
                    if after.v == "{" or (hints.is_loop(v) and (after.v not in _EXPR_CONT or after.ln > toks[j].ln)):
                        emit(_syn("for", t, "I"))
                        emit(_syn("(", t))
                        emit(_syn(";", t))
                        after_close[j] = [_syn(";", toks[j]), _syn(")", toks[j])]
                        stmt_start_after.add(j)
                    elif after.v == "}" or (after.v not in _EXPR_CONT and after.ln > toks[j].ln):
                        after_close[j] = [_syn(";", toks[j])]
                    elif after.v == "=" and j + 2 < n and toks[j + 2].v == "{" and toks[i + 2].k == "I" and j > i + 2:
                        # `DECLARE_BITMAP(map, N) = { 0 };`: a declarator macro with an
                        # initialiser declares its first argument.
                        emit(_syn("int", t, "I"))
                        emit(toks[i + 2])
                        i = j + 1
                        continue
                elif pv == "static" and len(out) > 1 and out[-2].v in (";", "{", "}") and after is not None and after.v == ";":
                    # `static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 10);` in a body: a call-like declaration.
                    out.pop()
            if top == "struct" and pv in ("{", ";") and nxt is not None and nxt.v == "(" and v not in C_KEYWORDS:
                j = match_close(toks, i + 1)
                if j + 1 < n and toks[j + 1].v == ";":
                    # DECLARE_BITMAP(x, N); as a member: keep the struct parseable.
                    member_n += 1
                    emit(_syn("int", t, "I"))
                    emit(_syn(f"__macro_member_{member_n}", t, "I"))
                    i = j + 1
                    continue
            if (
                top == "call" and nxt is not None and nxt.v == "(" and prev is not None and prev.k == "I"
                and pv not in C_KEYWORDS and v not in C_KEYWORDS
            ):
                # `f(addr ___ARCH_SI_IA64(imm, flags, isr))`: a macro that adds
                # arguments on some architectures only.
                i = match_close(toks, i + 1) + 1
                continue
            if v == "do":
                do_next = True
            emit(t)
            i += 1
            continue
        if t.k != "P":
            emit(t)
            i += 1
            continue
        if v == "(":
            if pv in _CTRL and prev.k == "I":
                kind = "ctrl"
            elif i + 1 < n and toks[i + 1].v == "{":
                kind = "sexpr"
                emit(t)  # `({ ... })` -> `(({ ... }))`: legal in every position
            elif (
                prev is not None and prev.k == "I" and pv not in C_KEYWORDS and pv not in typedefs
                and pv not in hints.typedefs
                # `extern void early_init(void);` in a body declares, it does not call
                and not (len(out) > 1 and (out[-2].v in TYPE_KEYWORDS or out[-2].v in typedefs or out[-2].v in hints.typedefs))
            ):
                kind = "call"
            else:
                kind = "paren"
            stack.append(kind)
            emit(t)
            i += 1
            if kind == "call":
                i = _maybe_type_arg(toks, i, out, typedefs, hints)
                _open_statement_arg(toks, i, out, stack, stmt_arg_end)
            continue
        if v == "," and top == "call":
            if i + 1 < n and toks[i + 1].v == ")":
                i += 1  # a trailing comma in a macro call
                continue
            emit(t)
            i = _maybe_type_arg(toks, i + 1, out, typedefs, hints)
            _open_statement_arg(toks, i, out, stack, stmt_arg_end)
            continue
        if v == ")":
            kind = stack.pop() if stack else ""
            emit(t)
            if kind == "sexpr":
                emit(_syn(")", t))
            last_closed = "ctrlstmt" if kind == "ctrl" else kind
            if i in after_close:
                out.extend(after_close.pop(i))
            if i in stmt_start_after:
                last_closed = "ctrlstmt"
            i += 1
            continue
        if v == "{":
            if do_next:
                kind = "do"
            elif pv in ("=", "]") or (top == "init" and pv in ("{", ",")) or (pv == ")" and last_closed == "paren"):
                kind = "init"
            elif (prev is not None and prev.k == "I" and pv not in C_KEYWORDS and len(out) > 1 and out[-2].v in ("struct", "union", "enum")) or pv in ("struct", "union", "enum"):
                kind = "enum" if "enum" in (pv, out[-2].v if len(out) > 1 else "") else "struct"
            else:
                kind = "block"
            do_next = False
            stack.append(kind)
            emit(t)
            i += 1
            if kind == "init" and i < n and toks[i].v == "}":
                emit(_syn("0", t, "N"))  # `(struct s){ }` is not C
            continue
        if v == "}":
            kind = stack.pop() if stack else ""
            last_closed = kind
            emit(t)
            i += 1
            continue
        if v == "[":
            stack.append("bracket")
        elif v == "]":
            if stack:
                stack.pop()
        elif v == ":" and top == "init" and prev is not None and prev.k == "I" and len(out) > 1 and out[-2].v in ("{", ","):
            # Old GNU designator `{ field: value }` -> `{ .field = value }`.
            out.insert(len(out) - 1, _syn(".", prev))
            emit(_syn("=", t))
            i += 1
            continue
        emit(t)
        i += 1
    return out


_STMT_KEYWORDS = frozenset(("return", "if", "goto", "break", "continue", "while", "for", "switch", "do"))


def _open_statement_arg(toks: list[Tok], i: int, out: list[Tok], stack: list[str], ends: dict[int, int]) -> None:
    """`PP_ASSERT_WITH_CODE(c, "msg", return -1)`: a statement passed to a macro
    becomes a statement expression, so its return/goto/break stays in the AST."""
    if i >= len(toks) or toks[i].k != "I" or toks[i].v not in _STMT_KEYWORDS:
        return
    j = top_level_end(toks, i)
    if j >= len(toks) or j == i:
        return
    at = toks[i]
    out.extend((_syn("(", at), _syn("(", at), _syn("{", at)))
    stack.append("argsexpr")
    stack.append("block")
    ends[j] = j - 1


def _maybe_type_arg(toks: list[Tok], i: int, out: list[Tok], typedefs, hints: MacroHints) -> int:
    """At a call argument's start: `container_of(p, struct x, m)` -> `sizeof(struct x)`."""
    if i + 2 < len(toks) and toks[i].v == "." and toks[i + 1].k == "I" and toks[i + 2].v == "=":
        return i + 3  # `LIBBPF_OPTS(opts, o, .flags = 1)`: keep the value only
    if i >= len(toks) or not is_type_arg(toks, i, typedefs, hints):
        return i
    j = top_level_end(toks, i)
    at = toks[i]
    out.append(_syn("sizeof", at, "I"))
    out.append(_syn("(", at))
    out.extend(toks[i:j])
    out.append(_syn(")", at))
    return j
