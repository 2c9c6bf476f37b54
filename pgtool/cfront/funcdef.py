"""One function definition chunk -> pycparser FuncDef, learning typedefs on errors.

The head is made standard first (wrappers such as `__initfunc(...)` unwrapped,
`SYSCALL_DEFINEn` turned into a prototype, attribute-like words between the
type and the name dropped), the body rewritten, then the chunk is rendered
with its original line numbers and parsed. On a parse error the identifier
that caused it is taken for a typedef (or an attribute) and the parse retried
a bounded number of times, as Coccinelle does.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from pycparser import c_ast
from pycparser.c_lexer import CLexer, Token, _keyword_map
from pycparser.c_parser import CParser, Coord, ParseError, _TokenStream

from pgtool.cfront.body import rewrite_body
from pgtool.cfront.hints import MacroHints
from pgtool.cfront.normalize import C_KEYWORDS, TYPE_KEYWORDS, _split_args, match_close
from pgtool.cfront.tokens import Tok

# pycparser 3.x is recursive descent: ~120 nested parentheses at the default limit.
if sys.getrecursionlimit() < 100000:
    sys.setrecursionlimit(100000)

_STORAGE = frozenset(("static", "extern", "inline", "register", "const", "volatile", "signed", "unsigned", "restrict", "_Noreturn", "auto"))
# After these, a name is a value: `case X`, `return X`, `a == X`.
_EXPR_BEFORE = frozenset(("case", "return", "=", "==", "!=", "<", ">", "<=", ">=", "+", "-", "|", "||", "&&", "?", "[", "&", "^"))
_COORD_RE = re.compile(r"^(.*?):(\d+):(\d+): (.*)$", re.S)


class _LocatedError(ParseError):
    """A ParseError that knows the index of the token it happened at."""

    def __init__(self, msg: str, index: int | None):
        super().__init__(msg)
        self.index = index


_STRING_TYPES = {'"': "STRING_LITERAL", "L": "WSTRING_LITERAL", "u8": "U8STRING_LITERAL", "u": "U16STRING_LITERAL", "U": "U32STRING_LITERAL"}
_CHAR_TYPES = {"'": "CHAR_CONST", "L": "WCHAR_CONST", "u8": "U8CHAR_CONST", "u": "U16CHAR_CONST", "U": "U32CHAR_CONST"}
_TYPE_CACHE: dict[str, str | None] = {}
_CLASSIFIER: CLexer | None = None


def _lexed_type(text: str) -> str | None:
    """pycparser's token type for one token's text (None: not one C token)."""
    global _CLASSIFIER
    if text in _TYPE_CACHE:
        return _TYPE_CACHE[text]
    if _CLASSIFIER is None:
        _CLASSIFIER = CLexer(error_func=_raise_lex_error)
    try:
        _CLASSIFIER.input(text, "")
        tok = _CLASSIFIER.token()
        extra = _CLASSIFIER.token()
        kind = tok.type if tok is not None and extra is None and tok.value == text else None
    except ValueError:
        kind = None
    if len(_TYPE_CACHE) < 200000:
        _TYPE_CACHE[text] = kind
    return kind


def _raise_lex_error(msg, line, column):
    raise ValueError(msg)


def to_pycparser_tokens(toks: list[Tok], path: str) -> list[Token] | None:
    """Our tokens as pycparser's, with original lines and columns (None: one is not C)."""
    out: list[Token] = []
    append = out.append
    for t in toks:
        k, v = t.k, t.v
        if k == "I":
            kind = _keyword_map.get(v, "ID")
        elif k == "S":
            kind = _STRING_TYPES.get(v[: v.index('"')] or '"')
        elif k == "C":
            kind = _CHAR_TYPES.get(v[: v.index("'")] or "'")
        else:
            kind = _lexed_type(v)
        if kind is None:
            return None
        append(Token(kind, v, t.ln, t.col, path))
    return out


