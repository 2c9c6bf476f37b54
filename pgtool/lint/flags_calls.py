"""Per-call classification: which call sets, clears or tests which flag of which object.

Works on pycparser nodes. An object is named by its root variable
(`&page->flags` -> `page`, `folio_flags(folio, 0)` -> `folio`,
`(struct folio *)page` -> `page`); `ObjectMap` then groups the local variables
a function derives from one another (`map = mem_map + map_nr`) so a clear on
`map` counts for a release of `map_nr`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pycparser import c_ast

from pgtool.lint.flags_family import Bitops, Family


# Calls that return another handle of their first argument's object; set from
# rules/flags.toml [objects] conversions by `set_conversions`.
CONVERSIONS: set[str] = set()
# Fields that are another name of their object (2.x `page->map_nr`, the page's
# index in mem_map); from [objects] identity_fields.
IDENTITY_FIELDS: set[str] = set()


def set_conversions(names, identity_fields=()) -> None:
    CONVERSIONS.clear()
    CONVERSIONS.update(names)
    IDENTITY_FIELDS.clear()
    IDENTITY_FIELDS.update(identity_fields)


@dataclass(frozen=True)
class FlagOp:
    op: str              # set | clear | test_and_set | test_and_clear | test
    flag: str            # canonical member (aliases resolved)
    written: str         # the member as the code names it
    obj: str | None      # root variable of the object, None if unknown
    line: int
    call: str            # the accessor or bit operation called
    family: str


def call_name(node: c_ast.FuncCall) -> str | None:
    return node.name.name if isinstance(node.name, c_ast.ID) else None


def call_args(node: c_ast.FuncCall) -> list:
    return list(node.args.exprs) if node.args is not None else []


def object_root(expr) -> str | None:
    """A key naming the object an expression designates, if any.

    `page`, `(struct folio *)page`, `&page->flags`, `&folio->page` (an embedded
    member is the same object) and `page_folio(page)` all give "page";
    `chunk->data` (a pointer kept in a field) is its own object "chunk->data",
    and `pages[i]` is "pages[]", not the array `pages` itself.
    """
    for _ in range(32):
        if isinstance(expr, c_ast.ID):
            return expr.name
        if isinstance(expr, c_ast.Cast):
            expr = expr.expr
        elif isinstance(expr, c_ast.UnaryOp):
            if expr.op == "&" and isinstance(expr.expr, c_ast.StructRef):
                expr = expr.expr.name
            elif expr.op in ("&", "*", "++", "--", "p++", "p--"):
                expr = expr.expr
            else:
                return None
        elif isinstance(expr, c_ast.StructRef):
            if expr.field.name in IDENTITY_FIELDS:
                expr = expr.name          # `page->map_nr` names the page itself
                continue
            base = object_root(expr.name)
            return f"{base}{expr.type}{expr.field.name}" if base else None
        elif isinstance(expr, c_ast.ArrayRef):
            base = object_root(expr.name)
            return f"{base}[]" if base else None
        elif isinstance(expr, c_ast.BinaryOp) and expr.op in ("+", "-"):
            left = object_root(expr.left)
            if left is not None:
                return left
            expr = expr.right
        elif isinstance(expr, c_ast.FuncCall):
            # Conversions take the object first: page_folio(page),
            # folio_flags(folio, 0), MAP_NR(addr). Any other call makes a new object.
            args = call_args(expr)
            if not args or call_name(expr) not in CONVERSIONS:
                return None
            expr = args[0]
        elif isinstance(expr, c_ast.ExprList) and expr.exprs:
            expr = expr.exprs[-1]
        else:
            return None
    return None


def classify_call(node: c_ast.FuncCall, families: list[Family], bitops: Bitops) -> list[FlagOp]:
    """What a call does to family flags (usually zero or one FlagOp)."""
    name = call_name(node)
    if name is None:
        return []
    line = node.coord.line if node.coord else 0
    args = call_args(node)
    out = []
    op = bitops.by_name.get(name)
    if op is not None and len(args) > max(bitops.bit_arg, bitops.word_arg):
        bit = args[bitops.bit_arg]
        if isinstance(bit, c_ast.ID):
            for fam in families:
                if fam.is_member(bit.name):
                    out.append(FlagOp(op, fam.canonical(bit.name), bit.name,
                                      object_root(args[bitops.word_arg]), line, name, fam.name))
        return out
    for fam in families:
        acc = fam.accessors.get(name)
        if acc is not None and acc.flag in fam.members:
            obj = object_root(args[acc.arg]) if len(args) > acc.arg else None
            out.append(FlagOp(acc.op, fam.canonical(acc.flag), acc.flag, obj, line, name, fam.name))
    return out


def mask_assignment(node: c_ast.Assignment, families: list[Family], masks: dict[str, set[str]]) -> list[FlagOp]:
    """`page->flags &= ~MASK` clears the mask's members; `|= 1 << PG_x` sets."""
    if node.op not in ("&=", "|="):
        return []
    target = node.lvalue
    if not isinstance(target, c_ast.StructRef):
        return []
    if node.op == "|=" and any(isinstance(n, c_ast.StructRef) for n in _walk(node.rvalue)):
        return []      # `tail->flags |= head->flags & MASK` copies bits, it does not set one
    obj = object_root(target.name)     # `page->flags &= ...`: the object is page
    line = node.coord.line if node.coord else 0
    names = _idents(node.rvalue)
    flags: set[tuple[str, str, str]] = set()
    for fam in families:
        for n in names:
            if fam.is_member(n):
                flags.add((fam.name, fam.canonical(n), n))
            for m in masks.get(n, ()):
                flags.add((fam.name, fam.canonical(m), m))
    if node.op == "&=" and not (isinstance(node.rvalue, c_ast.UnaryOp) and node.rvalue.op == "~"):
        return []
    op = "clear" if node.op == "&=" else "set"
    return [FlagOp(op, flag, written, obj, line, node.op, fam) for fam, flag, written in sorted(flags)]


