"""Control-flow skeleton counts, to check that rewrites kept every edge.

The counts of `return`, `goto`, labels and `case` in a function's AST should
equal those of its source text outside comments, strings and directives;
where they differ, `explain` says which known cause applies.
"""

from __future__ import annotations

import re
from collections import Counter

from pycparser import c_ast

KINDS = ("return", "goto", "label", "case")
_AST_KIND = {c_ast.Return: "return", c_ast.Goto: "goto", c_ast.Label: "label", c_ast.Case: "case"}
_NOISE = re.compile(
    r"/\*.*?\*/|//[^\n]*|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|^[ \t]*#(?:[^\n\\]|\\.|\\\n)*",
    re.S | re.M,
)
_KEYWORD = re.compile(r"\b(return|goto|case)\b")
_LABEL = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*:(?![:=])", re.M)


def ast_counts(node: c_ast.Node) -> Counter:
    counts: Counter = Counter()
    stack = [node]
    while stack:
        n = stack.pop()
        kind = _AST_KIND.get(type(n))
        if kind:
            counts[kind] += 1
        stack.extend(child for _, child in n.children())
    return counts


def strip_noise(text: str) -> str:
    """Comments, strings, char literals and directives blanked (newlines kept)."""
    return _NOISE.sub(lambda m: "\n" * m.group().count("\n"), text)


def source_counts(text: str) -> Counter:
    clean = strip_noise(text)
    counts: Counter = Counter(m.group(1) for m in _KEYWORD.finditer(clean))
    counts["label"] = sum(1 for m in _LABEL.finditer(clean) if m.group(1) not in ("default", "case") and _statement_start(clean, m.start(1)))
    return counts


def _statement_start(text: str, pos: int) -> bool:
    """A label starts a statement: `a ?\n b : c` continues an expression."""
    k = pos - 1
    while k >= 0 and text[k] in " \t\r\n":
        k -= 1
    return k < 0 or text[k] in ";{}:)"


def control_flow_macros(local_macros: dict) -> set[str]:
    """File-local macros whose expansion holds return/goto/case/a label, directly or not."""
    found = {n for n, (_, body, _) in local_macros.items() if re.search(r"\b(return|goto|case)\b|\w\s*:\s*;?$", body)}
    changed = True
    while changed:
        changed = False
        for name, (_, body, _) in local_macros.items():
            if name not in found and any(re.search(rf"\b{re.escape(m)}\b", body) for m in found):
                found.add(name)
                changed = True
    return found


def explain(source: str, ast: Counter, src: Counter, cf_macros: set[str]) -> str:
    """The likely cause of a disagreement between AST and source counts."""
    if re.search(r"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else)\b", source, re.M):
        return "conditional compilation (#if branch not taken)"
    clean = strip_noise(source)
    for name in cf_macros:
        if re.search(rf"\b{re.escape(name)}\b", clean):
            return "file-local macro with control flow, expanded by cpp"
    if re.search(r"\basm\s+goto\b|\b__asm__\s+goto\b|goto\s*\*", clean):
        return "asm goto / computed goto"
    if any(ast[k] > src[k] for k in KINDS):
        return "more in the AST than in the text"
    return "fewer in the AST than in the text"
