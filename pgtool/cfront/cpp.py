"""Header-free preprocessing: the file's own macros and #if, nothing else.

`#include` lines are dropped, so header macros (spin_lock, list_for_each_entry)
survive as calls; gcc's cpp resolves the file's own #define and #if with
`-undef -nostdinc` and the kernel configuration of FrontendConfig. Old-kernel
quirks that modern cpp rejects are repaired only when cpp complains.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from pgtool.cfront.config import FrontendConfig, find_tree_config
from pgtool.errors import InfraError

_INCLUDE_RE = re.compile(r"^[ \t]*#[ \t]*(?:include|include_next|import)\b[^\n]*", re.M)
_CONFIG_RE = re.compile(r"\bCONFIG_[A-Za-z0-9_]+")
# The kernel's kconfig.h trick, so `IS_ENABLED(CONFIG_X)` works in #if and code.
_KCONFIG = """\
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define __or(x, y) ___or(x, y)
#define ___or(x, y) ____or(__ARG_PLACEHOLDER_##x, y)
#define ____or(arg1_or_junk, y) __take_second_arg(arg1_or_junk 1, y)
#define __and(x, y) ___and(x, y)
#define ___and(x, y) ____and(__ARG_PLACEHOLDER_##x, y)
#define ____and(arg1_or_junk, y) __take_second_arg(arg1_or_junk y, 0)
#define IS_BUILTIN(option) __is_defined(option)
#define IS_MODULE(option) __is_defined(option##_MODULE)
#define IS_REACHABLE(option) __or(IS_BUILTIN(option), __and(IS_MODULE(option), __is_defined(MODULE)))
#define IS_ENABLED(option) __or(IS_BUILTIN(option), IS_MODULE(option))
"""
# 2.x asm: a string literal running over raw newlines.
_MULTILINE_STRING_RE = re.compile(r'/\*.*?\*/|//[^\n]*|\'(?:[^\'\\\n]|\\.)*\'|"(?:[^"\\]|\\.)*"', re.S)
# 2.x: `"str" ## x` and `x ## "str"` in a #define, rejected by modern cpp.
_STRING_PASTE_RE = re.compile(r'("\s*)##|##(\s*")')


# The name cpp's line markers give the file itself (any path, however spelt,
# would be escaped by cpp; a fixed name is compared exactly).
CPP_MAIN = "<pgtool-main>"
CPP_TIMEOUT = 120


def _cpp_binary(config: FrontendConfig) -> str:
    found = shutil.which(config.cpp)
    if not found:
        raise InfraError(f"C preprocessor {config.cpp!r} not found (install gcc)")
    return found


_TESTED_RE = re.compile(r"^[ \t]*#[ \t]*(?:ifdef|ifndef)[ \t]+(\w+)|\bdefined[ \t]*\(?[ \t]*(\w+)", re.M)
_LOCAL_DEFINE_RE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)", re.M)


def _prelude(text: str, path: str, config: FrontendConfig, variant: str = "on") -> str:
    """Definitions before the file: kconfig helpers, then the configuration.

    variant "on": the configuration (tree autoconf.h, else all CONFIG_ on);
    "off": no CONFIG_ symbol; "all": every symbol the file tests with
    #ifdef/defined() and does not define itself, taken as defined.
    """
    parts = [_KCONFIG]
    tree_config = find_tree_config(path) if config.use_tree_config else None
    if variant == "off":
        pass
    elif tree_config is not None and variant == "on":
        parts.append(f'#include "{tree_config}"\n')
    elif config.all_on or variant == "all":
        names = set(_CONFIG_RE.findall(text))
        if variant == "all":
            local = set(_LOCAL_DEFINE_RE.findall(text))
            names |= {a or b for a, b in _TESTED_RE.findall(text)} - local
        for name in sorted(names):
            if not name.endswith("_MODULE"):
                parts.append(f"#define {name} 1\n")
    for name, value in config.defines:
        parts.append(f"#undef {name}\n#define {name} {value}\n")
    for name in config.undefines:
        parts.append(f"#undef {name}\n")
    return "".join(parts)


def fix_multiline_strings(text: str) -> str:
    """Close and reopen string literals at raw newlines (gcc 2.x allowed them)."""

    def repair(m: re.Match) -> str:
        s = m.group()
        if s[0] != '"' or "\n" not in s:
            return s
        # A backslash-newline is a continuation, not a raw newline.
        return re.sub(r'(?<!\\)\n', '\\\\n"\n"', s)

    return _MULTILINE_STRING_RE.sub(repair, text)


def fix_string_pastes(text: str) -> str:
    return _STRING_PASTE_RE.sub(lambda m: m.group(1) or m.group(2), text)


def run_cpp(path: str, text: str, config: FrontendConfig, variant: str = "on") -> tuple[str, list[str]]:
    """Preprocess `text` (the contents of `path`); returns cpp output and cpp errors.

    The output's line markers name `path`; errors are `line: message` strings.
    """
    body = _INCLUDE_RE.sub("", text)
    errors: list[str] = []
    out = ""
    for attempt in range(3):
        source = _prelude(body, path, config, variant) + f'#line 1 "{CPP_MAIN}"\n' + body
        try:
            proc = subprocess.run(
                [_cpp_binary(config), "-E", "-undef", "-nostdinc", "-x", "c", "-std=gnu11", "-"],
                input=source.encode("utf-8", errors="surrogateescape"),
                capture_output=True,
                timeout=CPP_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return "", [f"1: cpp took more than {CPP_TIMEOUT} s"]
        out = proc.stdout.decode("utf-8", errors="surrogateescape")
        err = proc.stderr.decode("utf-8", errors="replace")
        if attempt == 0 and "missing terminating" in err:
            body = fix_multiline_strings(body)
            continue
        if attempt < 2 and "does not give a valid preprocessing token" in err and '"' in err:
            body = fix_string_pastes(body)
            continue
        break
    for line in err.splitlines():
        m = re.match(r".*?:(\d+):(?:\d+:)? (?:fatal )?error: (.*)", line)
        if m:
            errors.append(f"{m.group(1)}: {m.group(2)}")
    return out, errors


_CONDITIONAL_RE = re.compile(r"^([ \t]*#[ \t]*)(ifdef|ifndef|if|elif)\b((?:[^\n\\]|\\.|\\\n)*)", re.M)


def has_conditionals(text: str) -> bool:
    return any(m.group(3).strip() not in ("0", "1") for m in _CONDITIONAL_RE.finditer(text))


def negate_conditionals(text: str) -> str:
    """Every #if/#ifdef/#ifndef/#elif negated (`#if 0`/`#if 1` kept): the other branches.

    Read with the same configuration, this text takes the branches the first
    reading skipped (for the usual #if/#else pair, exactly the other one), so
    that a definition in an `#else` is found too, as ctags and Coccinelle do.
    """

    def flip(m: re.Match) -> str:
        lead, kind, expr = m.group(1), m.group(2), m.group(3)
        expr = re.sub(r"//.*", "", expr.replace("\\\n", " "))
        expr = _COMMENT_RE.sub(" ", expr).strip()
        if kind == "ifdef":
            return f"{lead}ifndef {expr}"
        if kind == "ifndef":
            return f"{lead}ifdef {expr}"
        if kind == "if" and expr in ("0", "1"):
            return m.group()
        # keep the line count: continuation lines become empty lines
        return f"{lead}{kind} !({expr})" + "\n" * m.group(3).count("\n")

    return _CONDITIONAL_RE.sub(flip, text)


def _escape(path: str) -> str:
    return path.replace("\\", "\\\\").replace('"', '\\"')


_DEFINE_RE = re.compile(
    r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)]*\))?((?:[^\n\\]|\\.|\\\n)*)", re.M
)
_COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def scan_defines(text: str) -> tuple[dict[str, tuple[str, int]], dict[str, tuple[list[str], str, int]]]:
    """Every #define of the file (first definition wins), object- and function-like."""
    defines: dict[str, tuple[str, int]] = {}
    macros: dict[str, tuple[list[str], str, int]] = {}
    line, pos = 1, 0
    for m in _DEFINE_RE.finditer(text):
        name, params, body = m.group(1), m.group(2), m.group(3)
        line += text.count("\n", pos, m.start())
        pos = m.start()
        body = " ".join(_COMMENT_RE.sub(" ", body.replace("\\\n", " ")).split())
        if params is None:
            defines.setdefault(name, (body, line))
        else:
            names = [p.strip() for p in params[1:-1].split(",") if p.strip()]
            macros.setdefault(name, (names, body, line))
    return defines, macros


_DIRECTIVE_RE = re.compile(r"[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b")


def force_untaken_branches(text: str, emitted: set[int], nth: int = 0) -> str:
    """The file with every #if group forced onto a branch the first reading skipped.

    `emitted` holds the original lines the first reading's cpp output came
    from; a branch with one of them was taken. Each group then takes its first
    untaken branch that holds code (a group without #else is forced true, so
    what is nested inside stays reachable); `#if 0` is left alone. One more
    reading of this text finds the definitions of `#else` branches, nested
    ones included, which a plain negation of every condition would miss.
    With `nth` = 1, groups take their second untaken branch where they have
    one (the #else of a group nested in a branch the first reading skipped).
    """
    lines = text.split("\n")
    groups: list[list[tuple[int, str, int]]] = []  # branches: (line index, kind, end index)
    stack: list[list[tuple[int, str, int]]] = []
    k = 0
    spans: dict[int, int] = {}  # directive line index -> last index of its continuation
    while k < len(lines):
        start = k
        while lines[k].endswith("\\") and k + 1 < len(lines):
            k += 1
        m = _DIRECTIVE_RE.match(lines[start])
        if m:
            spans[start] = k
            kind = m.group(1)
            if kind in ("if", "ifdef", "ifndef"):
                group = [(start, kind, -1)]
                stack.append(group)
                groups.append(group)
            elif stack and kind in ("elif", "else"):
                stack[-1].append((start, kind, -1))
            elif stack and kind == "endif":
                group = stack.pop()
                group.append((start, "endif", -1))
        k += 1
    for group in groups:
        if group[-1][1] != "endif":
            continue  # unbalanced: leave it to cpp
        first = lines[group[0][0]]
        if group[0][1] == "if" and re.fullmatch(r"[ \t]*#[ \t]*if[ \t]+[01][ \t]*(/\*.*\*/[ \t]*)?", first):
            continue
        branches = group[:-1]
        ranges = [(branches[b][0] + 1, group[b + 1][0]) for b in range(len(branches))]
        taken = [b for b, (lo, hi) in enumerate(ranges) if any((n + 1) in emitted for n in range(lo, hi))]
        chosen = 0
        if len(branches) > 1:
            code = [b for b, (lo, hi) in enumerate(ranges) if b not in taken and any(lines[n].strip() for n in range(lo, hi))]
            chosen = code[min(nth, len(code) - 1)] if code else (taken[0] if taken else 0)
        for b, (index, kind, _) in enumerate(branches):
            if kind == "else":
                continue
            word = "if" if b == 0 else "elif"
            lines[index] = f"#{word} {1 if b == chosen else 0}"
            for extra in range(index + 1, spans.get(index, index) + 1):
                lines[extra] = ""
    return "\n".join(lines)
