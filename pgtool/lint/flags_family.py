"""Recover a flag family (members, bits, accessors, must-clear set) from headers.

The family is read from the text of the headers the rules name, not from a C
parse: headers are mostly preprocessor, and what matters is there. Three
sources, all general:
- members: `#define PG_x N` (2.x) or the members of `enum <tag>` (6.x), each with
  its bit (implicit enum numbering, explicit values and aliases `PG_a = PG_b`)
  and the #if branch it sits in, so alternatives are not taken for collisions;
- accessors: any function-like macro or inline function whose body does a bit
  operation (rules' [bitops]) on one member;
- generated accessors: invocations such as `PAGEFLAG(Locked, locked, PF_ANY)` are
  expanded with the macro's own body (`##` pastes included, nested generators
  too) and the functions that expansion defines are read as above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pgtool.errors import UserError

OPS = ("set", "clear", "test_and_set", "test_and_clear", "test")
SET_LIKE = ("set", "test_and_set")
CLEAR_LIKE = ("clear", "test_and_clear")

_IDENT = re.compile(r"[A-Za-z_]\w*")
_INT = re.compile(r"^\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$")
_KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "do", "else",
             "typeof", "__typeof__", "defined", "__attribute__", "asm", "__asm__"}


@dataclass(frozen=True)
class Member:
    name: str
    bit: int | None          # None when the value is an expression we do not evaluate
    line: int
    file: str
    alias_of: str | None     # `PG_checked = PG_owner_priv_1`: same bit on purpose
    cond: tuple[tuple[int, int], ...] = ()   # (#if id, branch number) it sits in


@dataclass(frozen=True)
class Accessor:
    name: str
    op: str                  # one of OPS
    flag: str                # member name as written in the body
    arg: int                 # which argument is the object
    file: str = ""
    line: int = 0


@dataclass
class Release:
    name: str
    arg: int
    definite: bool = True     # False: frees only when it drops the last reference


@dataclass
class Family:
    name: str
    prefix: str
    word_bits: int
    members: dict[str, Member] = field(default_factory=dict)
    accessors: dict[str, Accessor] = field(default_factory=dict)
    releases: dict[str, Release] = field(default_factory=dict)
    must_clear: set[str] = field(default_factory=set)
    masks: dict[str, set[str]] = field(default_factory=dict)   # mask macro -> members it ORs
    templates: dict[str, list[str]] = field(default_factory=dict)   # op -> accessor spellings
    source: str = ""          # which header(s) the members came from

    def canonical(self, flag: str) -> str:
        """Follow aliases to the member that owns the bit."""
        seen = set()
        while flag in self.members and self.members[flag].alias_of and flag not in seen:
            seen.add(flag)
            flag = self.members[flag].alias_of
        return flag

    def is_member(self, name: str) -> bool:
        return name in self.members


@dataclass
class Bitops:
    by_name: dict[str, str]   # bitop function -> op
    bit_arg: int = 0
    word_arg: int = 1


def load_bitops(rules: dict) -> Bitops:
    spec = rules.get("bitops", {})
    by_name = {}
    for op in OPS:
        for name in spec.get(op, []):
            by_name[name] = op
    return Bitops(by_name, spec.get("bit_arg", 0), spec.get("word_arg", 1))


# --------------------------------------------------------------------------
# Text preparation: comments out, continuations joined, line numbers kept.

def strip_comments(text: str) -> str:
    """Blank comments and string contents, keeping every newline in place."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (min(j, n) - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


@dataclass
class Define:
    name: str
    params: list[str] | None
    body: str
    line: int
    cond: tuple[tuple[int, int], ...]


@dataclass
class HeaderScan:
    """One header: its #defines, the #if context of each line, the code text."""
    path: str
    defines: dict[str, list[Define]]
    code: str                       # directives blanked, newlines kept
    line_cond: list[tuple]          # index: line number - 1
    generators: dict[str, bool] = field(default_factory=dict)   # memo of _is_generator

    def cond_at(self, offset: int) -> tuple:
        line = self.code.count("\n", 0, offset)
        return self.line_cond[min(line, len(self.line_cond) - 1)]


