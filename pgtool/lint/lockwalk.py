"""The transfer functions of the lock walk: what each call, assignment and
branch does to the per-path `State`.

Branch correlation has three sources: the result of a try-lock (on the edge
that tests it, or through the variable it was stored in), small integer
variables assigned constants (`locked = 1; ... if (locked) unlock()`), and
repeated identical conditions (`if (c) lock(); ... if (c) unlock();`), whose
facts die when a variable they read is assigned or at a loop's back edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pycparser import c_ast

from pgtool.lint.cfg import CFG, Edge, ReturnSite, ScopeExit, call_name, expr_text, guard_call, node_line
from pgtool.lint.lockrules import LockClass, LockOp, LockRules
from pgtool.lint.lockstate import (MAX_DEPTH, MIN_DEPTH, Held, State, int_value, lock_text,
                                   return_class, root_ident)


@dataclass(frozen=True)
class Event:
    """Something wrong on one path, reported whatever the other paths do."""

    check: str
    line: int
    col: int
    key: tuple
    message: str
    details: tuple = ()


@dataclass(frozen=True)
class ExitRecord:
    site: ReturnSite
    ret: str                   # return class (see lockstate.return_class)
    locks: tuple               # ((key, depth or None when vague, variant of the last acquire), ...)
    try_ret: tuple = ()        # keys whose state is the returned try-lock result: ((key, held_on), ...)
    param_facts: frozenset = frozenset()   # branch facts on parameters along the path


def _cmp_zero(node: c_ast.BinaryOp) -> tuple[c_ast.Node, str] | None:
    """`x OP 0` or `0 OP x`: (x, OP as if x were on the left)."""
    flip = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
    if node.op not in flip:
        return None
    if int_value(node.right) == 0:
        return node.left, node.op
    if int_value(node.left) == 0:
        return node.right, flip[node.op]
    return None


def _nonzero_on(op: str, value: bool, held_on: str | None = None) -> bool | None:
    """Is x nonzero, given that `x OP 0` has truth `value`? None: cannot tell.
    A "zero" try-lock returns 0 or -errno, so `x < 0` false means zero."""
    if op == "!=":
        return value
    if op == "==":
        return not value
    if op == "<":
        return True if value else (False if held_on == "zero" else None)
    if op == ">=":   # x >= 0: for 0/-errno results, the success (zero) side
        return (False if held_on == "zero" else None) if value else True
    if op == ">":
        return True if value else None
    if op == "<=":
        return None if value else True
    return None


@dataclass
class LockWalk:
    """Transfer functions for `pgtool.lint.paths.walk` over one function."""

    cfg: CFG
    rules: LockRules
    ops: dict[str, LockOp]               # rule ops plus callee summaries
    tracked: frozenset[str]              # small variables whose constant values are followed
    correlated: frozenset[str]           # condition texts worth remembering
    cond_ids: frozenset[int]
    ret_ids: frozenset[int]
    events: dict = field(default_factory=dict)    # (check, line, key) -> Event
    exits: set = field(default_factory=set)
    touched: set = field(default_factory=set)     # keys seen at all
    param_conds: frozenset = frozenset()          # condition texts that read a parameter
    aliases: dict = field(default_factory=dict)   # local -> the expression it always holds (locks.aliases_of)
    shown: dict = field(default_factory=dict)     # key -> the lock as first written (with aliases only)

    def display(self, key: tuple) -> str:
        return display(key, self.shown)

    def unalias(self, node: c_ast.Node, depth: int = 0) -> c_ast.Node:
        """`node` with each alias local replaced by what it holds (`&sighand->siglock` ->
        `&current->sighand->siglock`), so that a lock has one name whichever way it is reached."""
        if depth > 8:
            return node
        if isinstance(node, c_ast.ID):
            path = self.aliases.get(node.name)
            return node if path is None else self.unalias(path, depth + 1)
        if isinstance(node, c_ast.StructRef):
            inner = self.unalias(node.name, depth)
            return node if inner is node.name else c_ast.StructRef(inner, node.type, node.field, node.coord)
        if isinstance(node, c_ast.ArrayRef):
            inner = self.unalias(node.name, depth)
            return node if inner is node.name else c_ast.ArrayRef(inner, node.subscript, node.coord)
        if isinstance(node, c_ast.UnaryOp) and node.op in ("&", "*"):
            inner = self.unalias(node.expr, depth)
            return node if inner is node.expr else c_ast.UnaryOp(node.op, inner, node.coord)
        if isinstance(node, c_ast.Cast):
            inner = self.unalias(node.expr, depth)
            return node if inner is node.expr else c_ast.Cast(node.to_type, inner, node.coord)
        if isinstance(node, c_ast.FuncCall) and node.args is not None:
            args = [self.unalias(a, depth) for a in node.args.exprs]
            if all(a is b for a, b in zip(args, node.args.exprs)):
                return node
            return c_ast.FuncCall(node.name, c_ast.ExprList(args, node.args.coord), node.coord)
        return node

    # -- lock operations --------------------------------------------------
    def key_for(self, op: LockOp, args: list[c_ast.Node], target: c_ast.Node | None = None) -> tuple | None:
        """The lock a call acts on; `target` receives the call's value (for lock_ret ops)."""
        if not self.aliases:
            return self._key_for(op, args, target)
        key = self._key_for(op, [self.unalias(a) for a in args],
                            self.unalias(target) if target is not None else None)
        if key is not None and key not in self.shown:  # named in findings as first written
            written = self._key_for(op, args, target)
            self.shown[key] = written[1] if written is not None else key[1]
        return key

    def _key_for(self, op: LockOp, args: list[c_ast.Node], target: c_ast.Node | None) -> tuple | None:
        cls = op.cls
        if op.template is not None:
            return (cls.name, substitute(op.template, args))
        if cls.global_name:
            return (cls.name, cls.global_name)
        if op.lock_ret:
            return (cls.name, lock_text(target)) if target is not None else None
        idx = op.lock_arg if op.lock_arg is not None else cls.arg
        if idx is None or idx >= len(args):
            return None
        arg = c_ast.UnaryOp("*", args[idx], args[idx].coord) if op.lock_deref else args[idx]
        return (cls.name, lock_text(arg))

    def flags_of(self, op: LockOp, args: list[c_ast.Node]) -> str:
        if op.flags_arg is None or op.flags_arg >= len(args):
            return ""
        return lock_text(args[op.flags_arg])

    def _event(self, check: str, node: c_ast.Node, key: tuple, message: str, details: tuple = ()) -> None:
        line = node_line(node)
        ek = (check, line, key)
        if ek not in self.events:
            col = node.coord.column if getattr(node, "coord", None) and node.coord.column else 1
            self.events[ek] = Event(check, line, col, key, message, details)

    def acquire(self, st: State, key: tuple, cls: LockClass, node, variant: str = "", flags: str = "",
                name: str = "") -> State:
        locks = st.lock_map()
        cur = locks.get(key) or locks.get((key[0], "*")) or Held(0, False)
        if cur.vague and cur.last_action == "unknown":
            if key not in locks:
                locks[key] = cur
                return st.with_locks(locks)
            return st       # a callee left it in an unknown state: stays unknown
        if cur.vague:
            cur = Held(0, False)
        line = node_line(node)
        if not cls.counting and cur.depth >= 1:
            self._event("double-lock", node, key,
                        f"'{self.display(key)}' acquired by {_called(name)} while already held",
                        (f"previously acquired at line {cur.last_line}",))
        if not cls.counting and cur.depth >= 1:
            # a second acquire of a held binary lock deadlocks: do not count it,
            # so the matching releases show up as a double unlock
            locks[key] = Held(cur.depth, True, cur.tags, line, "acquire", retaken=True)
            self.touched.add(key)
            return st.with_locks(locks)
        tags = cur.tags + ((variant, flags, line),)
        retaken = cur.retaken or cur.last_action == "release" or cur.depth >= 1
        locks[key] = Held(min(cur.depth + 1, MAX_DEPTH), True, tags[-MAX_DEPTH:], line, "acquire",
                          retaken=retaken)
        self.touched.add(key)
        return st.with_locks(locks)

    def _downgraded_hold(self, locks: dict, key: tuple) -> tuple | None:
        """The exclusive hold a shared-mode release ends when the lock is not
        held shared: a downgrade the walk did not see (a callee did it)."""
        for cls in self.rules.classes.values():
            if cls.downgrade_to == key[0]:
                other = (cls.name, key[1])
                h = locks.get(other)
                if h is not None and not h.vague and h.depth >= 1:
                    return other
        return None

    def downgrade(self, st: State, key: tuple, cls: LockClass, node, name: str = "") -> State:
        """downgrade_write(): the exclusive hold becomes a shared one."""
        st = self.release(st, key, cls, node, name=name)
        return self.acquire(st, (cls.downgrade_to, key[1]), self.rules.classes[cls.downgrade_to], node, name=name)

    def release(self, st: State, key: tuple, cls: LockClass, node, variant: str = "", flags: str = "",
                name: str = "", restore: bool = False) -> State:
        locks = st.lock_map()
        cur = locks.get(key) or locks.get((key[0], "*")) or Held(0, False)
        if cur.depth <= 0 and not cur.vague:
            held = self._downgraded_hold(locks, key)
            if held is not None:
                key, cur = held, locks[held]
                cls = self.rules.classes[held[0]]
        if cur.vague and cur.last_action == "unknown":
            if key not in locks:
                locks[key] = cur
                return st.with_locks(locks)
            return st
        if cur.vague:
            cur = Held(0, False)
        if restore and cur.depth <= 0 and (not cls.counting or variant == "irqsave"):
            # restoring saved flags with nothing saved here changes nothing we
            # track; an unconditional enable (sti) does release a counting class
            return st
        line = node_line(node)
        if restore and variant == "irqsave" and flags:
            # local_irq_restore(f) returns to the state saved in f, whatever
            # was disabled after the save (hard_irq_disable, cli)
            popped = 0
            for i in range(len(cur.tags) - 1, -1, -1):
                if cur.tags[i][0] == "irqsave" and cur.tags[i][1] == flags:
                    popped = len(cur.tags) - i
                    break
            if popped > 1:
                locks[key] = Held(max(cur.depth - popped, MIN_DEPTH), cur.here, cur.tags[:-popped], line, "release")
                self.touched.add(key)
                return st.with_locks(locks)
        if not cls.counting:
            if cur.depth <= -1 or (cur.depth == 0 and cur.here and cur.last_action == "release"):
                # taken and released here, or the caller's hold already given back
                check = "double-unlock" if cur.here else "unlock-without-lock"
                what = "released again" if check == "double-unlock" else "released but not held"
                details = (f"last released at line {cur.last_line}",) if cur.last_action == "release" else ()
                self._event(check, node, key, f"'{self.display(key)}' {what} by {_called(name)}", details)
        if cur.tags and variant != "?" and cur.tags[-1][0] != "?" and not restore:
            tvariant, tflags, tline = cur.tags[-1]
            if tvariant == "irqsave" and variant != "irqsave":
                self._event("irqsave-mismatch", node, key,
                            f"'{self.display(key)}' taken with an irqsave call at line {tline} "
                            f"but released by {name}() without restoring the flags")
            elif variant == "irqsave" and tvariant != "irqsave":
                self._event("irqsave-mismatch", node, key,
                            f"'{self.display(key)}' released by {name}() restoring flags '{flags}' "
                            f"but taken at line {tline} without saving them")
            elif variant == "irqsave" and tflags and flags and tflags != flags:
                self._event("irqsave-mismatch", node, key,
                            f"'{self.display(key)}' restored with flags '{flags}' but saved in '{tflags}' "
                            f"at line {tline}")
        locks[key] = Held(max(cur.depth - 1, MIN_DEPTH), cur.here, cur.tags[:-1], line, "release",
                          retaken=cur.retaken)
        self.touched.add(key)
        return st.with_locks(locks)

    def apply_op(self, st: State, op: LockOp, args, node, held: bool | None = None,
                 target: c_ast.Node | None = None) -> State:
        if op.action == "vague" and op.all_keys:
            locks = st.lock_map()
            changed = False
            for k, h in locks.items():
                if k[0] == op.cls.name and not (h.vague and h.last_action == "unknown"):
                    locks[k] = Held(0, False, (), node_line(node), "unknown", vague=True)
                    changed = True
            if (op.cls.name, "*") not in locks:
                # also the locks of this class not named yet (the caller's)
                locks[(op.cls.name, "*")] = Held(0, False, (), node_line(node), "unknown", vague=True)
                changed = True
            return st.with_locks(locks) if changed else st
        key = self.key_for(op, args, target)
        if key is None:
            return st
        flags = self.flags_of(op, args)
        if op.action == "acquire" or (op.action == "try" and held):
            return self.acquire(st, key, op.cls, node, op.variant, flags, op.name)
        if op.action in ("release", "restore"):
            return self.release(st, key, op.cls, node, op.variant, flags, op.name,
                                restore=op.action == "restore")
        if op.action == "downgrade":
            return self.downgrade(st, key, op.cls, node, op.name)
        if op.action == "vague":
            # a callee whose effect on this lock depends on its return or its
            # arguments: what the lock's state is after the call is unknown
            locks = st.lock_map()
            locks[key] = Held(0, False, (), node_line(node), "unknown", vague=True)
            self.touched.add(key)
            return st.with_locks(locks)
        return st

    # -- items ------------------------------------------------------------
    def item(self, st: State, item, block: int) -> State | None:
        if isinstance(item, ScopeExit):
            return self.scope_exit(st, item)
        in_cond = id(item) in self.cond_ids
        in_ret = id(item) in self.ret_ids
        if in_ret:
            negated = isinstance(item, c_ast.UnaryOp) and item.op == "!"
            try_call = self.try_call(item.expr if negated else item)
            if try_call is not None:
                # `return spin_trylock(l)`: held iff the return value says so
                st = self.expr(st, try_call[1], skip_try=True)
                key = self.key_for(try_call[0], _args(try_call[1]))
                if key is not None:
                    pend = dict(st.pend)
                    pend["$ret!" if negated else "$ret"] = (try_call[0].name, key, node_line(item))
                    return st.with_pend(pend)
                return st
        return self.expr(st, item, skip_try=in_cond, top=not in_cond and not in_ret)

    def scope_exit(self, st: State, item: ScopeExit) -> State:
        if item.kind == "guard":
            found = self.guard_target(item.node)
            if found is None:
                return st
            cls, key = found
            node = _at_line(item.node, item.line)
            return self.release(st, key, cls, node, name=f"end of {'scoped_guard' if call_name(item.node) else 'guard'} scope")
        op = self.ops.get(item.func or "")
        if op is not None and op.action in ("release", "restore") and item.var:
            # __cleanup__(fn) calls fn(&var) at scope exit
            arg = c_ast.UnaryOp("&", c_ast.ID(item.var))
            key = self.key_for(op, [arg]) if op.template is not None or op.cls.global_name else \
                (op.cls.name, item.var)
            if key is not None:
                return self.release(st, key, op.cls, _at_line(item.node, item.line), name=item.func or "")
        return st

    def guard_target(self, node: c_ast.Node) -> tuple[LockClass, tuple] | None:
        """(class, key) a guard()/scoped_guard() call takes."""
        g = guard_call(node)
        if g is not None:
            inner = g.name.args.exprs if g.name.args else []
            cname = expr_text(inner[0]) if inner else ""
            args = _args(g)
        elif call_name(node) in ("scoped_guard", "scoped_cond_guard"):
            all_args = _args(node)
            if not all_args:
                return None
            cname = expr_text(all_args[0])
            args = all_args[1:] if call_name(node) == "scoped_guard" else all_args[2:]
        else:
            return None
        cls = self.rules.guards.get(cname)
        if cls is None:
            return None
        if cls.global_name:
            return cls, (cls.name, cls.global_name)
        if not args:
            return None
        key = (cls.name, lock_text(self.unalias(args[0])))
        if key not in self.shown and self.aliases:
            self.shown[key] = lock_text(args[0])
        return cls, key

    def try_call(self, node) -> tuple[LockOp, c_ast.FuncCall] | None:
        while isinstance(node, c_ast.Cast):
            node = node.expr
        name = call_name(node)
        op = self.ops.get(name) if name else None
        if op is not None and op.action == "try":
            return op, node
        return None

    def expr(self, st: State, node, skip_try: bool = False, top: bool = False,
             target: c_ast.Node | None = None) -> State:
        """Evaluate an expression (or declaration) for its lock effects, in order."""
        if node is None:
            return st
        if isinstance(node, c_ast.Decl):
            if node.init is not None and node.name:
                target = c_ast.ID(node.name, node.coord)
                st = self.kill(st, node.name)
                st = self.rename(st, node.name)
                st = self.expr(st, node.init, skip_try=True, target=target)
                st = self.assign(st, node.name, node.init, target=target)
            return st
        if isinstance(node, c_ast.Assignment):
            var = root_ident(node.lvalue)
            if var is not None:
                # the old object is gone before the new value's effects apply
                st = self.kill(st, var)
                st = self.rename(st, lock_text(node.lvalue))
            st = self.expr(st, node.rvalue, skip_try=True, target=node.lvalue if node.op == "=" else None)
            if var is not None:
                st = self.assign(st, var if isinstance(node.lvalue, c_ast.ID) else None, node.rvalue,
                                 op=node.op, target=node.lvalue)
            if self.try_call(node.rvalue) is None:
                return st
            if not isinstance(node.lvalue, c_ast.ID):
                # stored into memory we do not follow: assume the usual outcome
                return self.apply_try_default(st, node.rvalue, node.lvalue)
            return st
        if isinstance(node, c_ast.UnaryOp) and node.op in ("++", "--", "p++", "p--"):
            var = root_ident(node.expr)
            return self.kill(st, var) if var else st
        while isinstance(node, c_ast.Cast) and target is not None:
            node = node.expr
        if isinstance(node, c_ast.FuncCall):
            for arg in _args(node):
                st = self.expr(st, arg)
            g = self.guard_target(node)
            if g is not None and (guard_call(node) is not None or call_name(node) in ("scoped_guard", "scoped_cond_guard")):
                cls, key = g
                return self.acquire(st, key, cls, node, name="guard")
            name = call_name(node)
            if name is None:
                return st
            op = self.ops.get(name)
            if op is not None:
                if op.action == "try":
                    if skip_try:
                        return st
                    return self.apply_try_default(st, node, target)
                st = self.apply_op(st, op, _args(node), node, target=target)
            # a call taking &var may change var
            for arg in _args(node):
                # f(&var) may change var (f(&p->field) cannot change p)
                if isinstance(arg, c_ast.UnaryOp) and arg.op == "&" and isinstance(arg.expr, c_ast.ID):
                    st = self.kill(st, arg.expr.name)
            return st
        if isinstance(node, c_ast.Compound):          # ({ ... }) statement expression
            for sub in node.block_items or ():
                st = self.expr(st, sub)
            return st
        if isinstance(node, (c_ast.FuncDef, c_ast.Typedef, c_ast.TypeDecl)):
            return st
        for _, child in node.children():
            st = self.expr(st, child, skip_try=skip_try)
        return st

    def apply_try_default(self, st: State, call: c_ast.FuncCall, target=None) -> State:
        """A try call whose result is not tested here: old code often ignores
        down_interruptible()'s result; assume the lock was taken."""
        found = self.try_call(call)
        if found is None:
            return st
        return self.apply_op(st, found[0], _args(found[1]), found[1], held=True, target=target)

    def assign(self, st: State, var: str | None, rvalue, op: str = "=",
               target: c_ast.Node | None = None) -> State:
        if var is None:
            return st
        found = self.try_call(rvalue)
        if found is not None and op == "=":
            key = self.key_for(found[0], _args(found[1]), target if target is not None else c_ast.ID(var))
            if key is not None:
                pend = dict(st.pend)
                pend[var] = (found[0].name, key, node_line(rvalue))
                st = st.with_pend(pend)
            return st
        if var in self.tracked and op == "=":
            value = int_value(rvalue)
            callee = self.ops.get(call_name(rvalue) or "")
            if value is None and callee is not None and callee.ret_value is not None:
                value = callee.ret_value     # a wrapper that always returns the same constant
            if value is not None:
                vals = dict(st.vals)
                vals[var] = value
                return st.with_vals(vals)
        return st

    def rename(self, st: State, name: str) -> State:
        """`name` (a variable or a field holding a pointer) was assigned: locks
        named through it now name another object. Their state becomes vague (not
        reported at exit; a later operation on the name starts afresh), as smatch
        does for modified lock expressions."""
        lockmap = None
        pattern = re.compile(r"(?<![\w.>])" + re.escape(name) + r"(?!\w)")
        for key, held in st.locks:
            if not held.vague and pattern.search(key[1]):
                if lockmap is None:
                    lockmap = dict(st.locks)
                lockmap[key] = Held(0, False, (), held.last_line, "", vague=True)
        return st.with_locks(lockmap) if lockmap is not None else st

    def kill(self, st: State, var: str, locks: bool = False) -> State:
        """`var` changed: forget facts, values and pending results that read it.

        With `locks` (an assignment), locks named through `var` now name
        another object: their state becomes vague (not reported at exit, and
        a later operation on the name starts afresh), as smatch does.
        """
        facts = [f for f in st.facts if var not in _fact_idents(f[0])]
        vals = {k: v for k, v in st.vals if k != var}
        pend = {k: v for k, v in st.pend if k != var}
        lockmap = None
        if locks:
            for key, held in st.locks:
                if not held.vague and var in _fact_idents(key[1]):
                    if lockmap is None:
                        lockmap = dict(st.locks)
                    lockmap[key] = Held(0, False, (), held.last_line, "", vague=True)
        if lockmap is not None or len(facts) != len(st.facts) or len(vals) != len(st.vals) \
                or len(pend) != len(st.pend):
            lock_t = tuple(sorted(lockmap.items())) if lockmap is not None else st.locks
            return State(lock_t, frozenset(facts), tuple(sorted(vals.items())),
                         tuple(sorted(pend.items(), key=lambda kv: kv[0])))
        return st

    # -- edges ------------------------------------------------------------
    def edge(self, st: State, edge: Edge) -> State | None:
        if edge.kill:
            st = st.with_facts(f for f in st.facts if f[0] not in edge.kill)
        cond = edge.cond
        if cond is None:
            return st
        value = bool(edge.value)
        resolved = self.resolve_try(st, cond, value)
        if resolved is not None:
            return resolved
        # constant-valued variables
        var, cvalue = _var_test(cond)
        if var is not None:
            vals = dict(st.vals)
            if var in vals:
                truth = (vals[var] != 0) if cvalue is None else (vals[var] == cvalue)
                if cond_is_ne(cond):
                    truth = not truth
                return st if truth == value else None
        if edge.loop:
            return st
        text = expr_text(cond)
        if text in self.correlated:
            if (text, not value) in st.facts:
                return None
            if (text, value) not in st.facts:
                return st.with_facts(st.facts | {(text, value)})
        return st

    def _held_on_of(self, st: State, node) -> str | None:
        """held_on of the try-lock whose result `node` is (a call or a variable)."""
        while isinstance(node, c_ast.Cast):
            node = node.expr
        if isinstance(node, c_ast.Assignment):
            node = node.rvalue
        found = self.try_call(node)
        if found is not None:
            return found[0].held_on
        if isinstance(node, c_ast.ID):
            entry = dict(st.pend).get(node.name)
            if entry is not None and entry[0] in self.ops:
                return self.ops[entry[0]].held_on
        return None

    def resolve_try(self, st: State, cond, value: bool) -> State | None:
        """The edge tests a try-lock's result: take the lock on the held side."""
        node, nonzero = cond, value
        while isinstance(node, c_ast.Cast):
            node = node.expr
        if isinstance(node, c_ast.BinaryOp):
            cz = _cmp_zero(node)
            if cz is None:
                return None
            node, op = cz
            nonzero = _nonzero_on(op, value, self._held_on_of(st, node))
            if nonzero is None:
                return None
        while isinstance(node, c_ast.Cast):
            node = node.expr
        stored = None
        target = None
        if isinstance(node, c_ast.Assignment) and node.op == "=":
            stored = node.lvalue.name if isinstance(node.lvalue, c_ast.ID) else None
            target = node.lvalue
            node = node.rvalue
            while isinstance(node, c_ast.Cast):
                node = node.expr
        found = self.try_call(node)
        if found is not None and stored is not None:
            # `if ((ret = try()))` is resolved here, not again at a later `if (ret)`
            pend = dict(st.pend)
            pend.pop(stored, None)
            st = st.with_pend(pend)
        if found is not None:
            op, call = found
            held = nonzero if op.held_on in ("nonzero", "nonnull") else not nonzero
            return self.apply_op(st, op, _args(call), call, held=held, target=target)
        if isinstance(node, c_ast.ID):
            pend = dict(st.pend)
            entry = pend.pop(node.name, None)
            if entry is None:
                return None
            opname, key, line = entry
            op = self.ops.get(opname)
            if op is None:
                return st.with_pend(pend)
            held = nonzero if op.held_on in ("nonzero", "nonnull") else not nonzero
            st = st.with_pend(pend)
            if held:
                st = self.acquire(st, key, op.cls, _at_line(node, line), op.variant, "", op.name)
            return st
        return None

    # -- returns ----------------------------------------------------------
    def at_return(self, st: State, site: ReturnSite) -> None:
        locks = tuple(sorted((k, None if h.vague else h.depth, h.tags[-1][0] if h.tags else "", h.retaken,
                              h.here) for k, h in st.locks))
        ret = return_class(site.expr, dict(st.vals))
        try_ret: tuple = ()
        pend = dict(st.pend)
        if "$ret" in pend or "$ret!" in pend:
            negated = "$ret!" in pend
            opname, key, _ = pend["$ret!" if negated else "$ret"]
            op = self.ops.get(opname)
            if op is not None:
                held_on = _NEGATED[op.held_on] if negated else op.held_on
                try_ret = ((key, held_on),)
        elif isinstance(site.expr, c_ast.ID) and site.expr.name in pend:
            opname, key, _ = pend[site.expr.name]
            op = self.ops.get(opname)
            if op is not None:
                try_ret = ((key, op.held_on),)
        pf = frozenset(f for f in st.facts if f[0] in self.param_conds)
        self.exits.add(ExitRecord(site, ret, locks, try_ret, pf))


