"""Path walk for `flag-not-cleared-at-release`, with per-function summaries.

Per path, the walk keeps a token for each (flag, object group) the path has
touched: "C" cleared, or ("S", file, line, function) set at that site. A key
with no token holds whatever the caller passed in ("unknown"). At a release
(a rules release function, or a call to a function whose summary releases an
argument) each audited flag of the released object is looked at:
- set on this path: a finding, with the setter;
- unknown and the object is a parameter: the release passes up to the callers
  (the summary records it; every call site is then checked the same way);
- unknown and the object is a local/global: a root. Reported only for flags
  audited strictly (introduced by the change under review), since nothing
  says the flag could be set there.

Summaries, computed callees first (cycles see a partial summary): which flags
a function clears on every return path and sets on some, per parameter, and
which parameters it releases with which flags possibly still set.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from pycparser import c_ast

from pgtool.lint.cfg import CFG, Edge, ReturnSite, ScopeExit
from pgtool.lint.flags_calls import (FlagOp, ObjectMap, call_args, call_name, classify_call, mask_assignment,
                                    object_root)
from pgtool.lint.flags_family import Bitops, Family
from pgtool.lint.paths import walk

_MAX_VIA = 64       # calls remembered per release site and parameter in a summary
_WRAPPERS = {"likely", "unlikely", "__builtin_expect", "WARN_ON", "WARN_ON_ONCE", "VM_BUG_ON"}


@dataclass(frozen=True)
class Site:
    """Where something happens: the function, file, line, and the call."""
    function: str
    file: str
    line: int
    call: str = ""
    after: str = ""     # where it stands (the call before it, the loop and label it is
                        # under): tells apart two release calls of one name without a
                        # line number, for fingerprints


@dataclass
class Summary:
    clears: dict[int, set[str]] = field(default_factory=dict)          # param -> flags cleared on all returns
    sets: dict[int, dict[str, Site]] = field(default_factory=dict)     # param -> flag -> a set site
    # param -> flag -> release site -> the calls it was passed up through
    releases: dict[int, dict[str, dict[Site, frozenset]]] = field(default_factory=dict)
    release_family: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    """A release that an audited flag can reach still set (or, for strict flags, not cleared)."""
    flag: str                  # canonical flag
    family: str
    release: Site              # the release call (innermost)
    at: Site                   # the call in the function under analysis that reaches it
    setters: tuple[Site, ...]  # set sites on the path (empty: root of a strict audit)
    root: bool                 # reached with the flag unknown from a local/global object
    via: frozenset = frozenset()  # calls between `at` and the release that passed it up


class FlagAnalysis:
    """Walks every function once, callees first, and collects hits."""

    def __init__(self, functions, families: list[Family], bitops: Bitops, cfg_of,
                 audit: dict[str, set[str]] | None = None, strict: dict[str, set[str]] | None = None,
                 budget: int = 20000):
        self.functions = functions
        self.families = families
        self.fam_by_name = {f.name: f for f in families}
        self.bitops = bitops
        self.cfg_of = cfg_of
        # family -> flags checked at release (must_clear plus audited), and the strict subset
        self.audit = {f.name: set(f.must_clear) | set((audit or {}).get(f.name, ())) for f in families}
        self.strict = {f.name: set((strict or {}).get(f.name, ())) for f in families}
        # Flags the release check looks at: the walk keeps no state for others,
        # which would only multiply the paths (a function that copies twenty
        # flags one `if` at a time has 2^20 of them).
        self.tracked = set().union(*self.audit.values()) if self.audit else set()
        self.budget = budget
        self.masks: dict[str, set[str]] = {}
        for f in families:
            for name, members in f.masks.items():
                self.masks.setdefault(name, set()).update(members)
        self.by_name: dict[str, list] = {}
        for fn in functions:
            self.by_name.setdefault(fn.name, []).append(fn)
        self.summaries: dict[tuple, Summary] = {}
        self.hits: set[Hit] = set()
        # (flag, release, call) reached with the flag cleared on some path: a
        # release reached uncleared on *every* path is told apart from one
        # reached uncleared on *some* path
        self.cleared_on_arrival: set[tuple] = set()
        self.exhausted: list = []
        self.callers: dict[str, int] = {}      # function name -> call sites seen in analysed code
        self.ops: list[tuple[FlagOp, str, str]] = []   # every flag op seen: (op, function, file)

    # -- driver ----------------------------------------------------------
    def run(self, focus: set[str] | None = None) -> None:
        """Walk every function, or only those named in `focus` and their
        callers, transitively (callees get walked for their summaries)."""
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20000))
        todo = self.functions if focus is None else self._with_callers(focus)
        try:
            self._state = {}
            for fn in todo:
                self._summarize(fn)
        finally:
            sys.setrecursionlimit(old)
        self._roots(todo)

    def _with_callers(self, names: set[str]) -> list:
        callers: dict[str, set[str]] = {}
        for fn in self.functions:
            for node in iter_calls(fn.ast.body):
                name = call_name(node)
                if name:
                    callers.setdefault(name, set()).add(fn.name)
        keep, stack = set(names), list(names)
        while stack:
            for caller in callers.get(stack.pop(), ()):
                if caller not in keep:
                    keep.add(caller)
                    stack.append(caller)
        return [fn for fn in self.functions if fn.name in keep]

    def _key(self, fn) -> tuple:
        return (fn.file, fn.name, fn.start_line)

    def resolve(self, name: str, file: str) -> list:
        """The definitions a call from `file` may reach: the file's own (both
        arms of an #ifdef may define it), else the first one elsewhere."""
        cands = self.by_name.get(name)
        if not cands:
            return []
        local = [c for c in cands if c.file == file]
        return local or cands[:1]

    def _summarize(self, fn) -> Summary:
        key = self._key(fn)
        if key in self.summaries:
            return self.summaries[key]
        if self._state.get(key) == "busy":
            return Summary()
        self._state[key] = "busy"
        # Callees first, so their summaries are ready when the walk meets them.
        for node in iter_calls(fn.ast.body):
            name = call_name(node)
            for callee in self.resolve(name, fn.file) if name else ():
                if callee is not fn:
                    self._summarize(callee)
        summary = _FunctionWalk(self, fn).run()
        self.summaries[key] = summary
        self._state[key] = "done"
        return summary

    def summary_of(self, name: str, file: str) -> Summary | None:
        found = [self.summaries.get(self._key(c)) for c in self.resolve(name, file)]
        found = [f for f in found if f is not None]
        if len(found) <= 1:
            return found[0] if found else None
        return _merge(found)

    def _roots(self, functions) -> None:
        """Strict flags whose release passes up to a function nobody here calls."""
        for fn in functions:
            summary = self.summaries.get(self._key(fn))
            if summary is None or self.callers.get(fn.name):
                continue
            for param, flags in summary.releases.items():
                fam = summary.release_family.get(param, "")
                for flag, sites in flags.items():
                    if flag not in self.strict.get(fam, ()):
                        continue
                    for site, via in sites.items():
                        at = next((v for v in sorted(via, key=_site_key) if v.function == fn.name), site)
                        self.hits.add(Hit(flag, fam, site, at, (), True, via - {at}))