def scan_header(path: str, text: str) -> HeaderScan:
    clean = strip_comments(text)
    lines = clean.split("\n")
    code_lines = list(lines)
    defines: dict[str, list[Define]] = {}
    stack: list[list[int]] = []          # [if id, branch]
    next_id = 0
    line_cond: list[tuple] = []
    i = 0
    while i < len(lines):
        cond = tuple((a, b) for a, b in stack)
        start = i
        logical = lines[i]
        while logical.endswith("\\") and i + 1 < len(lines):
            i += 1
            logical = logical[:-1] + " " + lines[i]
        for k in range(start, i + 1):
            line_cond.append(cond)
        stripped = logical.strip()
        if stripped.startswith("#"):
            for k in range(start, i + 1):
                code_lines[k] = ""
            directive = stripped[1:].strip()
            word = _IDENT.match(directive)
            kw = word.group(0) if word else ""
            if kw in ("if", "ifdef", "ifndef"):
                stack.append([next_id, 0])
                next_id += 1
            elif kw in ("elif", "else") and stack:
                stack[-1][1] += 1
            elif kw == "endif" and stack:
                stack.pop()
            elif kw == "define":
                m = re.match(r"define\s+([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$", directive, re.S)
                if m:
                    params = None
                    if m.group(2) is not None:
                        params = [p.strip() for p in m.group(3).split(",") if p.strip()]
                    defines.setdefault(m.group(1), []).append(
                        Define(m.group(1), params, m.group(4).strip(), start + 1, cond))
        i += 1
    return HeaderScan(path, defines, "\n".join(code_lines), line_cond)


def exclusive(a: tuple, b: tuple) -> bool:
    """True when two #if contexts can never be compiled together."""
    branches = dict(a)
    return any(if_id in branches and branches[if_id] != br for if_id, br in b)


# --------------------------------------------------------------------------
# Members

def _int_value(text: str) -> int | None:
    m = _INT.match(text.strip())
    return int(m.group(1), 0) if m else None


def _members_from_enum(scan: HeaderScan, tag: str, prefix: str) -> dict[str, Member]:
    m = re.search(r"\benum\s+" + re.escape(tag) + r"\s*\{", scan.code)
    if not m:
        return {}
    start = m.end()
    end = _match_brace(scan.code, m.end() - 1)
    members: dict[str, Member] = {}
    values: dict[str, int | None] = {}    # every enumerator, prefixed or not
    value: int | None = -1
    pos = start
    for item in _split_top(scan.code[start:end], ","):
        text = item.strip()
        offset = pos + (len(item) - len(item.lstrip()))
        pos += len(item) + 1
        if not text:
            continue
        name, _, expr = text.partition("=")
        name, expr = name.strip(), expr.strip()
        alias = None
        if expr:
            number = _int_value(expr)
            if number is not None:
                value = number
            elif expr in values:
                alias = expr if expr in members else None
                value = values[expr]
            else:
                value = None
        else:
            value = None if value is None else value + 1
        values[name] = value
        if not name.startswith(prefix):
            continue
        line = scan.code.count("\n", 0, offset) + 1
        members[name] = Member(name, value, line, scan.path, alias, scan.cond_at(offset))
    return members


def _members_from_defines(scan: HeaderScan, prefix: str) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for name, defs in scan.defines.items():
        if not name.startswith(prefix):
            continue
        for d in defs:
            if d.params is not None:
                continue
            bit = _int_value(d.body)
            alias = d.body.strip("() \t") if re.fullmatch(r"\(?\s*" + prefix + r"\w+\s*\)?", d.body) else None
            if bit is None and alias is None:
                continue
            # Keep the first definition; the others are #if alternatives of it.
            members.setdefault(name, Member(name, bit, d.line, scan.path, alias, d.cond))
    for name, m in list(members.items()):
        if m.alias_of and m.alias_of in members:
            members[name] = Member(m.name, members[m.alias_of].bit, m.line, m.file, m.alias_of, m.cond)
    return members


