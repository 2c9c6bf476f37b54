"""Re-infer the whitespace of added lines that an archive stripped.

Evidence, strongest first: a removed line the added one restates (its bytes,
or its indentation and inner spacing when only a token changed); then kernel
style from the code above: one tab per brace level, a statement's
continuation aligned under its open parenthesis, the body of a brace-less
`if`/`for` one tab deeper, labels and preprocessor lines in column 0, and
tab alignment copied from the neighbouring `#define`-like line.
"""

from __future__ import annotations

import difflib
import re

from pgtool.apply.match import squeeze

TAB = "\t"
_LABEL = re.compile(r"^[A-Za-z_]\w*:\s*(/\*.*)?$")
_CONTROL = re.compile(r"^(\}\s*)?(if|for|while|switch|else\s+if)\b")
_BARE = re.compile(r"^(\}\s*)?(else|do)$")
_CONT_END = (",", "&&", "||", "+", "-", "*", "/", "?", "=", "|", "&", "(", "<", ">", "%", "^")


def lead(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _width(text: str) -> int:
    col = 0
    for ch in text:
        col = (col // 8 + 1) * 8 if ch == "\t" else col + 1
    return col


def _to_col(col: int) -> str:
    return TAB * (col // 8) + " " * (col % 8)


def _code(line: str) -> str:
    """A line without comments and string literals, for brace and paren counting."""
    line = re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'', '""', line)
    line = re.sub(r"/\*.*?\*/", "", line)
    # a comment opened here and closed on a later line is not code either
    line = re.sub(r"/\*.*$", "", line)
    return line.split("//", 1)[0]


def _skip(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("#") or bool(_LABEL.match(s)) and not s.startswith("default")


def _opener_indent(prev: list[str]) -> str:
    """Indentation of the statement whose '{' is still open: a condition
    continued over lines (`if (a &&` / `    b) {`) is where its first line is."""
    depth = 0
    for k in range(len(prev) - 1, -1, -1):
        line = prev[k]
        if line.lstrip().startswith("#"):
            continue
        for ch in reversed(_code(line)):
            if ch == "}":
                depth += 1
            elif ch == "{":
                if depth == 0:
                    return lead(prev[_opening_line(prev, k)])
                depth -= 1
    return ""


def _opener_index(prev: list[str], p: int) -> int | None:
    """Line holding the '{' that the '}' at the start of prev[p] closes."""
    depth = 0
    for k in range(p, max(-1, p - 400), -1):
        if prev[k].lstrip().startswith("#"):
            continue
        for ch in reversed(_code(prev[k])):
            if ch == "}":
                depth += 1
            elif ch == "{":
                depth -= 1
                if depth == 0:
                    return k
    return None


def _braceless_parent(prev: list[str], start: int) -> int | None:
    """Start of the brace-less control statement whose body begins at `start`."""
    q = start - 1
    while q >= 0 and _skip(prev[q]):
        q -= 1
    if q < 0:
        return None
    qs = _code(prev[q]).strip()
    qstart = _statement_start(prev, q)
    if (qs.endswith(")") and _control_like(prev[qstart])) or _BARE.match(qs):
        return qstart
    return None


def _control_like(first: str) -> bool:
    """A statement start that takes a body: if/for/while, or a loop macro
    (`list_for_each_entry(...)`) inside a function (column 0 is a definition)."""
    s = first.strip()
    return bool(_CONTROL.match(s)) or (bool(re.match(r"^\w+\s*\(", s)) and first[:1] in ("\t", " "))


_MACRO_CALL = re.compile(r"^[A-Za-z_]\w*\s*\(.*\)$")


def _balanced(code: str) -> bool:
    depth = 0
    for ch in code:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _comment_line(line: str) -> bool:
    """A line of a block comment: never evidence of a continued statement."""
    s = line.strip()
    return s.startswith("/*") or bool(re.match(r"\*(\s|/|$)", s))


def _terminated(line: str) -> bool:
    s = _code(line).strip()
    return (not s or s.endswith((";", "{", "}", "*/")) or line.lstrip().startswith("#")
            or _comment_line(line) or _file_scope_macro(line)
            or bool(_LABEL.match(s)) or s.startswith(("case ", "default")) and s.endswith(":"))


def _file_scope_macro(line: str) -> bool:
    """`postcore_initcall(fn)`, `EXPORT_SYMBOL(x)` style: a complete macro
    invocation in column 0 ends its statement without a semicolon."""
    s = _code(line).strip()
    return line[:1] not in (" ", "\t") and bool(_MACRO_CALL.match(s)) and _balanced(s)


def _header(line: str) -> bool:
    """A complete one-line `if (...)`/`for (...)`/`else`: the statement that
    follows is its body, not a continuation of it."""
    s = _code(line).strip()
    return bool(_BARE.match(s)) or (bool(_CONTROL.match(s)) and s.endswith(")") and _balanced(s))


def _macro_header(line: str) -> bool:
    """An indented complete `name(...)` without ';': a loop macro
    (`for_each_task(p)`) whose body follows, not the start of this statement."""
    s = _code(line).strip()
    return line[:1] in (" ", "\t") and bool(_MACRO_CALL.match(s)) and _balanced(s)


def _opening_line(prev: list[str], k: int) -> int:
    """First line of the statement that prev[k] ends with a '{': back to where
    its parentheses open (a `for (a;` / `b;` / `c) {` header holds ';'s)."""
    depth = 0
    for j in range(k, max(-1, k - 12), -1):
        code = _code(prev[j])
        depth += code.count(")") - code.count("(")
        if depth <= 0:
            return _statement_start(prev, j)
    return _statement_start(prev, k)


def _statement_start(prev: list[str], p: int) -> int:
    k = p
    while (k > 0 and not _terminated(prev[k - 1]) and not _skip(prev[k - 1])
           and not _header(prev[k - 1]) and not _macro_header(prev[k - 1]) and k > p - 12):
        k -= 1
    return k


def _file_scope(prev: list[str]) -> bool:
    """True when the code above shows brace depth 0: a column-0 '}' closed the
    last block and nothing has opened since."""
    depth = 0
    for k in range(len(prev) - 1, -1, -1):
        line = prev[k]
        if line.lstrip().startswith("#") or k and prev[k - 1].rstrip().endswith("\\"):
            continue  # a #define body's braces are no scope of the file
        code = _code(line)
        for ch in reversed(code):
            if ch == "}":
                depth += 1
            elif ch == "{":
                if depth == 0:
                    return False
                depth -= 1
        if depth == 1 and code.startswith("}"):
            return True
    return False


def _ends_comment(line: str) -> bool:
    """A line that closes a comment opened on an earlier line, with no code after it."""
    idx = line.find("*/")
    return idx >= 0 and "/*" not in line[:idx] and not line[idx + 2:].strip()


def _comment_start(prev: list[str], p: int) -> int | None:
    for k in range(p, max(-1, p - 60), -1):
        if "/*" in prev[k]:
            return k
    return None


def _open_paren_col(lines: list[str]) -> int | None:
    """Visual column just after the innermost unclosed '(' of a statement."""
    stack: list[int] = []
    for line in lines:
        text = line.rstrip("\n")
        code = _code(text)
        # columns are taken on the real line; _code keeps prefixes aligned until a literal
        for idx, ch in enumerate(code):
            if ch == "(":
                stack.append(_width(text[:idx]) + 1)
            elif ch == ")" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _step(prev: list[str]) -> int:
    """The indentation step the code above uses: how far the first line of
    the nearest block sits right of the statement that opened it (8 in
    kernel style; 4 or 2 in some old files)."""
    for k in range(len(prev) - 1, max(-1, len(prev) - 80), -1):
        line = prev[k]
        if line.lstrip().startswith("#") or _comment_line(line) or not _code(line).rstrip().endswith("{"):
            continue
        nxt = next((b for b in prev[k + 1:] if b.strip() and not _skip(b)), None)
        if nxt is None or _comment_line(nxt) or nxt.strip().startswith("}"):
            continue
        d = _width(lead(nxt)) - _width(lead(prev[_opening_line(prev, k)]))
        if 0 < d <= 8:
            return d
    return 8


def _packs_tabs(prev: list[str]) -> bool:
    """Whether the code just above writes 8 columns of indentation as a tab."""
    for line in reversed(prev[-80:]):
        if line.startswith("\t"):
            return True
        if line.startswith(" " * 8) and not _comment_line(line):
            return False
    return True


def _deeper(outer: str, prev: list[str]) -> str:
    """One step deeper than `outer`, written as the file writes it: a tab per
    8 columns then spaces (leading junk like '  \t' is not copied)."""
    col = _width(outer) + _step(prev)
    return _to_col(col) if _packs_tabs(prev) else " " * col


def _plain_statement(text: str) -> bool:
    s = text.strip()
    return bool(s) and not s.startswith(("}", "#", "case ", "default", "{")) and not _LABEL.match(s)


def infer_indent(code: str, prev: list[str], after: list[str] | None = None) -> str:
    """Indentation for `code` (already stripped) placed after `prev`, before `after`."""
    if code.startswith("#") or (_LABEL.match(code) and not code.startswith("default")):
        return ""
    last = next((line for line in reversed(prev) if line.strip()), "")
    if last.lstrip().startswith("#") and _plain_statement(code):
        # right after #else/#endif the code above belongs to another branch: the
        # statement that follows is the better witness
        nxt = next((line for line in after or [] if line.strip()), "")
        if _plain_statement(nxt):
            return lead(nxt)
    last = len(prev) - 1
    while last >= 0 and not prev[last].strip():
        last -= 1
    if last >= 0 and prev[last].rstrip().endswith("\\"):
        return _macro_continuation_indent(prev, last)
    p = len(prev) - 1
    while p >= 0 and _skip(prev[p]):
        p -= 1
    if p < 0:
        return ""
    P = prev[p]
    ps = _code(P).strip()
    seg = "".join(prev[max(0, p - 60):p + 1])
    if seg.rfind("/*") > seg.rfind("*/"):
        # inside a block comment: its lines sit one space right of the '/*'
        c = _comment_start(prev, p)
        if c is not None:
            return lead(prev[c]) + (" " if code.startswith("*") else "")
    elif _ends_comment(P):
        # the last line of a block comment (star-led or not): the comment's
        # first line tells where the code around it is
        c = _comment_start(prev, p)
        if c is not None:
            p, P = c, prev[c]
            ps = _code(P).strip()
    if code.startswith("}"):
        return _opener_indent(prev)
    if code.startswith(("case ", "default:", "default :")):
        return _opener_indent(prev)
    if ps.endswith("{"):
        return _deeper(lead(prev[_opening_line(prev, p)]), prev)
    if _BARE.match(ps) or (re.match(r"\}\s*else\s+if\b", ps) and _header(P)):
        # `} else` / `} else if (x)` without '{': the next line is its body
        return lead(P) if code.startswith("{") else _deeper(lead(P), prev)
    if ps.startswith("}"):
        # after a closed block: its level, unless that block was the body of
        # a brace-less `for`/`if`, whose level it is then
        o = _opener_index(prev, p)
        if o is not None:
            outer = _braceless_parent(prev, o)
            if outer is None:
                outer = _braceless_parent(prev, _statement_start(prev, o))
            if outer is not None:
                return lead(prev[outer])
        return lead(P)
    start = _statement_start(prev, p)
    col = _open_paren_col(prev[start:p + 1])
    if col is not None:
        return _to_col(col) if _packs_tabs(prev) else " " * col
    first = prev[start].strip()
    if ps.endswith(_CONT_END) and not ps.endswith(("++", "--")):
        return _deeper(lead(prev[start]), prev)
    if (ps.endswith(")") and _control_like(prev[start])) or _BARE.match(ps):
        # kernel style puts '{' on the control line; a lone '{' stays at its level
        return lead(prev[start]) if code.startswith("{") else _deeper(lead(prev[start]), prev)
    if ps.endswith(":") and first.startswith(("case ", "default")):
        return _deeper(lead(prev[start]), prev)
    # A complete statement: the next one starts where it started, unless it
    # was the single body of a brace-less control statement.
    q = start - 1
    while q >= 0 and _skip(prev[q]):
        q -= 1
    if q >= 0:
        qs = _code(prev[q]).strip()
        qstart = _statement_start(prev, q)
        if (qs.endswith(")") and _control_like(prev[qstart])) or _BARE.match(qs):
            if ps.endswith(";"):
                # a body ends every brace-less header it was nested in
                while (outer := _braceless_parent(prev, qstart)) is not None and outer < qstart:
                    qstart = outer
                return lead(prev[qstart])
    if _file_scope(prev[:p + 1]):
        return ""  # brace depth 0: a new top-level statement or definition
    return lead(prev[start])


def _macro_continuation_indent(prev: list[str], last: int) -> str:
    """A #define continuation line: indent like the nearest earlier continuation."""
    for k in range(last, 0, -1):
        if prev[k - 1].rstrip().endswith("\\") and prev[k].strip():
            return lead(prev[k])
    return TAB


def _gaps(text: str) -> tuple[list[str], list[str]]:
    parts = re.split(r"([ \t]+)", text)
    return parts[0::2], parts[1::2]


def transfer_spacing(code: str, partner: str) -> str:
    """Give `code` the inner spacing of `partner` wherever their tokens agree."""
    toks, gaps = _gaps(code)
    ptoks, pgaps = _gaps(partner.strip())
    if len(toks) < 2 or len(ptoks) < 2:
        return code
    sm = difflib.SequenceMatcher(a=toks, b=ptoks, autojunk=False)
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in sm.get_opcodes():
        if tag in ("equal", "replace"):
            for d in range(min(i2 - i1, (_j2 - j1))):
                mapping[i1 + d] = j1 + d
    out = [toks[0]]
    for i, gap in enumerate(gaps):
        a, b = mapping.get(i), mapping.get(i + 1)
        if a is not None and b == a + 1 and a < len(pgaps):
            gap = pgaps[a]
        out.append(gap)
        out.append(toks[i + 1])
    return "".join(out)


def align_like(line: str, prev: list[str]) -> str:
    """Tab-align the second gap of `#define X  value`-like lines as the line above does."""
    toks, gaps = _gaps(line.lstrip(" \t"))
    if len(toks) < 3 or not line.lstrip().startswith("#"):
        return line
    for other in reversed(prev[-4:]):
        otoks, ogaps = _gaps(other.rstrip("\n").lstrip(" \t"))
        if len(otoks) < 3 or otoks[0] != toks[0] or ("\t" not in ogaps[1] and len(ogaps[1]) < 2):
            continue
        olead = lead(other)
        target = _width(olead + otoks[0] + ogaps[0] + otoks[1] + ogaps[1])
        head = lead(line) + toks[0] + gaps[0] + toks[1]
        col = _width(head)
        if col >= target:
            return line
        fill = ""
        while col < target:
            fill += TAB
            col = (col // 8 + 1) * 8
        return head + fill + "".join(t + g for t, g in zip(toks[2:], gaps[2:] + [""]))
    return line


def reindent_block(added: list[str], removed: list[str], prev: list[str], lookup=None,
                   after: list[str] | None = None) -> list[str]:
    """New texts for one run of added lines (with their line ends).

    `lookup(squeezed)` may return a line of the file with the same content
    (duplicated or moved code), whose inner spacing is then reused.
    """
    out: list[str] = []
    used: set[int] = set()
    removed_sq = [squeeze(r) for r in removed]
    for idx, line in enumerate(added):
        eol = "\n" if line.endswith("\n") else ""
        code = line.strip(" \t\n")
        if not code:
            out.append(eol)
            continue
        if line.startswith("\t"):
            out.append(line)  # tab indentation survived the trip: the author's own
            continue
        sq = squeeze(code)
        same = next((k for k, r in enumerate(removed_sq)
                     if r == sq and k not in used and _spacing_agrees(code, removed[k])), None)
        if same is not None:
            used.add(same)
            out.append(removed[same].rstrip("\n") + eol)
            continue
        partner = _partner(sq, removed, removed_sq, idx, used)
        if partner is not None and _open_structure(out):
            partner = None  # an added control/continuation line above decides the depth
        if partner is not None:
            text = lead(partner) + transfer_spacing(code, partner)
        else:
            more = any(rest.strip() for rest in added[idx + 1:])
            witness = _next_statement_witness(code, prev + out, out, after, more)
            text = witness if witness is not None else infer_indent(code, prev + out, after)
            twin = lookup(sq) if lookup else None
            if twin is not None and _spacing_agrees(code, twin):
                text += twin.strip(" \t\n")
            else:
                text = align_like(text + code, prev + out)
        out.append(text + eol)
    return out


def _spacing_agrees(code: str, other: str) -> bool:
    """Whether `other` can be the undamaged text of `code`: an archive turns a
    run of blanks into one space but never adds or drops a whole gap, so a
    line with the same squeezed text but other gaps (`if(x)` against
    `if (x)`, `* p` against `*p`) is another line."""
    return _squash(code) == _squash(other)


def _squash(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.strip(" \t\n"))


def _next_statement_witness(code: str, above: list[str], out: list[str], after: list[str] | None,
                            more: bool = False) -> str | None:
    """The indentation of the statement the added one is inserted before.

    A statement (one continued on the added lines below, a `{`-opened
    block, a brace-less `if` with its added body, a comment) added between complete
    statements is a sibling of the code that follows it: that line's
    indentation, bytes and all, is the author's own. It beats the
    structure above, which in old code often misleads (a brace-less body
    one level off, 8 spaces where the next line has a tab)."""
    nxt = next((line for line in after or [] if line.strip()), None)
    if (nxt is None or not _plain_statement(nxt) or _comment_line(nxt) or _ends_comment(nxt)
            or not _plain_statement(code) or code.startswith("*")):
        return None
    seg = "".join(above[-60:])
    if seg.rfind("/*") > seg.rfind("*/"):
        return None  # inside a comment
    if _header(code):
        if not more:
            return None  # without an added body, the line after becomes its body
    elif not (_code(code).rstrip().endswith((";", "{")) or code.startswith("/*") or more):
        return None  # a statement continued on the next added line is still a sibling
    if _code(nxt).strip().startswith("{") or _LABEL.match(nxt.strip()):
        return None
    depth = sum(_code(line).count("{") - _code(line).count("}") for line in out)
    if depth != 0:
        return None
    last = next((line for line in reversed(above) if line.strip() and not _skip(line)), None)
    if last is None:
        return None
    ls = _code(last).strip()
    if _header(last) or _BARE.match(ls) or not (ls.endswith((";", "{", "}")) or _comment_line(last)
                                                 or _ends_comment(last) or _case_label(ls)):
        return None
    return lead(nxt)


def _case_label(s: str) -> bool:
    return s.startswith(("case ", "default")) and s.endswith(":")


def _open_structure(out: list[str]) -> bool:
    for line in reversed(out):
        if line.strip():
            return not _terminated(line)
    return False


def _partner(sq: str, removed: list[str], removed_sq: list[str], idx: int, used: set[int]) -> str | None:
    """The removed line this added line most likely rewrites, if any."""
    best, best_ratio = None, 0.0
    for k, r in enumerate(removed_sq):
        if k in used or not r:
            continue
        ratio = difflib.SequenceMatcher(a=sq, b=r, autojunk=False).ratio()
        if k == idx:
            ratio += 0.1  # same position in the block: the usual one-line rewrite
        if ratio > best_ratio:
            best, best_ratio = k, ratio
    if best is None or best_ratio < 0.7:
        return None
    return removed[best]