def _idents(node) -> set[str]:
    out = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, c_ast.ID):
            out.add(n.name)
        elif n is not None:
            stack.extend(child for _, child in n.children())
    return out


class ObjectMap:
    """Groups a function's locals and parameters that designate one object.

    Flow-insensitive and deliberately simple: `a = f(b)`, `a = b + k`,
    `T *a = (T *)b` put a and b in one group; globals never join a group.
    """

    def __init__(self, funcdef: c_ast.FuncDef):
        self.params: list[str] = _param_names(funcdef)
        self.locals: set[str] = set(self.params)
        self._parent: dict[str, str] = {}
        self.pointers: set[str] = set(_pointer_params(funcdef))
        for node in _walk(funcdef.body):
            if isinstance(node, c_ast.Decl) and node.name:
                self.locals.add(node.name)
                if isinstance(node.type, (c_ast.PtrDecl, c_ast.ArrayDecl)):
                    self.pointers.add(node.name)
        # Parameters the function moves (`low_pfn++`, `page = next`) no longer
        # designate the caller's object; they stay out of summaries.
        self.moved: set[str] = set()
        for node in _walk(funcdef.body):
            if isinstance(node, c_ast.Assignment) and isinstance(node.lvalue, c_ast.ID):
                self.moved.add(node.lvalue.name)
            elif isinstance(node, c_ast.UnaryOp) and node.op in ("++", "--", "p++", "p--") \
                    and isinstance(node.expr, c_ast.ID):
                self.moved.add(node.expr.name)
        for node in _walk(funcdef.body):
            if isinstance(node, c_ast.Decl) and node.name and node.init is not None:
                self._link(node.name, node.init)
            elif isinstance(node, c_ast.Assignment) and node.op == "=":
                left = node.lvalue.name if isinstance(node.lvalue, c_ast.ID) else None
                if left:
                    self._link(left, node.rvalue)

    def _find(self, name: str) -> str:
        while self._parent.get(name, name) != name:
            name = self._parent[name]
        return name

    def _link(self, left: str, rhs) -> None:
        if isinstance(rhs, c_ast.InitList):
            return
        if left not in self.locals:
            return
        # A pointer copies its object; a number (a pfn, an index) names one only
        # through a conversion (`map_nr = MAP_NR(addr)`), not by arithmetic.
        if left not in self.pointers and not (isinstance(rhs, c_ast.FuncCall)
                                              and call_name(rhs) in CONVERSIONS):
            return
        for root in _roots_of(rhs):
            if root in self.locals and root != left:
                a, b = self._find(left), self._find(root)
                if a != b:
                    self._parent[a] = b

    def group(self, name: str | None) -> str | None:
        if name is None:
            return None
        return self._find(name) if name in self.locals else name

    def param_index(self, group: str | None) -> int | None:
        """The first parameter in an object's group, or None for locals/globals."""
        if group is None:
            return None
        for i, p in enumerate(self.params):
            if p and p not in self.moved and self._find(p) == group:
                return i
        return None


def _roots_of(expr) -> list[str]:
    """Object roots of an assignment's right side; both sides of `base + index`."""
    if isinstance(expr, c_ast.BinaryOp) and expr.op in ("+", "-"):
        return _roots_of(expr.left) + _roots_of(expr.right)
    if isinstance(expr, c_ast.Cast):
        return _roots_of(expr.expr)
    root = object_root(expr)
    return [root] if root else []


def _pointer_params(funcdef: c_ast.FuncDef) -> list[str]:
    decl = funcdef.decl.type
    while isinstance(decl, c_ast.PtrDecl):
        decl = decl.type
    out = []
    if isinstance(decl, c_ast.FuncDecl) and decl.args is not None:
        for p in decl.args.params:
            if isinstance(getattr(p, "type", None), (c_ast.PtrDecl, c_ast.ArrayDecl)) and p.name:
                out.append(p.name)
    return out


def _param_names(funcdef: c_ast.FuncDef) -> list[str]:
    decl = funcdef.decl.type
    while isinstance(decl, c_ast.PtrDecl):
        decl = decl.type
    names = []
    if isinstance(decl, c_ast.FuncDecl) and decl.args is not None:
        for p in decl.args.params:
            names.append(getattr(p, "name", None) or (p.name if isinstance(p, c_ast.ID) else ""))
    # K&R definitions list the names in param_decls as well.
    return names


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        yield n
        stack.extend(child for _, child in n.children())