# --------------------------------------------------------------------------
# Accessors

def _match_brace(text: str, open_pos: int) -> int:
    """Offset of the `}` (or `)`) closing the bracket at open_pos."""
    pairs = {"{": "}", "(": ")", "[": "]"}
    opener = text[open_pos]
    closer = pairs[opener]
    depth = 0
    for j in range(open_pos, len(text)):
        if text[j] == opener:
            depth += 1
        elif text[j] == closer:
            depth -= 1
            if depth == 0:
                return j
    return len(text)


def _split_top(text: str, sep: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for c in text:
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    parts.append("".join(cur))
    return parts


_CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def _effects(body: str, bitops: Bitops, known: dict[str, "Accessor"]):
    """(op, flag, object text) for each bit operation or known accessor call."""
    for m in _CALL.finditer(body):
        name = m.group(1)
        op = bitops.by_name.get(name)
        acc = known.get(name)
        if op is None and acc is None:
            continue
        close = _match_brace(body, m.end() - 1)
        args = [a.strip() for a in _split_top(body[m.end():close], ",")]
        if op is not None and len(args) > max(bitops.bit_arg, bitops.word_arg):
            yield op, args[bitops.bit_arg].strip("() "), args[bitops.word_arg]
        elif acc is not None and len(args) > acc.arg:
            yield acc.op, acc.flag, args[acc.arg]


def _classify_body(body: str, params: list[str], bitops: Bitops, members,
                   known: dict[str, "Accessor"] | None = None) -> tuple[str, str, int] | None:
    """The one (op, flag, object argument) a body performs, or None."""
    ops, flags, arg = set(), set(), None
    for op, bit, word in _effects(body, bitops, known or {}):
        if bit not in members:
            continue
        ops.add(op)
        flags.add(bit)
        idents = set(_IDENT.findall(word))
        for k, p in enumerate(params):
            if p in idents and arg is None:
                arg = k
    if len(flags) != 1 or arg is None:
        return None
    for op in ("test_and_set", "test_and_clear"):
        if op in ops:
            return (op, flags.pop(), arg) if ops <= {op, "test"} else None
    if "set" in ops and "clear" in ops:
        return None
    for op in ("set", "clear", "test"):
        if op in ops:
            return op, flags.pop(), arg
    return None


def _param_names(params_text: str) -> list[str]:
    names = []
    for p in _split_top(params_text, ","):
        idents = [t for t in _IDENT.findall(p) if t not in ("const", "struct", "volatile", "unsigned")]
        names.append(idents[-1] if idents else "")
    return names


_FUNC_HEAD = re.compile(r"\b([A-Za-z_]\w*)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*\{")


def _functions_in(text: str):
    """(name, params, body, offset) of each function definition in C text."""
    for m in _FUNC_HEAD.finditer(text):
        if m.group(1) in _KEYWORDS:
            continue
        close = _match_brace(text, m.end() - 1)
        yield m.group(1), _param_names(m.group(2)), text[m.end():close], m.start()


def _expand(name: str, args: list[str], scan: HeaderScan, depth: int = 0) -> str:
    """Text of a function-like macro invocation, generators inside expanded too."""
    out = []
    for d in scan.defines.get(name, []):
        if d.params is None or len(d.params) != len(args):
            continue
        body = d.body
        for p, a in zip(d.params, args):
            body = re.sub(r"\s*##\s*" + p + r"\b", a, body)
            body = re.sub(r"\b" + p + r"\s*##\s*", a, body)
            body = re.sub(r"\b" + p + r"\b", a, body)
        if depth < 4:
            body = _expand_invocations(body, scan, depth + 1)
        out.append(body)
    return "\n".join(out)


def _is_generator(name: str, scan: HeaderScan, depth: int = 0) -> bool:
    """A function-like macro that defines functions, itself or through others."""
    memo = scan.generators
    if name in memo:
        return memo[name]
    memo[name] = False          # cycles and deep nests are not generators
    result = False
    for d in scan.defines.get(name, []):
        if d.params is None:
            continue
        if "{" in d.body or (depth < 6 and any(
                _is_generator(inner, scan, depth + 1) for inner in _CALL.findall(d.body) if inner != name)):
            result = True
    memo[name] = result
    return result


def _expand_invocations(text: str, scan: HeaderScan, depth: int) -> str:
    pieces, last = [], 0
    for m in _CALL.finditer(text):
        name = m.group(1)
        if m.start() < last or not _is_generator(name, scan):
            continue
        close = _match_brace(text, m.end() - 1)
        args = [a.strip() for a in _split_top(text[m.end():close], ",")]
        pieces.append(text[last:m.start()])
        pieces.append(_expand(name, args, scan, depth))
        last = close + 1
    pieces.append(text[last:])
    return "".join(pieces)


def _accessors(scan: HeaderScan, bitops: Bitops, members) -> dict[str, Accessor]:
    found: dict[str, Accessor] = {}
    # Two rounds: the second sees wrappers of accessors found in the first
    # (`SetPageUptodate(page) { folio_mark_uptodate((struct folio *)page); }`).
    for _round in range(2):
        known = dict(found)
        # Accessor macros written out: #define PageSetClean(page) (set_bit(PG_clean, ...))
        for name, defs in scan.defines.items():
            for d in defs:
                if d.params is None or "{" in d.body:
                    continue
                got = _classify_body(d.body, d.params, bitops, members, known)
                if got:
                    found.setdefault(name, Accessor(name, got[0], got[1], got[2], scan.path, d.line))
        # Inline functions, and those generated by file-scope generator invocations.
        for text, base_line in _generated_texts(scan):
            for fname, params, body, offset in _functions_in(text):
                got = _classify_body(body, params, bitops, members, known)
                if got:
                    line = base_line if base_line else text.count("\n", 0, offset) + 1
                    found.setdefault(fname, Accessor(fname, got[0], got[1], got[2], scan.path, line))
    return found


def _generated_texts(scan: HeaderScan):
    yield scan.code, 0
    for m in _CALL.finditer(scan.code):
        name = m.group(1)
        if not _is_generator(name, scan):
            continue
        close = _match_brace(scan.code, m.end() - 1)
        args = [a.strip() for a in _split_top(scan.code[m.end():close], ",")]
        yield _expand(name, args, scan), scan.code.count("\n", 0, m.start()) + 1


# --------------------------------------------------------------------------
# Must-clear masks

def mask_members(name: str, scan: HeaderScan, members, depth: int = 0) -> set[str]:
    """Members named in a mask macro, through the masks it mentions."""
    out: set[str] = set()
    for d in scan.defines.get(name, []):
        for ident in _IDENT.findall(d.body):
            if ident in members:
                out.add(ident)
            elif ident in scan.defines and depth < 6 and ident != name:
                out |= mask_members(ident, scan, members, depth + 1)
    return out


_MASK_TOKEN = re.compile(r"\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|(<<|[|&~()\-]))")


def mask_value(name: str, scan: HeaderScan, members, depth: int = 0) -> set[str] | None:
    """The members a mask macro denotes, or None when it is not a flag mask.

    A small evaluator over sets of members: `1UL << PG_x` is {PG_x}, `|` is
    union, `&` intersection, `~M` the complement, `(1UL << NR_X) - 1` every
    member (a sentinel past the last bit), another mask macro its own value.
    Each #if alternative of a macro is evaluated and the results are united.
    """
    if depth > 6:
        return None
    result: set[str] | None = None
    for d in scan.defines.get(name, []):
        if d.params is not None:
            return None
        toks, pos = [], 0
        while pos < len(d.body):
            m = _MASK_TOKEN.match(d.body, pos)
            if not m or m.end() == pos:
                return None
            toks.append(m.group(1) or m.group(2) or m.group(3))
            pos = m.end()
        try:
            val, rest = _mask_or(toks, scan, members, depth, name)
        except (IndexError, ValueError):
            return None
        if rest or val is None:
            return None
        kind, v = val
        if kind == "num" and v == 0:
            v = set()
        elif kind != "set":
            return None
        result = (result or set()) | v
    return result


def _mask_or(toks, scan, members, depth, name):
    val, toks = _mask_and(toks, scan, members, depth, name)
    while toks and toks[0] == "|":
        right, toks = _mask_and(toks[1:], scan, members, depth, name)
        val = _combine(val, right, set.union)
    return val, toks


def _mask_and(toks, scan, members, depth, name):
    val, toks = _mask_sub(toks, scan, members, depth, name)
    while toks and toks[0] == "&":
        right, toks = _mask_sub(toks[1:], scan, members, depth, name)
        val = _combine(val, right, set.intersection)
    return val, toks


def _mask_sub(toks, scan, members, depth, name):
    val, toks = _mask_shift(toks, scan, members, depth, name)
    if toks and toks[0] == "-" and len(toks) > 1 and toks[1] == "1" and val and val[0] == "upto":
        return ("set", set(members)), toks[2:]
    return val, toks


def _mask_shift(toks, scan, members, depth, name):
    val, toks = _mask_unary(toks, scan, members, depth, name)
    if toks and toks[0] == "<<":
        right, toks = _mask_unary(toks[1:], scan, members, depth, name)
        if val != ("num", 1) or right is None:
            return None, toks
        if right[0] == "bit":
            return ("set", {right[1]}), toks
        if right[0] == "sentinel":
            return ("upto", right[1]), toks
        return None, toks
    return val, toks


def _mask_unary(toks, scan, members, depth, name):
    tok = toks[0]
    if tok == "~":
        val, rest = _mask_unary(toks[1:], scan, members, depth, name)
        if val and val[0] == "num" and val[1] == 0:
            val = ("set", set())
        return (("set", set(members) - val[1]) if val and val[0] == "set" else None), rest
    if tok == "(":
        val, rest = _mask_or(toks[1:], scan, members, depth, name)
        if not rest or rest[0] != ")":
            raise ValueError("unbalanced")
        return val, rest[1:]
    if tok[0].isdigit():
        return ("num", int(tok, 0)), toks[1:]
    if tok in members:
        return ("bit", tok), toks[1:]
    if tok in scan.defines and tok != name:
        sub = mask_value(tok, scan, members, depth + 1)
        return (("set", sub) if sub is not None else None), toks[1:]
    return ("sentinel", tok), toks[1:]


def _combine(a, b, op):
    if a is None or b is None:
        return None
    # 0 and masks defined elsewhere (LRU_GEN_MASK: other fields of the word) add no member
    a = ("set", set()) if a == ("num", 0) or a[0] == "sentinel" else a
    b = ("set", set()) if b == ("num", 0) or b[0] == "sentinel" else b
    if a[0] != "set" or b[0] != "set":
        return None
    return ("set", op(a[1], b[1]))


# --------------------------------------------------------------------------

def camel(flag_suffix: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in flag_suffix.split("_") if part)


def templated_accessors(fam: Family, flags) -> dict[str, Accessor]:
    """Accessor names from the rules' spelling templates, for members whose
    header text is not at hand (a bit added by the change under review, when
    the tree on disk is the one before the change)."""
    out = {}
    for op, templates in fam.templates.items():
        for flag in flags:
            base = flag[len(fam.prefix):]
            for t in templates:
                name = t.replace("{U}", camel(base)).replace("{l}", base.lower())
                out.setdefault(name, Accessor(name, op, flag, 0))
    return out


def adopt_members(fam: Family, added: dict[str, int | None], where: str = "") -> Family:
    """A copy of `fam` with members a change adds (name -> bit) and their
    templated accessors; members the headers already define are left alone."""
    new = {n: b for n, b in added.items() if n not in fam.members}
    if not new:
        return fam
    members = dict(fam.members)
    for name, bit in new.items():
        members[name] = Member(name, bit, 0, where, None)
    accessors = dict(templated_accessors(fam, new))
    accessors.update(fam.accessors)
    return Family(fam.name, fam.prefix, fam.word_bits, members, accessors, fam.releases, set(fam.must_clear),
                  fam.masks, fam.templates, fam.source)


def recover_family(spec: dict, bitops: Bitops, header_texts: dict[str, str]) -> Family:
    """Build a family from its rules entry and the text of its headers.

    `header_texts` maps a display path to the header's text; the members come
    from the enum the rules name if a header has it, else from `#define`s.
    """
    prefix = spec.get("prefix")
    if not prefix:
        raise UserError(f"flag family {spec.get('name')!r} has no prefix", path="rules/flags.toml")
    fam = Family(spec.get("name", prefix), prefix, int(spec.get("word_bits", 64)))
    scans = [scan_header(p, t) for p, t in header_texts.items()]
    enum_tag = spec.get("enum")
    for scan in scans:
        if enum_tag:
            got = _members_from_enum(scan, enum_tag, prefix)
            if got:
                fam.members.update(got)
                fam.source = scan.path
    if not fam.members:
        for scan in scans:
            for name, m in _members_from_defines(scan, prefix).items():
                fam.members.setdefault(name, m)
                fam.source = fam.source or scan.path
    for scan in scans:
        for name, acc in _accessors(scan, bitops, fam.members).items():
            fam.accessors.setdefault(name, acc)
    fam.templates = dict(spec.get("accessor_templates", {}))
    for extra in spec.get("extra_accessors", []):
        fam.accessors.setdefault(extra["name"], Accessor(extra["name"], extra["op"], extra["flag"], extra.get("arg", 0)))
    for rel in spec.get("release", []):
        fam.releases[rel["name"]] = Release(rel["name"], int(rel.get("arg", 0)))
    for rel in spec.get("may_release", []):
        fam.releases.setdefault(rel["name"], Release(rel["name"], int(rel.get("arg", 0)), definite=False))
    fam.must_clear = {fam.canonical(f) for f in spec.get("must_clear", []) if f in fam.members}
    for scan in scans:
        for name, defs in scan.defines.items():
            if name in fam.members or any(d.params is not None for d in defs):
                continue
            got = mask_value(name, scan, fam.members)
            if got:
                fam.masks[name] = got
    for mask in spec.get("must_clear_masks", []):
        for scan in scans:
            got = mask_value(mask, scan, fam.members)
            if got is None:       # not a plain mask: take the members it names
                got = mask_members(mask, scan, fam.members)
            fam.must_clear |= {fam.canonical(f) for f in got}
    return fam


def load_families(rules: dict, tree: Path | None, extra_headers: dict[str, str] | None = None,
                  only_era: str | None = None) -> list[Family]:
    """Every family of the rules whose headers exist in `tree` (or are given).

    `extra_headers` (display path -> text) lets a caller supply header text
    directly, e.g. a header as patched by the change under review.
    """
    bitops = load_bitops(rules)
    families = []
    for spec in rules.get("family", []):
        if only_era and spec.get("era") != only_era:
            continue
        texts: dict[str, str] = {}
        for rel in spec.get("headers", []):
            if extra_headers and rel in extra_headers:
                texts[rel] = extra_headers[rel]
            elif tree is not None and (tree / rel).is_file():
                texts[rel] = (tree / rel).read_text(errors="replace")
        if not texts:
            continue
        fam = recover_family(spec, bitops, texts)
        if fam.members:
            families.append(fam)
    return families