class _ChunkParser(CParser):
    """A CParser that starts from known typedefs and says where an error was."""

    def parse_token_list(self, toks: list[Token], filename: str, typedefs) -> c_ast.FileAST:
        self._scope_stack = [dict.fromkeys(typedefs, True)]
        self._typedef_checked_token = None
        self.clex.input("", filename)
        feed = iter(toks)
        self._tokens = _TokenStream(lambda: next(feed, None))
        self._feed = toks
        try:
            ast = self._parse_translation_unit_or_empty()
            tok = self._peek()
            if tok is not None:
                self._parse_error(f"before: {tok.value}", self._tok_coord(tok))
            return ast
        finally:
            self._feed = None

    def parse_chunk(self, text: str, filename: str, typedefs) -> c_ast.FileAST:
        self._scope_stack = [dict.fromkeys(typedefs, True)]
        self._typedef_checked_token = None
        self.clex.input(text, filename)
        self._tokens = _TokenStream(self.clex.token)
        ast = self._parse_translation_unit_or_empty()
        tok = self._peek()
        if tok is not None:
            self._parse_error(f"before: {tok.value}", self._tok_coord(tok))
        return ast

    _feed: list[Token] | None = None

    def _parse_error(self, msg, coord):
        if self._feed is not None:
            raise _LocatedError(msg, self._error_index(coord))
        if not isinstance(coord, Coord) or not coord.line:
            # 3.x reports some errors with no line: use the current token.
            buf = self._tokens._buffer
            idx = min(self._tokens._index, len(buf) - 1)
            tok = buf[idx] if idx >= 0 else None
            if tok is not None:
                coord = Coord(self.clex.filename, tok.lineno, tok.column)
        raise ParseError(f"{coord}: {msg}")


    def _error_index(self, coord) -> int | None:
        """Index in the fed tokens of the token the error is at."""
        buf = self._tokens._buffer
        here = min(self._tokens._index, len(buf) - 1)
        if here < 0:
            return None
        if not isinstance(coord, Coord) or not coord.line:
            return here if buf[here] is not None else max(here - 1, 0)
        for k in range(here, max(here - 200, -1), -1):
            tok = buf[k]
            if tok is not None and tok.lineno == coord.line and tok.column == coord.column:
                return k
        for k in range(here + 1, len(buf)):
            tok = buf[k]
            if tok is not None and tok.lineno == coord.line and tok.column == coord.column:
                return k
        return here


_PARSER: _ChunkParser | None = None


def _parser() -> _ChunkParser:
    global _PARSER
    if _PARSER is None:
        _PARSER = _ChunkParser()
    return _PARSER


@dataclass
class FuncResult:
    name: str
    static: bool
    ast: c_ast.FuncDef | None
    error: str | None
    error_line: int


def function_name(toks: list[Tok], body: int) -> tuple[int, str] | None:
    """Index and name of the declarator's identifier in the head toks[:body].

    The name is before a top-level parameter list; with several candidates
    (`SEC("x") int f(void)`, `int f(void) MACRO(x)`), the last one not right
    after a `)` wins.
    """
    depth = 0
    candidates: list[int] = []
    for k in range(body):
        t = toks[k]
        if t.k != "P":
            continue
        if t.v == "(":
            if depth == 0:
                if k + 1 < body and toks[k + 1].v == "*" and not candidates:
                    # `int (*name(args))(args)`: a function returning a pointer to function.
                    for m in range(k + 2, body):
                        if toks[m].k == "I" and m + 1 < body and toks[m + 1].v == "(":
                            return m, toks[m].v
                    return None
                if k > 0 and toks[k - 1].k == "I" and toks[k - 1].v not in C_KEYWORDS:
                    candidates.append(k - 1)
            depth += 1
        elif t.v == ")":
            depth -= 1
        elif t.v == ";" and depth == 0:
            break  # K&R parameter declarations follow
    if not candidates:
        return None
    good = [k for k in candidates if k == 0 or toks[k - 1].v != ")"]
    k = good[-1] if good else candidates[0]
    return k, toks[k].v