class _FunctionWalk:
    def __init__(self, analysis: FlagAnalysis, fn):
        self.a = analysis
        self.fn = fn
        self.objects = ObjectMap(fn.ast)
        self.summary = Summary()
        self.returns: list[frozenset] = []
        self.complete = True
        self.tracked = self._tracked_vars()
        self._order = None
        self._loops: dict | None = None
        self._labels: list = []

    def _landmarks(self, node: c_ast.FuncCall) -> str:
        """`after unlock_page(), in list_for_each_entry_safe, below out_unlock:`."""
        parts = []
        prev = self._previous_call(node)
        if prev:
            parts.append(f"after {prev}()")
        if self._loops is None:
            self._loops, self._labels = {}, []
            _enclosing_loops(self.fn.ast.body, None, self._loops)
            self._labels = sorted((n.coord.line, n.name) for n in _walk_all(self.fn.ast.body)
                                  if isinstance(n, c_ast.Label) and n.coord is not None)
        loop = self._loops.get(id(node))
        if loop:
            parts.append(f"in {loop}")
        line = node.coord.line if node.coord else 0
        label = [name for at, name in self._labels if at <= line]
        if label:
            parts.append(f"below {label[-1]}:")
        return ", ".join(parts)

    def _previous_call(self, node: c_ast.FuncCall) -> str:
        """Name of the call that precedes `node` in source order (not inside it)."""
        if self._order is None:
            calls = [c for c in iter_calls(self.fn.ast.body) if c.coord is not None]
            # calls inside another call's arguments do not count: `f(g(x))` is f
            nested = {id(inner) for c in calls for inner in iter_calls(c.args) if c.args is not None}
            # nor does a call that ends its path (panic): it leads nowhere near the release
            ends = self.a.cfg_of(self.fn).noreturn_calls
            self._order = sorted((c for c in calls if id(c) not in nested and id(c) not in ends),
                                 key=lambda c: (c.coord.line, c.coord.column or 0))
        prev = ""
        for c in self._order:
            if c is node:
                return prev
            if call_name(c):
                prev = call_name(c)
        return ""          # a release nested in another call's arguments

    def _tracked_vars(self) -> set[str]:
        """Locals in the group of an object the function flags or releases."""
        groups = set()
        for node in iter_calls(self.fn.ast.body):
            name = call_name(node)
            args = call_args(node)
            roots = [op.obj for op in classify_call(node, self.a.families, self.a.bitops)]
            if name and (name in self.a.by_name or any(name in f.releases for f in self.a.families)):
                roots += [object_root(a) for a in args]
            groups |= {self.objects.group(r) for r in roots if r}
        return {v for v in self.objects.locals if self.objects.group(v) in groups}

    def run(self) -> Summary:
        cfg: CFG = self.a.cfg_of(self.fn)
        stats = walk(cfg, frozenset(), self, self.a.budget)
        if stats.exhausted:
            self.complete = False
            self.a.exhausted.append(self.fn)
        self._finish()
        return self.summary

    # -- Transfer protocol ------------------------------------------------
    def item(self, state: frozenset, item, block: int):
        if isinstance(item, ScopeExit):
            return state
        if isinstance(item, c_ast.Decl):
            if item.init is None:
                return state
            for node in _post_order(item.init):
                state = self._node(state, node)
            return self._rebind(state, item.name)
        for node in _post_order(item):
            state = self._node(state, node)
        return state

    def _node(self, state, node):
        if isinstance(node, c_ast.FuncCall):
            return self._call(state, node)
        if isinstance(node, c_ast.Assignment):
            for op in mask_assignment(node, self.a.families, self.a.masks):
                state = self._apply(state, op)
            if node.op == "=" and isinstance(node.lvalue, c_ast.ID):
                state = self._rebind(state, node.lvalue.name)
        return state

    def _rebind(self, state: frozenset, var: str | None) -> frozenset:
        """A variable of a tracked object gets a value: the first time it only
        names the object (`folio = page_folio(page)`); on a later assignment
        on the same path (the next loop iteration) it names a new object, and
        what was known about the old one no longer applies to its group."""
        if var is None or var not in self.tracked:
            return state
        marker = (("=", var), "A")
        if marker not in state:
            return state | {marker}
        group = self.objects.group(var)
        return frozenset((k, v) for k, v in state if k[0] == "=" or k[1] != group)

    def edge(self, state: frozenset, edge: Edge):
        cond = edge.cond
        if cond is None or edge.value is None:
            return state
        while isinstance(cond, c_ast.FuncCall) and call_name(cond) in _WRAPPERS and call_args(cond):
            cond = call_args(cond)[0]
        if not isinstance(cond, c_ast.FuncCall):
            return state
        for op in classify_call(cond, self.a.families, self.a.bitops):
            if op.op != "test" or op.flag not in self.a.tracked:
                continue
            key = (op.flag, self.objects.group(op.obj))
            token = _get(state, key)
            if edge.value and token == "C":
                return None            # tested set right after a clear: infeasible
            if not edge.value:
                state = _put(state, key, "C")
        return state

    def at_return(self, state: frozenset, site: ReturnSite) -> None:
        self.returns.append(state)

    # -- effects ----------------------------------------------------------
    def _apply(self, state: frozenset, op: FlagOp) -> frozenset:
        self.a.ops.append((op, self.fn.name, self.fn.file))
        if op.flag not in self.a.tracked:
            return state       # only flags checked at a release need a state per path
        key = (op.flag, self.objects.group(op.obj))
        if op.op in ("set", "test_and_set"):
            return _put(state, key, ("S", self.fn.file, op.line, self.fn.name))
        if op.op in ("clear", "test_and_clear"):
            return _put(state, key, "C")
        return state

    def _call(self, state: frozenset, node: c_ast.FuncCall) -> frozenset:
        ops = classify_call(node, self.a.families, self.a.bitops)
        for op in ops:
            state = self._apply(state, op)
        if ops:
            return state
        name = call_name(node)
        if name is None:
            return state
        line = node.coord.line if node.coord else 0
        args = call_args(node)
        self.a.callers[name] = self.a.callers.get(name, 0) + 1
        # A release function of a family named in the rules.
        for fam in self.a.families:
            rel = fam.releases.get(name)
            if rel is not None and len(args) > rel.arg:
                site = Site(self.fn.name, self.fn.file, line, name, self._landmarks(node))
                group = self.objects.group(object_root(args[rel.arg]))
                audited = self.a.audit[fam.name] if rel.definite else self.a.strict[fam.name]
                flags = {f: {site: frozenset()} for f in audited}
                self._release(state, group, fam.name, flags, site)
        summary = self.a.summary_of(name, self.fn.file)
        if summary is None:
            return state
        for i, arg in enumerate(args):
            group = self.objects.group(object_root(arg))
            if group is None:
                continue
            if i in summary.releases:
                at = Site(self.fn.name, self.fn.file, line, name)
                self._release(state, group, summary.release_family.get(i, ""), summary.releases[i], at)
            for flag in summary.clears.get(i, ()):
                state = _put(state, (flag, group), "C")
            for flag, site in summary.sets.get(i, {}).items():
                state = _put(state, (flag, group), ("S", site.file, site.line, site.function))
        return state

    def _release(self, state, group, family: str, flags: dict[str, dict], at: Site) -> None:
        param = self.objects.param_index(group)
        for flag, paths in flags.items():
            token = _get(state, (flag, group))
            if token == "C":
                for site in paths:
                    self.a.cleared_on_arrival.add((flag, site, at))
                continue
            if token is not None:           # set on this path
                setter = Site(token[3], token[1], token[2])
                for site, via in paths.items():
                    self.a.hits.add(Hit(flag, family, site, at, (setter,), False, via))
            elif param is not None:
                rel = self.summary.releases.setdefault(param, {}).setdefault(flag, {})
                for site, via in paths.items():
                    old = rel.get(site, frozenset())
                    if len(old) < _MAX_VIA:
                        rel[site] = old | via | ({at} if at != site else set())
                self.summary.release_family[param] = family
            elif flag in self.a.strict.get(family, ()):
                for site, via in paths.items():
                    self.a.hits.add(Hit(flag, family, site, at, (), True, via))

    def _finish(self) -> None:
        if not self.complete or not self.returns:
            return
        for i, p in enumerate(self.objects.params):
            if not p or p in self.objects.moved:
                continue
            group = self.objects.group(p)
            flags = {k[0] for state in self.returns for k, _ in state if k[1] == group and k[0] != "="}
            for flag in flags:
                tokens = [_get(state, (flag, group)) for state in self.returns]
                if all(t == "C" for t in tokens):
                    self.summary.clears.setdefault(i, set()).add(flag)
                for t in tokens:
                    if isinstance(t, tuple):
                        self.summary.sets.setdefault(i, {})[flag] = Site(t[3], t[1], t[2])
                        break