_NEGATED = {"nonzero": "zero", "zero": "nonzero", "nonnull": "zero"}


def cond_is_ne(cond) -> bool:
    return isinstance(cond, c_ast.BinaryOp) and cond.op == "!="


def _var_test(cond) -> tuple[str | None, int | None]:
    """`v` -> (v, None); `v == K` / `v != K` -> (v, K)."""
    if isinstance(cond, c_ast.ID):
        return cond.name, None
    if isinstance(cond, c_ast.BinaryOp) and cond.op in ("==", "!="):
        if isinstance(cond.left, c_ast.ID) and int_value(cond.right) is not None:
            return cond.left.name, int_value(cond.right)
        if isinstance(cond.right, c_ast.ID) and int_value(cond.left) is not None:
            return cond.right.name, int_value(cond.left)
    return None, None


_FACT_IDENT_CACHE: dict[str, frozenset] = {}


def _fact_idents(text: str) -> frozenset:
    got = _FACT_IDENT_CACHE.get(text)
    if got is None:
        import re
        got = frozenset(re.findall(r"[A-Za-z_]\w*", text))
        _FACT_IDENT_CACHE[text] = got
    return got


def _args(call: c_ast.FuncCall) -> list:
    return list(call.args.exprs) if call.args is not None else []


@dataclass(frozen=True)
class _Coord:
    line: int
    column: int = 1
    file: str = ""


