"""Control-flow graph of one C function, built from its pycparser AST.

Generic: nothing here knows about locks or page flags. A block holds the
statements it runs in order (pycparser nodes, plus the synthetic `ScopeExit`
and `ReturnSite` items) and ends in edges; a two-way branch puts its condition
on the edges, so a path walk can correlate it. `&&`, `||` and `!` in branch
conditions are split into separate blocks (short-circuit order), so every edge
condition is an atomic expression.

Scope-based cleanup (`guard(cls)(args)`, `scoped_guard(...) {}`, variables
with `__cleanup__`/`__free`) is made explicit: every edge that leaves a scope
(falling out of it, return, goto, break, continue) runs a `ScopeExit` item per
cleanup registered in that scope, innermost first, as the compiler does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pycparser import c_ast
from pycparser.c_generator import CGenerator

_GEN = CGenerator()

# Loop-head macros whose body runs exactly once with a guard held (the
# front-end keeps them as `For(cond=FuncCall(ID(name)))`).
SCOPED_GUARD_MACROS = frozenset({"scoped_guard", "scoped_cond_guard"})
# Branch-prediction wrappers: a condition `unlikely(!p)` is the test `!p`.
_EXPECT_HINTS = frozenset({"likely", "unlikely", "__builtin_expect", "likely_notrace", "unlikely_notrace"})


def expr_text(node: c_ast.Node | None) -> str:
    """Canonical source text of an expression (whitespace-normalised)."""
    if node is None:
        return ""
    try:
        return _GEN.visit(node)
    except Exception:  # a node the generator does not know: still give a stable key
        return f"<{type(node).__name__}@{getattr(getattr(node, 'coord', None), 'line', 0)}>"


def node_line(node: c_ast.Node | None, default: int = 0) -> int:
    coord = getattr(node, "coord", None)
    return coord.line if coord is not None and coord.line else default


def node_col(node: c_ast.Node | None) -> int:
    coord = getattr(node, "coord", None)
    return coord.column if coord is not None and coord.column else 1


@dataclass(frozen=True)
class ScopeExit:
    """Leaving a scope runs this cleanup (implicit unlock, kfree, ...)."""

    kind: str                  # "guard" (guard()/scoped_guard) or "cleanup" (__cleanup__ variable)
    node: c_ast.Node           # the guard call, or the variable's Decl
    line: int                  # where the scope is left (the jump, or the closing brace)
    var: str | None = None     # the cleanup variable
    func: str | None = None    # its cleanup function


@dataclass(frozen=True)
class ReturnSite:
    """A return of the function: the walk records its state here."""

    line: int
    col: int
    expr: c_ast.Node | None    # the returned expression (None: void or falling off the end)
    implicit: bool = False     # falling off the closing brace


@dataclass(frozen=True)
class Edge:
    dst: int
    cond: c_ast.Node | None = None   # atomic branch condition, or None for an unconditional edge
    value: bool | None = None        # the condition's truth on this edge
    loop: bool = False               # a loop-head test (iterators: not correlated)
    kill: frozenset = frozenset()    # condition texts whose facts die on this (back) edge


@dataclass
class Block:
    id: int
    items: list = field(default_factory=list)
    succs: list[Edge] = field(default_factory=list)
    label: str | None = None


@dataclass
class CFG:
    name: str
    blocks: list[Block]
    entry: int
    exit: int
    returns: list[ReturnSite]
    noreturn_blocks: set[int] = field(default_factory=set)
    noreturn_calls: set[int] = field(default_factory=set)   # id() of calls that end their path

    def preds(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {b.id: [] for b in self.blocks}
        for b in self.blocks:
            for e in b.succs:
                out[e.dst].append(b.id)
        return out


@dataclass
class _Scope:
    key: int                                   # id() of the Compound / For node
    cleanups: list[ScopeExit] = field(default_factory=list)


@dataclass
class _Target:
    block: int
    depth: int          # scope depth at the loop/switch, for break/continue cleanups
    kill: frozenset = frozenset()


def guard_call(node: c_ast.Node) -> c_ast.FuncCall | None:
    """`guard(cls)(args)`: the outer call when `node` is one, else None."""
    if (isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.FuncCall)
            and isinstance(node.name.name, c_ast.ID) and node.name.name.name == "guard"):
        return node
    return None


def call_name(node: c_ast.Node) -> str | None:
    if isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID):
        return node.name.name
    return None


class _Builder:
    def __init__(self, func: c_ast.FuncDef, end_line: int, cleanup_vars: dict[str, str],
                 noreturn: frozenset[str]):
        self.func = func
        self.end_line = end_line
        self.cleanup_vars = cleanup_vars
        self.noreturn = noreturn
        self.blocks: list[Block] = []
        self.labels: dict[str, int] = {}
        self.label_scopes: dict[str, tuple[int, ...]] = {}
        self.scopes: list[_Scope] = []
        self.breaks: list[_Target] = []
        self.continues: list[_Target] = []
        self.returns: list[ReturnSite] = []
        self.noreturn_blocks: set[int] = set()
        self.noreturn_calls: set[int] = set()
        self.exit = self.new().id
        self.dead = self.new().id   # where noreturn calls go: not an exit of the function
        self.noreturn_blocks.add(self.dead)

    # -- plumbing ---------------------------------------------------------
    def new(self, label: str | None = None) -> Block:
        block = Block(len(self.blocks), label=label)
        self.blocks.append(block)
        return block

    def link(self, src: int | None, dst: int, **kw) -> None:
        if src is not None:
            self.blocks[src].succs.append(Edge(dst, **kw))

    def label_block(self, name: str) -> int:
        if name not in self.labels:
            self.labels[name] = self.new(label=name).id
        return self.labels[name]

    def _collect_label_scopes(self, node: c_ast.Node, chain: tuple[int, ...]) -> None:
        if isinstance(node, c_ast.Label):
            self.label_scopes[node.name] = chain
        if isinstance(node, (c_ast.Compound, c_ast.For)):
            chain = chain + (id(node),)
        for _, child in node.children():
            self._collect_label_scopes(child, chain)

    def leave_scopes(self, cur: int | None, depth: int, line: int) -> int | None:
        """Run the cleanups of the scopes deeper than `depth`, innermost first."""
        if cur is None:
            return None
        for scope in reversed(self.scopes[depth:]):
            for cleanup in reversed(scope.cleanups):
                self.blocks[cur].items.append(
                    ScopeExit(cleanup.kind, cleanup.node, line, cleanup.var, cleanup.func))
        return cur

    # -- construction -----------------------------------------------------
    def build(self) -> CFG:
        self._collect_label_scopes(self.func.body, ())
        entry = self.new().id
        end = self.stmt(self.func.body, entry)
        if end is not None:
            site = ReturnSite(self.end_line, 1, None, implicit=True)
            self.blocks[end].items.append(site)
            self.returns.append(site)
            self.link(end, self.exit)
        return CFG(self.func.decl.name, self.blocks, entry, self.exit, self.returns,
                   self.noreturn_blocks, self.noreturn_calls)

    def stmt(self, node: c_ast.Node | None, cur: int | None) -> int | None:
        """Append `node` after block `cur`; return the block control falls out of
        (None when it cannot fall through, e.g. after return/goto)."""
        if node is None:
            return cur
        if cur is None:
            # Unreachable code still matters when a label inside it is jumped to.
            cur = self.new().id
        method = getattr(self, "s_" + type(node).__name__, None)
        if method is not None:
            return method(node, cur)
        self.blocks[cur].items.append(node)
        name = call_name(node)
        if name is not None and name in self.noreturn:
            self.noreturn_calls.add(id(node))
            self.link(cur, self.dead)
            return None
        if guard_call(node) is not None and self.scopes:
            self.scopes[-1].cleanups.append(ScopeExit("guard", node, node_line(node)))
        return cur

    def s_Compound(self, node: c_ast.Compound, cur: int) -> int | None:
        self.scopes.append(_Scope(id(node)))
        for item in node.block_items or ():
            cur = self.stmt(item, cur)
        scope = self.scopes.pop()
        if cur is not None and scope.cleanups:
            close = self.end_line if node is self.func.body else _closing_line(node, self.end_line)
            for cleanup in reversed(scope.cleanups):
                self.blocks[cur].items.append(
                    ScopeExit(cleanup.kind, cleanup.node, close, cleanup.var, cleanup.func))
        return cur

    def s_Decl(self, node: c_ast.Decl, cur: int) -> int | None:
        self.blocks[cur].items.append(node)
        if node.name in self.cleanup_vars and self.scopes:
            self.scopes[-1].cleanups.append(
                ScopeExit("cleanup", node, node_line(node), node.name, self.cleanup_vars[node.name]))
        return cur

    def s_DeclList(self, node: c_ast.DeclList, cur: int) -> int | None:
        for decl in node.decls:
            cur = self.stmt(decl, cur)
        return cur

    def s_EmptyStatement(self, node, cur):
        return cur

    def s_Pragma(self, node, cur):
        return cur

    def s_Return(self, node: c_ast.Return, cur: int) -> None:
        if node.expr is not None:
            self.blocks[cur].items.append(node.expr)
        line = node_line(node)
        self.leave_scopes(cur, 0, line)
        site = ReturnSite(line, node_col(node), node.expr)
        self.blocks[cur].items.append(site)
        self.returns.append(site)
        self.link(cur, self.exit)
        return None

    def s_Goto(self, node: c_ast.Goto, cur: int) -> None:
        target_chain = self.label_scopes.get(node.name, ())
        depth = 0
        while depth < len(self.scopes) and depth < len(target_chain) \
                and self.scopes[depth].key == target_chain[depth]:
            depth += 1
        self.leave_scopes(cur, depth, node_line(node))
        self.link(cur, self.label_block(node.name))
        return None

    def s_Label(self, node: c_ast.Label, cur: int) -> int | None:
        block = self.label_block(node.name)
        self.link(cur, block)
        return self.stmt(node.stmt, block)

    def s_Break(self, node: c_ast.Break, cur: int) -> None:
        if self.breaks:
            target = self.breaks[-1]
            self.leave_scopes(cur, target.depth, node_line(node))
            self.link(cur, target.block)
        return None

    def s_Continue(self, node: c_ast.Continue, cur: int) -> None:
        if self.continues:
            target = self.continues[-1]
            self.leave_scopes(cur, target.depth, node_line(node))
            self.link(cur, target.block, kill=target.kill)
        return None

    def s_If(self, node: c_ast.If, cur: int) -> int | None:
        then_b, else_b = self.new().id, self.new().id
        self.cond(node.cond, cur, then_b, else_b)
        then_end = self.stmt(node.iftrue, then_b)
        else_end = self.stmt(node.iffalse, else_b)
        if then_end is None and else_end is None:
            return None
        join = self.new().id
        self.link(then_end, join)
        self.link(else_end, join)
        return join

    def cond(self, expr: c_ast.Node, cur: int, t: int, f: int, loop: bool = False) -> None:
        """Branch from `cur` to `t`/`f` on `expr`, splitting &&, || and !."""
        name = call_name(expr)
        if name in _EXPECT_HINTS and expr.args is not None and expr.args.exprs:
            # likely(x), unlikely(x), __builtin_expect(x, c): the test is x
            self.cond(expr.args.exprs[0], cur, t, f, loop)
        elif isinstance(expr, c_ast.UnaryOp) and expr.op == "!":
            self.cond(expr.expr, cur, f, t, loop)
        elif isinstance(expr, c_ast.BinaryOp) and expr.op == "&&":
            mid = self.new().id
            self.cond(expr.left, cur, mid, f, loop)
            self.cond(expr.right, mid, t, f, loop)
        elif isinstance(expr, c_ast.BinaryOp) and expr.op == "||":
            mid = self.new().id
            self.cond(expr.left, cur, t, mid, loop)
            self.cond(expr.right, mid, t, f, loop)
        elif isinstance(expr, c_ast.ExprList) and expr.exprs:
            # comma operator: all but the last are evaluated for effect
            self.blocks[cur].items.extend(expr.exprs[:-1])
            self.cond(expr.exprs[-1], cur, t, f, loop)
        else:
            self.blocks[cur].items.append(expr)   # evaluate calls in the condition first
            self.link(cur, t, cond=expr, value=True, loop=loop)
            self.link(cur, f, cond=expr, value=False, loop=loop)

    def _loop(self, head_cond, body, cur, init=None, step=None, do_while=False, node=None):
        if init is not None:
            cur = self.stmt(init, cur)
            if cur is None:
                cur = self.new().id
        head, body_b, after, step_b = self.new().id, self.new().id, self.new().id, self.new().id
        kill = frozenset(_cond_texts(body) | _cond_texts(head_cond))
        self.link(cur, body_b if do_while else head)
        if head_cond is None:
            self.link(head, body_b)
        else:
            self.cond(head_cond, head, body_b, after, loop=True)
        self.breaks.append(_Target(after, len(self.scopes)))
        self.continues.append(_Target(step_b if not do_while else head, len(self.scopes), kill))
        body_end = self.stmt(body, body_b)
        self.breaks.pop()
        self.continues.pop()
        self.link(body_end, step_b)
        step_end = self.stmt(step, step_b) if step is not None else step_b
        if step_end is not None:
            self.blocks[step_end].succs.append(Edge(head, kill=kill))
        return after

    def s_While(self, node: c_ast.While, cur: int) -> int:
        return self._loop(node.cond, node.stmt, cur)

    def s_DoWhile(self, node: c_ast.DoWhile, cur: int) -> int:
        if _is_false_constant(node.cond):
            # do { } while (0): a block that `break` leaves, no back edge
            after = self.new().id
            self.breaks.append(_Target(after, len(self.scopes)))
            self.continues.append(_Target(after, len(self.scopes)))
            end = self.stmt(node.stmt, cur)
            self.breaks.pop()
            self.continues.pop()
            self.link(end, after)
            return after
        return self._loop(node.cond, node.stmt, cur, do_while=True)

    def s_For(self, node: c_ast.For, cur: int) -> int | None:
        name = call_name(node.cond) if node.init is None and node.next is None else None
        if name in SCOPED_GUARD_MACROS:
            return self._scoped_guard(node, cur)
        return self._loop(node.cond, node.stmt, cur, init=node.init, step=node.next)

    def _scoped_guard(self, node: c_ast.For, cur: int) -> int | None:
        # The body runs once with the guard held; any exit from it (falling
        # out, break, continue, return, goto) drops the guard.
        self.blocks[cur].items.append(node.cond)
        after = self.new().id
        scope = _Scope(id(node), [ScopeExit("guard", node.cond, node_line(node))])
        self.scopes.append(scope)
        self.breaks.append(_Target(after, len(self.scopes) - 1))
        self.continues.append(_Target(after, len(self.scopes) - 1))
        end = self.stmt(node.stmt, cur)
        self.breaks.pop()
        self.continues.pop()
        self.scopes.pop()
        if end is not None:
            close = _closing_line(node.stmt, node_line(node))
            self.blocks[end].items.append(ScopeExit("guard", node.cond, close))
            self.link(end, after)
        return after

    def s_Switch(self, node: c_ast.Switch, cur: int) -> int:
        self.blocks[cur].items.append(node.cond)
        after = self.new().id
        dispatch = cur
        saved = getattr(self, "_switch", None)
        self._switch = {"dispatch": dispatch, "default": False, "cond": node.cond}
        self.breaks.append(_Target(after, len(self.scopes)))
        end = self.stmt(node.stmt, None)
        self.breaks.pop()
        if not self._switch["default"]:
            self.link(dispatch, after)
        self._switch = saved
        self.link(end, after)
        return after

    def _case(self, node, cur, is_default: bool):
        block = self.new().id
        sw = getattr(self, "_switch", None)
        self.link(cur, block)   # fall-through from the previous case
        if sw is not None:
            self.link(sw["dispatch"], block)
            if is_default:
                sw["default"] = True
        for item in node.stmts or ():
            block = self.stmt(item, block)
        return block

    def s_Case(self, node: c_ast.Case, cur: int | None):
        return self._case(node, cur, False)

    def s_Default(self, node: c_ast.Default, cur: int | None):
        return self._case(node, cur, True)


def _closing_line(node: c_ast.Node, default: int) -> int:
    """Best estimate of a block's closing-brace line: its last statement's line."""
    last = default
    items = getattr(node, "block_items", None)
    if items:
        last = max(node_line(items[-1], default), _max_line(items[-1]))
    return last


def _max_line(node: c_ast.Node) -> int:
    best = node_line(node)
    for _, child in node.children():
        best = max(best, _max_line(child))
    return best


def _is_false_constant(node: c_ast.Node | None) -> bool:
    return isinstance(node, c_ast.Constant) and node.value.strip("uUlL") in ("0", "0x0")


def _cond_texts(node: c_ast.Node | None) -> set[str]:
    """Texts of the branch conditions inside `node`: facts about them must not
    survive a loop's back edge (they may change from one iteration to the next)."""
    out: set[str] = set()
    if node is None:
        return out
    stack = [node]
    while stack:
        cur = stack.pop()
        cond = getattr(cur, "cond", None) if isinstance(
            cur, (c_ast.If, c_ast.While, c_ast.DoWhile, c_ast.For, c_ast.TernaryOp)) else None
        if cond is not None:
            stack2 = [cond]
            while stack2:
                c = stack2.pop()
                if isinstance(c, c_ast.BinaryOp) and c.op in ("&&", "||"):
                    stack2 += [c.left, c.right]
                elif isinstance(c, c_ast.UnaryOp) and c.op == "!":
                    stack2.append(c.expr)
                else:
                    out.add(expr_text(c))
        stack.extend(child for _, child in cur.children())
    return out


def build_cfg(func: c_ast.FuncDef, *, end_line: int | None = None,
              cleanup_vars: dict[str, str] | None = None,
              noreturn: frozenset[str] | set[str] = frozenset()) -> CFG:
    """The CFG of `func`. `end_line` is the closing brace (the implicit return);
    `noreturn` names calls that end a path without returning (panic, BUG)."""
    if end_line is None:
        end_line = _max_line(func) + 1
    return _Builder(func, end_line, cleanup_vars or {}, frozenset(noreturn)).build()