def _walk_all(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if n is not None:
            yield n
            stack.extend(child for _, child in n.children())


def _enclosing_loops(node, loop: str | None, out: dict) -> None:
    """id(call) -> the innermost loop around it (an iterator macro's name, or for/while/do)."""
    stack = [(node, loop)]
    while stack:
        n, cur = stack.pop()
        if n is None:
            continue
        if isinstance(n, c_ast.FuncCall):
            out.setdefault(id(n), cur)
        if isinstance(n, c_ast.For):
            head = call_name(n.cond) if isinstance(n.cond, c_ast.FuncCall) and n.init is None else None
            inner = head or "a for loop"
            stack.extend((child, cur if child is not n.stmt else inner) for _, child in n.children())
            continue
        if isinstance(n, (c_ast.While, c_ast.DoWhile)):
            inner = "a while loop"
            stack.extend((child, cur if child is not n.stmt else inner) for _, child in n.children())
            continue
        stack.extend((child, cur) for _, child in n.children())


def _merge(summaries: list[Summary]) -> Summary:
    """One summary for alternative definitions: what any of them may do (sets,
    releases), what all of them surely do (clears)."""
    out = Summary()
    params = {p for s in summaries for p in s.clears}
    for p in params:
        common = set.intersection(*(s.clears.get(p, set()) for s in summaries))
        if common:
            out.clears[p] = common
    for s in summaries:
        for p, flags in s.sets.items():
            for flag, site in flags.items():
                out.sets.setdefault(p, {}).setdefault(flag, site)
        for p, flags in s.releases.items():
            for flag, sites in flags.items():
                dst = out.releases.setdefault(p, {}).setdefault(flag, {})
                for site, via in sites.items():
                    dst[site] = dst.get(site, frozenset()) | via
        for p, fam in s.release_family.items():
            out.release_family.setdefault(p, fam)
    return out


def _site_key(site: Site):
    return (site.file, site.line, site.function, site.call)


def _get(state: frozenset, key):
    for k, v in state:
        if k == key:
            return v
    return None


def _put(state: frozenset, key, value) -> frozenset:
    return frozenset({(k, v) for k, v in state if k != key} | {(key, value)})


def _post_order(node):
    """Calls and assignments of an expression in evaluation order (arguments first)."""
    out = []
    stack = [(node, False)]
    while stack:
        n, done = stack.pop()
        if n is None:
            continue
        if done:
            out.append(n)
            continue
        stack.append((n, True))
        for _, child in reversed(list(n.children())):
            stack.append((child, False))
    return [n for n in out if isinstance(n, (c_ast.FuncCall, c_ast.Assignment))]


def iter_calls(node):
    """Every call under `node` (argument calls included), in no set order."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if isinstance(n, c_ast.FuncCall):
            yield n
        stack.extend(child for _, child in n.children())