def normalize_head(toks: list[Tok], body: int, hints: MacroHints, typedefs: set[str]) -> tuple[list[Tok], int]:
    """Make the head standard C; returns (new head tokens, name index)."""
    head = toks[:body]
    # `__initfunc(int foo(void))` -> `int foo(void)`
    for k, t in enumerate(head):
        if t.k == "I" and t.v in hints.wrappers and k + 1 < len(head) and head[k + 1].v == "(":
            close = match_close(head, k + 1)
            head = head[:k] + head[k + 2 : close] + head[close + 1 :]
            break
    for k, t in enumerate(head):
        if t.k == "I" and k + 1 < len(head) and head[k + 1].v == "(":
            for definer in hints.definers:
                if definer.pattern.fullmatch(t.v):
                    head = head[:k] + _expand_definer(head, k, definer)
                    break
            else:
                continue
            break
    found = function_name(head, len(head))
    if found is None:
        return head, -1
    name_i, _ = found
    pre = _drop_macro_groups(head[:name_i])
    # Words between storage and name that are neither types nor keywords are
    # attribute-like macros (`__meminit`, `noinline_for_stack`).
    keep: list[Tok] = []
    type_seen = any(t.v in TYPE_KEYWORDS for t in pre)
    ids = [k for k, t in enumerate(pre) if t.k == "I" and t.v not in C_KEYWORDS and not (k > 0 and pre[k - 1].v in ("struct", "union", "enum"))]
    chosen = None
    if not type_seen and ids:
        known = [k for k in ids if k in ids and (pre[k].v in typedefs or hints.is_typedef_name(pre[k].v))]
        chosen = known[-1] if known else ids[-1]
        typedefs.add(pre[chosen].v)
    for k, t in enumerate(pre):
        if k in ids and k != chosen:
            continue
        keep.append(t)
    head = keep + _drop_param_macros(head[name_i:])
    return head, len(keep)


def _drop_param_macros(decl: list[Tok]) -> list[Tok]:
    """`void __user *addr ___ARCH_SI_IA64(int imm)` in a parameter list: drop the macro."""
    out: list[Tok] = []
    k = 0
    while k < len(decl):
        t = decl[k]
        if (
            t.k == "I" and out and out[-1].v in ("(", ",") and len(out) > 1 and k + 1 < len(decl)
            and decl[k + 1].v in (",", ")") and re.fullmatch(r"[A-Z][A-Z0-9_]*[A-Z][A-Z0-9_]*", t.v)
        ):
            # `f(PMF_STD_ARGS, u8 value)`: a macro standing for several parameters.
            out += [Tok("I", "int", t.ln, t.col), Tok("I", "__macro_params_" + t.v, t.ln, t.col)]
            k += 1
            continue
        if (
            t.k == "I" and t.v not in C_KEYWORDS and out and out[-1].k == "I" and out[-1].v not in C_KEYWORDS
            and k + 1 < len(decl) and decl[k + 1].v == "(" and len(out) > 1
        ):
            k = match_close(decl, k + 1) + 1
            continue
        out.append(t)
        k += 1
    return out


def _drop_macro_groups(pre: list[Tok]) -> list[Tok]:
    """`SEC("x") int`, `__realloc_size(2) void *`: attribute-like macro calls before the name."""
    out: list[Tok] = []
    k = 0
    while k < len(pre):
        t = pre[k]
        if t.k == "I" and t.v not in C_KEYWORDS and k + 1 < len(pre) and pre[k + 1].v == "(":
            k = match_close(pre, k + 1) + 1
            continue
        out.append(t)
        k += 1
    return out