class _LineNode:
    """A stand-in node carrying a line, for events at a scope exit."""

    def __init__(self, line: int):
        self.coord = _Coord(line)


def _at_line(node, line: int):
    if line and node_line(node) != line:
        return _LineNode(line)
    return node


def _called(name: str) -> str:
    if not name:
        return "a call"
    return name if " " in name else f"{name}()"


def display(key: tuple, shown: dict | None = None) -> str:
    """How a finding names a lock: as first written, which an alias makes differ from its key."""
    return shown.get(key, key[1]) if shown else key[1]


def substitute(template: str, args: list[c_ast.Node]) -> str:
    """Put the call's argument texts into a summary's lock template (`&$0->lock`)."""
    import re

    def one(match: re.Match) -> str:
        idx = int(match.group(1))
        if idx >= len(args):
            return "?"
        return f"\0{idx}\0"

    text = re.sub(r"\$(\d+)", one, template)
    for idx, arg in enumerate(args):
        marker = f"\0{idx}\0"
        if marker not in text:
            continue
        atext = lock_text(arg)
        if atext.startswith("&") and marker + "->" in text:
            text = text.replace(marker + "->", atext[1:] + ".")
        if atext.startswith("&") and "*" + marker in text:
            text = text.replace("*" + marker, atext[1:])
        if "&" + marker == text and atext.startswith("&"):
            pass
        simple = all(ch.isalnum() or ch in "_.->[]&" for ch in atext)
        text = text.replace(marker, atext if simple else f"({atext})")
    if text.startswith("&*"):
        text = text[2:]
    return text
