"""The per-path state of the lock walk and the expression helpers it needs.

A state is an immutable, hashable tuple so the generic path walk can detect a
repeated (block, state) pair: that is what makes loops converge and what
shares work between paths that end up equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pycparser import c_ast

from pgtool.lint.cfg import expr_text

# Depths are relative to function entry and clamped, so a loop that keeps
# taking a lock still reaches a fixed point (the double lock is reported once).
MAX_DEPTH = 3
MIN_DEPTH = -3

_WRAPPING_CALLS = frozenset({"spinlock_check", "raw_spinlock_check", "READ_ONCE", "rcu_dereference"})


@dataclass(frozen=True)
class Held:
    """One lock's state on a path."""

    depth: int                     # relative to entry: +1 taken here, -1 released the caller's
    here: bool                     # this path acquired it at least once
    tags: tuple = ()               # stack of (variant, flags text, line) of acquisitions
    last_line: int = 0             # line of the last operation on it
    last_action: str = ""          # "acquire" | "release"
    vague: bool = False            # the name was reassigned: state unknown
    retaken: bool = False          # acquired again after a release or while held, on this path


@dataclass(frozen=True)
class State:
    locks: tuple = ()      # sorted ((cls, text), Held)
    facts: frozenset = frozenset()   # (condition text, truth)
    vals: tuple = ()       # sorted (variable, int constant)
    pend: tuple = ()       # sorted (variable, (op name, lock key, line)) results of try calls

    def lock_map(self) -> dict:
        return dict(self.locks)

    def with_locks(self, m: dict) -> "State":
        return State(tuple(sorted(m.items())), self.facts, self.vals, self.pend)

    def with_facts(self, facts) -> "State":
        return State(self.locks, frozenset(facts), self.vals, self.pend)

    def with_vals(self, vals: dict) -> "State":
        return State(self.locks, self.facts, tuple(sorted(vals.items())), self.pend)

    def with_pend(self, pend: dict) -> "State":
        return State(self.locks, self.facts, self.vals, tuple(sorted(pend.items(), key=lambda kv: kv[0])))


def strip_lock_expr(node: c_ast.Node) -> c_ast.Node:
    """Drop what does not change a lock's identity: casts, `&*`, `*&`, wrappers."""
    while True:
        if isinstance(node, c_ast.Cast):
            node = node.expr
        elif (isinstance(node, c_ast.UnaryOp) and node.op in ("&", "*")
              and isinstance(node.expr, c_ast.UnaryOp) and node.expr.op == ("*" if node.op == "&" else "&")):
            node = node.expr.expr
        elif (isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID)
              and node.name.name in _WRAPPING_CALLS and node.args and node.args.exprs):
            node = node.args.exprs[0]
        else:
            return node


def lock_text(node: c_ast.Node) -> str:
    return _squeeze(expr_text(strip_lock_expr(node)))


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("( ", "(").replace(" )", ")")


def root_ident(node: c_ast.Node) -> str | None:
    """The variable an lvalue or lock expression hangs off (`p` in `&p->a.b[i]`)."""
    while True:
        if isinstance(node, c_ast.ID):
            return node.name
        if isinstance(node, c_ast.StructRef):
            node = node.name
        elif isinstance(node, c_ast.ArrayRef):
            node = node.name
        elif isinstance(node, (c_ast.UnaryOp, c_ast.Cast)):
            node = node.expr
        else:
            return None


def idents(node: c_ast.Node | None) -> set[str]:
    out: set[str] = set()
    if node is None:
        return out
    stack = [node]
    while stack:
        cur = stack.pop()
        if isinstance(cur, c_ast.ID):
            out.add(cur.name)
        elif isinstance(cur, c_ast.StructRef):
            stack.append(cur.name)   # the field name is not a variable
            continue
        stack.extend(child for _, child in cur.children())
    return out


def int_value(node: c_ast.Node | None) -> int | None:
    """The value of an integer constant expression we can read at a glance."""
    if isinstance(node, c_ast.Cast):
        return int_value(node.expr)
    if isinstance(node, c_ast.Constant) and node.type in ("int", "long", "unsigned int", "char"):
        text = node.value.rstrip("uUlL")
        try:
            return int(text, 0) if not text.startswith("'") else ord(text[1]) if len(text) == 3 else None
        except ValueError:
            try:
                return int(text, 8)
            except ValueError:
                return None
    if isinstance(node, c_ast.UnaryOp) and node.op == "-":
        inner = int_value(node.expr)
        return -inner if inner is not None else None
    if isinstance(node, c_ast.ID) and node.name in ("NULL", "false"):
        return 0
    if isinstance(node, c_ast.ID) and node.name == "true":
        return 1
    return None


_ERRNO = re.compile(r"^E[A-Z0-9]+$")


def return_class(node: c_ast.Node | None, vals: dict) -> str:
    """Sort a returned value the way smatch sorts returns into success/failure.

    "zero", "pos" (positive constant, true), "neg" (negative constant, -EFOO,
    ERR_PTR), "null", "void", or "other" (not known here).
    """
    if node is None:
        return "void"
    if isinstance(node, c_ast.Cast):
        return return_class(node.expr, vals)
    if isinstance(node, c_ast.ID):
        if node.name == "NULL":
            return "null"
        if node.name in vals:
            v = vals[node.name]
            return "zero" if v == 0 else "pos" if v > 0 else "neg"
    if isinstance(node, c_ast.UnaryOp) and node.op == "-" and isinstance(node.expr, c_ast.ID) \
            and _ERRNO.match(node.expr.name):
        return "neg"
    if isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID) \
            and node.name.name in ("ERR_PTR", "ERR_CAST"):
        return "neg"
    v = int_value(node)
    if v is not None:
        return "zero" if v == 0 else "pos" if v > 0 else "neg"
    return "other"