def _expand_definer(head: list[Tok], k: int, definer) -> list[Tok]:
    """`SYSCALL_DEFINE2(name, T1, a1, T2, a2)` -> `long sys_name(T1 a1, T2 a2)`."""
    close = match_close(head, k + 1)
    args = _split_args(head, k + 1, close)
    at = head[k]
    if not args or not args[0]:
        return head[k:]

    def mk(k: str, v: str) -> Tok:
        return Tok(k, v, at.ln, at.col)

    out = [mk("I", w) for w in definer.ret.split()]
    out += [mk("I", definer.prefix + args[0][0].v), mk("P", "(")]
    params: list[list[Tok]] = []
    rest = args[1:]
    m = 0
    while m < len(rest):
        arg = rest[m]
        if definer.style == "decls":
            params.append(arg)
            m += 1
        elif len(arg) > 2 and arg[0].k == "I" and arg[1].v == "(" and match_close(arg, 1) == len(arg) - 1 and arg[2].k == "I":
            # `compat_arg_u64_dual(offset)`: a macro standing for a whole parameter
            params.append([mk("I", "long"), arg[2]])
            m += 1
        else:
            params.append(arg + (rest[m + 1] if m + 1 < len(rest) else []))
            m += 2
    if not params:
        out.append(mk("I", "void"))
    for n, param in enumerate(params):
        if n:
            out.append(mk("P", ","))
        out.extend(param)
    out.append(mk("P", ")"))
    return out + head[close + 1 :]


def render(toks: list[Tok], path: str) -> tuple[str, dict[tuple[int, int], int]]:
    """Source text placing each token on its original line (and column when possible)."""
    parts: list[str] = []
    where: dict[tuple[int, int], int] = {}
    qpath = path.replace("\\", "\\\\").replace('"', '\\"')
    line = toks[0].ln if toks else 1
    parts.append(f'# {line} "{qpath}"\n')
    col = 1
    for idx, t in enumerate(toks):
        if t.ln > line:
            if t.ln - line < 8:
                parts.append("\n" * (t.ln - line))
            else:
                parts.append(f'\n# {t.ln} "{qpath}"\n')
            line = t.ln
            col = 1
        if t.col > col:
            parts.append(" " * (t.col - col))
            col = t.col
        elif idx:
            parts.append(" ")
            col += 1
        where.setdefault((line, col), idx)
        parts.append(t.v)
        col += len(t.v)
    parts.append("\n")
    return "".join(parts), where


def parse_function(toks: list[Tok], body: int, path: str, hints: MacroHints, typedefs: set[str], max_retries: int) -> FuncResult:
    local = set(typedefs)
    deleted: set[int] = set()  # id() of tokens found to be attribute-like
    head, name_i = normalize_head(toks, body, hints, local)
    name = head[name_i].v if name_i >= 0 else "?"
    static = any(t.v == "static" for t in head[: max(name_i, 0)])
    if name_i < 0:
        return FuncResult(name, static, None, "no function name in the definition head", toks[0].ln)
    error, error_line = "", toks[0].ln
    for _ in range(max_retries + 1):
        work = [t for t in head if id(t) not in deleted]
        full = work + rewrite_body(toks, body, hints, local)
        full = [t for t in full if id(t) not in deleted]
        seeds = local | _pattern_typedefs(full, local, hints)
        fed = to_pycparser_tokens(full, path)
        try:
            if fed is not None:
                ast = _parser().parse_token_list(fed, path, seeds)
            else:  # a token pycparser would lex differently: go through its lexer
                text, where = render(full, path)
                ast = _parser().parse_chunk(text, path, seeds)
        except _LocatedError as exc:
            error, error_line, fix = _diagnose_at(str(exc), exc.index, full, local)
            if fix is None:
                break
            action, tok = fix
            if action == "typedef":
                local.add(tok.v)
            else:
                deleted.add(id(tok))
            continue
        except ParseError as exc:
            error, error_line, fix = _diagnose(str(exc), full, where, local, hints)
            if fix is None:
                break
            action, tok = fix
            if action == "typedef":
                local.add(tok.v)
            else:
                deleted.add(id(tok))
            continue
        except Exception as exc:  # pycparser's own failure on odd input: one function lost, reported
            return FuncResult(name, static, None, f"parser failure: {type(exc).__name__}: {exc}", toks[0].ln)
        funcs = [e for e in ast.ext if isinstance(e, c_ast.FuncDef)]
        if not funcs:
            return FuncResult(name, static, None, "parsed, but not as a function definition", toks[0].ln)
        typedefs.update(local - typedefs)
        return FuncResult(funcs[0].decl.name or name, static, funcs[0], None, 0)
    return FuncResult(name, static, None, error, error_line)


def _pattern_typedefs(toks: list[Tok], local: set[str], hints: MacroHints) -> set[str]:
    """Coccinelle's rule (`.*_t` is a typedef), except for names used as calls (`min_t(...)`)."""
    found: set[str] = set()
    called: set[str] = set()
    for k, t in enumerate(toks):
        if t.k == "I" and t.v not in local and hints.is_typedef_name(t.v):
            if t.v in hints.typedefs:
                found.add(t.v)
            elif (k + 1 < len(toks) and toks[k + 1].v in ("(", ":", ";")) or (k and toks[k - 1].v in _EXPR_BEFORE):
                called.add(t.v)  # `min_t(...)`, `case foo_t:`, `x == foo_t`: not a type here
            else:
                found.add(t.v)
    return found - called


def _diagnose(msg: str, toks: list[Tok], where, local: set[str], hints: MacroHints):
    """(reason, line, fix): fix is ("typedef"|"delete", token) or None."""
    m = _COORD_RE.match(msg)
    if not m:
        return msg, toks[0].ln if toks else 0, None
    line, col, reason = int(m.group(2)), int(m.group(3)), m.group(4)
    return _diagnose_at(reason, where.get((line, col)), toks, local, line)


def _diagnose_at(reason: str, e: int | None, toks: list[Tok], local: set[str], line: int | None = None):
    """(reason, line, fix) for an error at toks[e]."""
    if e is None or e >= len(toks):
        return reason, line or (toks[-1].ln if toks else 0), None
    line = toks[e].ln
    if "previously declared" in reason:
        return reason, line, None

    def unknown(k: int) -> bool:
        if k < 0 or k >= len(toks):
            return False
        t = toks[k]
        return (
            t.k == "I" and t.v not in C_KEYWORDS and t.v not in local
            and not (k > 0 and toks[k - 1].v in ("struct", "union", "enum", ".", "->", "goto"))
        )

    def is_type(k: int) -> bool:
        return k >= 0 and toks[k].k == "I" and (toks[k].v in TYPE_KEYWORDS or toks[k].v in local or toks[k].v in _STORAGE)

    fix = None
    if unknown(e - 1) and is_type(e - 2) and toks[e].k == "I":
        fix = ("delete", toks[e - 1])  # `int __attr name`
    elif unknown(e - 1) and (toks[e].k == "I" or toks[e].v == "*" or toks[e].v in ("const", "volatile")):
        fix = ("typedef", toks[e - 1])  # `u32 x`, `foo_t *p`
    elif e >= 3 and toks[e - 1].v == ")" and unknown(e - 2) and toks[e - 3].v == "(":
        fix = ("typedef", toks[e - 2])  # `(foo_t)x`
    elif unknown(e) and e + 1 < len(toks) and (toks[e + 1].k == "I" or toks[e + 1].v == "*"):
        fix = ("typedef", toks[e])
    elif e >= 1 and toks[e - 1].v in local and toks[e - 1].k == "I" and is_type(e - 2) and toks[e].k == "I" and toks[e - 1].v not in TYPE_KEYWORDS:
        fix = ("delete", toks[e - 1])
    else:
        for k in range(e - 1, max(e - 6, -1), -1):
            if unknown(k) and k + 1 < len(toks) and (toks[k + 1].v in ("*", ")") or toks[k + 1].k == "I"):
                if k > 0 and toks[k - 1].v in ("(", ",", "{", ";"):
                    fix = ("typedef", toks[k])
                    break
    text = toks[e].v if e < len(toks) else ""
    return reason if text in reason else f"{reason} (at {text!r})", line, fix
