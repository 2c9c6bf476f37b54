"""The lock-balance check family: per-function path walk, exit analysis and
interprocedural summaries.

Order of work: callees before callers (over the functions analysed), so a
function that consistently returns with a lock taken or released becomes a
`LockOp` for its callers, exactly like a rule from `rules/locks.toml`; sparse
annotations (`__acquires`/`__releases`/`__must_hold`) override what is learnt.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from pycparser import c_ast

from pgtool.lint.cfg import CFG, call_name, expr_text
from pgtool.lint.findings import Finding, Related
from pgtool.lint.lockrules import LockOp, LockRules, load_lock_rules
from pgtool.lint.lockstate import State, lock_text, root_ident
from pgtool.lint.lockwalk import ExitRecord, LockWalk, display
from pgtool.lint.output import register_rule_help
from pgtool.lint.paths import walk

FAMILY = "locks"

CHECKS = {
    "inconsistent-exit": "the same lock ends at different depths on different return paths",
    "double-lock": "a non-recursive lock taken again while held on a path",
    "double-unlock": "a lock released twice on a path",
    "unlock-without-lock": "a lock released below what any caller can hold",
    "irqsave-mismatch": "irqsave/irqrestore pairs with different flags or a non-restoring release",
    "held-at-exit": "a function returns holding a lock its callers cannot release",
    "analysis-budget": "the per-function path bound was hit: results may be incomplete",
}
# Notes meaning "a locking contract, or a bug": a diff that brings one into a
# function that had none makes it a warning (pgtool.lint.scope).
CONTRACT_NOTES = frozenset({"inconsistent-exit", "held-at-exit"})

for _check, _text in CHECKS.items():
    register_rule_help(_check, _text)
register_rule_help("parse-failure", "a function the C front-end could not parse")

_SUCCESS = {"zero", "pos", "other"}
# Names that say "I return with a lock held" (lock_page_memcg, task_rq_lock,
# seq_file *_start, *_begin, get_locked_pte, folio_trylock, local_irq_save, ...).
_WRAPPER_WORDS = ("lock", "acquire", "take", "start", "begin", "enter", "hold", "disable", "save", "down")
# A word may carry an inflection (locked, taken) or a lock-kind prefix
# (trylock, spinlock, irqsave, seqbegin); "target", "block", "budget" and
# "threshold" merely contain one.
_WORD_PREFIXES = ("", "try", "spin", "rw", "re", "seq", "double", "irq", "bh", "raw", "read", "write", "mutex")
_WORD_SUFFIXES = ("", "s", "ed", "d", "n", "ing", "er")


def returns_bool(func: c_ast.FuncDef) -> bool:
    """`bool f(...)`: a predicate that may keep a lock when it returns true
    (wq_manager_inactive: "returns with the lock held on success")."""
    t = func.decl.type.type if isinstance(func.decl.type, c_ast.FuncDecl) else None
    return isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.IdentifierType) \
        and t.type.names[-1:] in (["bool"], ["_Bool"])


def _is_word(part: str, words: tuple[str, ...]) -> bool:
    return any(part == pre + w + suf for w in words if w in part
               for pre in _WORD_PREFIXES for suf in _WORD_SUFFIXES)


def is_wrapper_name(name: str, conditional: bool = False) -> bool:
    """A part of the name (split at '_') is a locking word.
    Returning a lock only on success is also the contract of *_get() lookups
    (page_ext_get, lock on a found object)."""
    words = _WRAPPER_WORDS + (("get", "grab") if conditional else ())
    return any(_is_word(part, words) for part in name.lower().split("_") if part and not part.startswith("un"))


# Parameter tests followed along paths (to tell "what the caller passed"
# apart from a bug): only simple ones, and a few, to bound the state space.
_PARAM_TEST_HELPERS = frozenset({"NULL", "IS_ERR", "IS_ERR_OR_NULL", "likely", "unlikely"})
_MAX_PARAM_CONDS = 4


@dataclass(frozen=True)
class Summary:
    """What a function does to locks its callers can name."""

    function: str
    file: str
    static: bool
    ops: tuple[LockOp, ...]       # each op's `name` is the function's name


@dataclass
class FunctionResult:
    findings: list[Finding]
    summary: Summary | None
    visits: int


# -- helpers over the function's AST -------------------------------------------

def param_names(func: c_ast.FuncDef) -> list[str]:
    args = getattr(func.decl.type, "args", None)
    out: list[str] = []
    for p in (args.params if args is not None else []):
        out.append(getattr(p, "name", None) or "")
    return out


def local_names(func: c_ast.FuncDef) -> set[str]:
    out: set[str] = set()
    stack = [func.body]
    while stack:
        node = stack.pop()
        if isinstance(node, c_ast.Decl) and node.name:
            out.add(node.name)
        stack.extend(child for _, child in node.children())
    return out


def aliases_of(func: c_ast.FuncDef, params: list[str], cleanup_vars: set[str] = frozenset()) -> dict[str, c_ast.Node]:
    """Pointer locals that only ever hold what they are declared with, an lvalue path
    (`sighand = current->sighand`, `lock = &dev->lock`) over names that never change.

    A lock reached through such a local is the lock its callees and the rest of
    the function name through the path itself (get_signal() takes
    `&sighand->siglock`, do_signal_stop() releases `&current->sighand->siglock`).
    """
    decls: dict[str, int] = defaultdict(int)
    inits: dict[str, c_ast.Node] = {}
    changed: set[str] = set()        # assigned, incremented or with its address taken
    stored: list[str] = []           # texts of every lvalue assigned (`current->mm = NULL`)
    returned: set[str] = set()       # a returned local hands its locks over as itself
    stack = [func.body]
    while stack:
        node = stack.pop()
        if isinstance(node, c_ast.Decl) and node.name:
            decls[node.name] += 1
            if node.init is not None and isinstance(node.type, c_ast.PtrDecl):
                inits[node.name] = node.init
        elif isinstance(node, c_ast.Assignment):
            if isinstance(node.lvalue, c_ast.ID):
                changed.add(node.lvalue.name)
            else:
                stored.append(lock_text(node.lvalue))
        elif isinstance(node, c_ast.Return) and isinstance(node.expr, c_ast.ID):
            returned.add(node.expr.name)
        elif isinstance(node, c_ast.UnaryOp) and node.op in ("++", "--", "p++", "p--", "&") \
                and isinstance(node.expr, c_ast.ID):
            changed.add(node.expr.name)
        stack.extend(child for _, child in node.children())
    locals_ = set(decls)
    fixed = {n for n in set(params) | locals_ if n and n not in changed and decls.get(n, 0) <= 1}
    fixed -= {n for n in locals_ if n not in inits and n not in params}  # declared bare: set later
    fixed -= cleanup_vars  # its address goes to the cleanup function

    def lvalue_path(node, calls: bool = True) -> bool:
        while True:
            if isinstance(node, c_ast.ID):
                return node.name in fixed or (node.name not in locals_ and node.name not in params)
            if isinstance(node, c_ast.StructRef):
                node = node.name
            elif isinstance(node, c_ast.ArrayRef) and isinstance(node.subscript, c_ast.Constant):
                node = node.name
            elif isinstance(node, c_ast.UnaryOp) and node.op in ("&", "*") or isinstance(node, c_ast.Cast):
                node = node.expr
            elif calls and isinstance(node, c_ast.FuncCall) and isinstance(node.name, c_ast.ID) and node.args:
                # a lock getter over the function's inputs (ext4_group_lock_ptr(sb, group), cpu_rq(cpu))
                return all(isinstance(a, c_ast.Constant) or (lvalue_path(a, calls=False)
                                                             and root_ident(a) not in locals_)
                           for a in node.args.exprs)
            else:
                return False

    def overwritten(init) -> bool:
        text = lock_text(init)
        return any(text == t or text.startswith((t + "->", t + ".", t + "[")) for t in stored)

    found = {n: init for n, init in inits.items()
             if n in fixed and n not in params and n not in returned and not isinstance(init, c_ast.Constant)
             and lvalue_path(init) and not overwritten(init)}
    # Two locals set from the same call text may hold two objects (two allocations): neither
    # is read as the call then, or a lock taken through one would be released through the other.
    by_text: dict[str, int] = defaultdict(int)
    for name, init in found.items():
        by_text[lock_text(init)] += 1
    return {n: init for n, init in found.items()
            if by_text[lock_text(init)] == 1 or not _has_call(init)}


def _has_call(node: c_ast.Node) -> bool:
    while isinstance(node, (c_ast.StructRef, c_ast.ArrayRef, c_ast.UnaryOp, c_ast.Cast)):
        node = node.name if isinstance(node, (c_ast.StructRef, c_ast.ArrayRef)) else node.expr
    return isinstance(node, c_ast.FuncCall)


def called_names(func: c_ast.FuncDef) -> set[str]:
    out: set[str] = set()
    stack = [func.body]
    while stack:
        node = stack.pop()
        name = call_name(node)
        if name:
            out.add(name)
        stack.extend(child for _, child in node.children())
    return out


def _branch_texts(cfg: CFG, params: set[str]) -> tuple[frozenset, frozenset, frozenset, frozenset]:
    """(correlated condition texts, tracked variables, condition node ids,
    condition texts that read a parameter)."""
    counts: dict[str, int] = defaultdict(int)
    tracked: set[str] = set()
    cond_ids: set[int] = set()
    seen_nodes: set[int] = set()
    param_conds: set[str] = set()
    for block in cfg.blocks:
        for edge in block.succs:
            if edge.cond is None:
                continue
            cond_ids.add(id(edge.cond))
            if id(edge.cond) in seen_nodes:
                continue
            seen_nodes.add(id(edge.cond))
            text = expr_text(edge.cond)
            counts[text] += 1
            if not edge.loop and _is_param_test(edge.cond, params) and len(param_conds) < _MAX_PARAM_CONDS:
                param_conds.add(text)
            node = edge.cond
            if isinstance(node, c_ast.ID):
                tracked.add(node.name)
            elif isinstance(node, c_ast.BinaryOp) and node.op in ("==", "!="):
                for side in (node.left, node.right):
                    if isinstance(side, c_ast.ID):
                        tracked.add(side.name)
    for site in cfg.returns:
        if isinstance(site.expr, c_ast.ID):
            tracked.add(site.expr.name)
    correlated = frozenset(t for t, n in counts.items() if n > 1) | frozenset(param_conds)
    return correlated, frozenset(tracked), frozenset(cond_ids), frozenset(param_conds)


def _is_param_test(cond, params: set[str]) -> bool:
    """`p`, `IS_ERR(p)`, `p == NULL`, `p != 0`: a test of what the caller passed
    (not of the data it points to)."""
    while isinstance(cond, c_ast.FuncCall) and call_name(cond) in _PARAM_TEST_HELPERS \
            and cond.args is not None and len(cond.args.exprs) == 1:
        cond = cond.args.exprs[0]
    if isinstance(cond, c_ast.BinaryOp) and cond.op in ("==", "!="):
        from pgtool.lint.lockstate import int_value
        if int_value(cond.right) is not None:
            cond = cond.left
        elif int_value(cond.left) is not None:
            cond = cond.right
    return isinstance(cond, c_ast.ID) and cond.name in params


def template_for(text: str, node_root: str | None, params: list[str], locals_: set[str],
                 is_global_class: bool) -> str | None:
    """A lock text a caller can name: `$i` for parameters; None if it hangs off a local."""
    if is_global_class:
        return text
    if node_root is None:
        return None
    if _CALL_ROOT.match(text):
        # a lock getter's result (`ext4_group_lock_ptr(sb, group)`): nameable through its arguments
        roots = {m.group(1) for m in _ARG_ROOT.finditer(text) if text[m.end():m.end() + 1] != "("}
        if roots & locals_:
            return None
        for name in roots & set(params):
            text = re.sub(rf"(?<![\w>.]){re.escape(name)}\b(?!\()", f"${params.index(name)}", text)
        return text
    if node_root in params:
        idx = params.index(node_root)
        return re.sub(rf"\b{re.escape(node_root)}\b", f"${idx}", text, count=1)
    if node_root in locals_:
        return None
    return text     # a global variable: the same name in every caller


_CALL_ROOT = re.compile(r"^[&*(\s]*[A-Za-z_]\w*\(")
_ARG_ROOT = re.compile(r"(?<![\w>.$])([A-Za-z_]\w*)")   # a name not reached through -> or .


def _root_of_text(text: str) -> str | None:
    m = re.match(r"^[&*(\s]*([A-Za-z_]\w*)", text)
    return m.group(1) if m else None


# -- the analysis ----------------------------------------------------------------

def analyse_function(function, cfg: CFG, rules: LockRules, ops: dict[str, LockOp],
                     budget: int) -> FunctionResult:
    params = param_names(function.ast)
    correlated, tracked, cond_ids, param_conds = _branch_texts(cfg, set(params) - {""})
    ret_ids = frozenset(id(s.expr) for s in cfg.returns if s.expr is not None)
    lw = LockWalk(cfg, rules, ops, tracked, correlated, cond_ids, ret_ids, param_conds=param_conds,
                  aliases=aliases_of(function.ast, params, set(getattr(function, "cleanup_vars", None) or ())))
    stats = walk(cfg, State(), lw, budget)
    findings: list[Finding] = []
    fname, file = function.name, function.file
    # One finding per lock and kind of path event (the first), like sparse's
    # one report per function: the other places are listed under it.
    grouped: dict = defaultdict(list)
    for ev in sorted(lw.events.values(), key=lambda e: (e.line, e.col, e.check)):
        # the first event on a lock explains the ones after it (a double lock
        # makes the later unlocks look doubled): one finding per lock
        grouped[(ev.key, "")].append(ev)
    for (key, check), evs in sorted(grouped.items(), key=lambda kv: (kv[1][0].line, kv[0][1])):
        ev = evs[0]
        details = ev.details
        if len(evs) > 1:
            details = details + ("then: " + "; ".join(f"{e.check} at line {e.line}" for e in evs[1:]),)
        findings.append(Finding(ev.check, "warning", file, ev.line, ev.col, fname, ev.message,
                                details, subject=lw.display(ev.key), family=FAMILY))
    if stats.exhausted:
        findings.append(Finding("analysis-budget", "note", file, function.start_line, 1, fname,
                                f"path bound of {budget} states hit; lock results for this function "
                                f"may be incomplete", family=FAMILY))
    locals_ = local_names(function.ast)
    annotated = {a.kind for a in function.annotations}
    summary_ops: list[LockOp] = []
    exits = sorted(lw.exits, key=lambda r: (r.site.line, r.ret, repr(r.locks)))
    event_keys = {ev.key for ev in lw.events.values()}
    ret_value = _constant_return(exits)
    returned = {r.site.expr.name for r in exits if isinstance(r.site.expr, c_ast.ID)}
    for key in sorted(lw.touched):
        cls = rules.classes.get(key[0]) or next((o.cls for o in ops.values() if o.cls.name == key[0]), None)
        if cls is None:
            continue
        tmpl = template_for(key[1], _root_of_text(key[1]), params, locals_, cls.global_name is not None)
        # A lock hanging off a local the function does not return is one no
        # caller can name, let alone release: no locking contract can cover it.
        nameable = tmpl is not None or _root_of_text(key[1]) in returned
        verdict = _exit_verdict(key, exits, is_wrapper_name(fname, conditional=True) or bool(annotated)
                                or returns_bool(function.ast), nameable=nameable)
        kind = verdict[0]
        if kind == "inconsistent" and key in event_keys:
            pass    # the double lock/unlock already explains the unequal exits
        elif kind == "inconsistent":
            findings.append(_inconsistent(function, key, verdict[1], verdict[2], lw.shown))
        elif kind == "consistent":
            delta = verdict[1]
            if delta != 0 and tmpl is not None:
                summary_ops.append(LockOp(fname, cls, "acquire" if delta > 0 else "release",
                                          variant=_exit_variant(key, exits, delta), template=tmpl,
                                          ret_value=ret_value, origin=f"{file}:{function.start_line}"))
            if delta > 0 and not annotated and not stats.exhausted and not is_wrapper_name(fname) \
                    and _root_of_text(key[1]) not in returned:
                # (a function returning the object whose lock it holds hands it over)
                # A lock wrapper (named for it) or an annotated function returns
                # holding a lock on purpose; anything else is worth a look, and
                # a lock no caller can name is a leak outright.
                lines = sorted({r.site.line for r in exits})
                why = ("callers cannot name it" if tmpl is None else
                       "and the function is neither named nor annotated as a lock wrapper")
                findings.append(Finding(
                    "held-at-exit", "note" if nameable else "warning", file,
                    lines[0] if lines else function.end_line, 1, fname,
                    f"'{lw.display(key)}' is still held when the function returns, {why}",
                    (f"held at return: {', '.join(map(str, lines))}",), subject=lw.display(key), family=FAMILY))
        elif kind == "try" and tmpl is not None:
            summary_ops.append(LockOp(fname, cls, "try", held_on=verdict[1], template=tmpl,
                                      origin=f"{file}:{function.start_line}"))
        elif kind == "conditional" and tmpl is not None:
            summary_ops.append(LockOp(fname, cls, "vague", template=tmpl,
                                      origin=f"{file}:{function.start_line}"))
    summary_ops = _apply_annotations(function, rules, ops, summary_ops, params, locals_, lw.touched)
    summary = Summary(fname, file, function.static, tuple(summary_ops)) if summary_ops else None
    return FunctionResult(findings, summary, stats.visits)


def _exit_verdict(key, exits: list[ExitRecord], may_lock_on_success: bool = True, nameable: bool = True):
    """("consistent", delta) | ("try", held_on) | ("conditional", None) | ("inconsistent", rows, weak).

    `nameable`: a caller can name the lock, so returning with it held on some
    returns may be a contract (try-lock-like, lock on success).
    """
    rows = []     # (site, ret class, depth or None for a returned try result)
    try_held = set()
    facts_at: list[tuple[int, frozenset]] = []
    taken_at: dict = defaultdict(lambda: True)   # site -> every path to it took the lock itself
    for r in exits:
        tr = dict(r.try_ret)
        if key in tr:
            try_held.add(tr[key])
            rows.append((r.site, r.ret, None))
            continue
        found = next((e for e in r.locks if e[0] == key), None)
        if found is not None and found[1] is None:
            continue      # vague on this path: its name was reassigned
        rows.append((r.site, r.ret, found[1] if found is not None else 0))
        if found is None or not found[4]:
            taken_at[r.site] = False
        facts_at.append((rows[-1][2], r.param_facts))
    depths = {d for _, _, d in rows if d is not None}
    if try_held:
        if len(try_held) == 1 and (not depths or depths == {0}):
            return ("try", try_held.pop())
        return ("conditional", None)
    if not depths:
        return ("consistent", 0)
    if len(depths) == 1:
        return ("consistent", depths.pop())
    hi, lo = max(depths), min(depths)
    per_site: dict = defaultdict(set)
    for site, _, d in rows:
        per_site[site].add(d)
    by_class: dict[str, set] = defaultdict(set)
    for _, ret, d in rows:
        by_class[ret].add(d)
    held = {c for c, ds in by_class.items() if ds == {hi}}
    released = {c for c, ds in by_class.items() if ds == {lo}}
    if _separated_by_parameter(facts_at, hi):
        # e.g. page_ext_put(): `if (!page_ext) return; rcu_read_unlock();` -
        # what happens to the lock is the caller's choice of argument
        return ("conditional", None)
    pure_held = {s.line for s, ds in per_site.items() if ds == {hi}}
    pure_released = {s.line for s, ds in per_site.items() if hi not in ds}
    # Took it itself on every path to every return that can hold it (returns
    # reached only without it, say an early -EINVAL before the lock, do not
    # make the locking conditional).
    taken_on_every_path = all(taken_at[s] for s, ds in per_site.items() if hi in ds)
    # When every return that holds it is also reached without it, the state
    # mostly depends on data the walk does not follow (kcmp_lock's `if (l1 !=
    # l2)`, an out-parameter like *locked, a callee that drops the lock): no
    # return line is wrong on all paths, so the finding is only a note. (Tried:
    # promoting those without a retake on the way quadrupled the warnings on
    # mm/ and kernel/, nearly all of them such data-dependent locking.)
    # Exception: when every path to every return took the lock itself, the
    # locking is not conditional; only the release is missing on some path
    # (an error branch jumping to a shared exit without its unlock).
    weak = (not pure_held or not pure_released) and (may_lock_on_success or not taken_on_every_path)
    if hi > 0 and (not may_lock_on_success or not nameable):
        # Taking a lock and keeping it only on success is a locking function's
        # contract, which its name or an annotation announces, on a lock its
        # callers can name; elsewhere it is the shape of a forgotten unlock.
        return ("inconsistent", rows, weak)
    if released and released <= {"neg", "null"} and not held & {"neg", "null"} and len(depths) == 2:
        hclean = held == set(c for c, ds in by_class.items() if hi in ds)
        if hclean and held <= {"zero"} and hi > 0:
            return ("try", "zero")
        if hclean and held <= {"other"} and released <= {"null"} and hi > 0:
            return ("try", "nonnull")
        return ("conditional", None)
    if hi == 0 and lo == -1 and held | released == set(by_class) and not weak \
            and len(held) == 1 and len(released) == 1:
        # The caller's lock released on one kind of return only (wait_task_zombie:
        # "returns with tasklist_lock released if nonzero"): a contract, since the
        # return values tell the caller apart; a forgotten release mixes them.
        return ("conditional", None)
    if held | released == set(by_class) and len(depths) == 2:
        # Locked on success, unlocked on failure: a conditional lock function
        # (mutex_lock_interruptible-like), as smatch classifies returns.
        if held <= {"zero"} and released <= {"neg"}:
            return ("try", "zero") if hi > 0 else ("conditional", None)
        if held <= {"pos"} and released <= {"zero", "neg"}:
            return ("try", "nonzero") if hi > 0 else ("conditional", None)
        if held <= {"other"} and released <= {"null", "neg"}:
            return ("try", "nonnull") if hi > 0 else ("conditional", None)
        if held <= _SUCCESS and released <= {"neg", "null"} and "other" not in held | released:
            return ("conditional", None)
    return ("inconsistent", rows, weak)


def _separated_by_parameter(facts_at, hi) -> bool:
    """Is there a branch on a parameter taken one way on every path that
    returns holding the lock, and the other way on every path that does not?"""
    held = [f for d, f in facts_at if d == hi]
    other = [f for d, f in facts_at if d != hi]
    if not held or not other:
        return False
    common = frozenset.intersection(*held)
    for text, value in common:
        if all((text, not value) in f for f in other):
            return True
    return False


def _constant_return(exits) -> int | None:
    """The value every return gives, when it is one known constant."""
    from pgtool.lint.lockstate import int_value
    values = set()
    for r in exits:
        v = int_value(r.site.expr) if r.site.expr is not None else None
        if v is None:
            return None
        values.add(v)
    return values.pop() if len(values) == 1 else None


def _exit_variant(key, exits, delta: int) -> str:
    """A wrapper that takes a lock with spin_lock_irqsave() passes the irqsave
    tag on to its callers; one that releases with _irqrestore does too."""
    variants = set()
    for r in exits:
        for k, _depth, variant, _retaken, _here in r.locks:
            if k == key:
                variants.add(variant)
    if delta > 0:
        return variants.pop() if len(variants) == 1 else ""
    return "?"     # how a release wrapper releases is not recorded: never a mismatch


def _inconsistent(function, key, rows, weak: bool = False, shown: dict | None = None) -> Finding:
    depths = sorted({d for _, _, d in rows if d is not None})
    hi = depths[-1]
    held = sorted({(s.line, s.col) for s, _, d in rows if d == hi})
    released = sorted({(s.line, s.col) for s, _, d in rows if d is not None and d < hi})
    name = display(key, shown)
    took_here = hi > 0
    if took_here:
        message = f"'{name}' held on some return paths but not others"
    else:
        message = f"'{name}' released on some paths but not others"
    line, col = held[0] if held else (function.start_line, 1)
    mixed = {ln for ln, _ in held} & {ln for ln, _ in released}
    def fmt(items):
        return ", ".join(f"{ln}{'*' if ln in mixed else ''}" for ln, _ in items)
    details = [f"held at return    : {fmt(held)}", f"released at return: {fmt(released)}"]
    if mixed:
        details.append("* reached both with and without the lock (from different paths)")
    related = tuple(Related(function.file, ln, f"'{name}' held here") for ln, _ in held) + \
        tuple(Related(function.file, ln, f"'{name}' released here") for ln, _ in released)
    if weak:
        details.append("every return holding it is also reached without it: reported as a note")
    return Finding("inconsistent-exit", "note" if weak else "warning", function.file, line, col,
                   function.name, message,
                   tuple(details), related, subject=name, family=FAMILY)


def _apply_annotations(function, rules, ops, learnt: list[LockOp], params, locals_, touched) -> list[LockOp]:
    """`__acquires(x)` / `__releases(x)` make the function a lock op for callers."""
    if not function.annotations:
        return learnt
    out = list(learnt)
    kinds: dict[str, set] = defaultdict(set)
    for ann in function.annotations:
        kinds[ann.expr.strip()].add(ann.kind)
    for ann in function.annotations:
        if {"acquires", "releases"} <= kinds[ann.expr.strip()]:
            continue     # released and retaken inside: no net effect for callers
        if ann.kind not in ("acquires", "releases"):
            continue
        cls = rules.global_class(ann.expr)
        text = ann.expr.strip()
        if cls is None:
            # the class of a lock with that text used in the body, if any
            match = next((k for k in touched if k[1] == text), None)
            cls = rules.classes.get(match[0]) if match else None
        if cls is None:
            continue
        text = cls.global_name or text
        tmpl = template_for(text, _root_of_text(text), params, locals_, cls.global_name is not None)
        if tmpl is None:
            continue
        action = "acquire" if ann.kind == "acquires" else "release"
        if any(o.cls.name == cls.name and o.action == "vague" and o.template == tmpl for o in learnt):
            # The body returns with and without it (do_signal_stop() keeps the lock when it
            # returns false): what sparse's annotation cannot say; callers must not rely on either.
            continue
        learnt_op = next((o for o in out if o.cls.name == cls.name and o.action == action), None)
        out = [o for o in out if o.cls.name != cls.name]
        out.append(LockOp(function.name, cls, action, template=tmpl,
                          variant=learnt_op.variant if learnt_op else "?",
                          ret_value=learnt_op.ret_value if learnt_op else None,
                          origin=f"{function.file}:{ann.line} (annotation)"))
    return out


# -- whole-run driver -------------------------------------------------------------

def call_order(functions) -> list:
    """Callees before callers (cycles cut anywhere), over the given functions."""
    by_name: dict[str, list] = defaultdict(list)
    for f in functions:
        by_name[f.name].append(f)
    order: list = []
    state: dict[int, int] = {}
    for root in functions:
        if id(root) in state:
            continue
        stack = [(root, iter(sorted(called_names(root.ast))))]
        state[id(root)] = 1
        while stack:
            func, it = stack[-1]
            advanced = False
            for name in it:
                for callee in _resolve(by_name.get(name, ()), func):
                    if id(callee) not in state:
                        state[id(callee)] = 1
                        stack.append((callee, iter(sorted(called_names(callee.ast)))))
                        advanced = True
                        break
                if advanced:
                    break
            if not advanced:
                stack.pop()
                state[id(func)] = 2
                order.append(func)
    return order


def _resolve(candidates, caller):
    same_file = [c for c in candidates if c.file == caller.file]
    if same_file:
        return same_file[:1]
    return [c for c in candidates if not c.static][:1]


def ops_for(function, rules: LockRules, summaries: dict[str, list[Summary]]) -> dict[str, LockOp]:
    """Rule ops plus the summaries visible from `function` (same file first)."""
    ops = dict(rules.ops)
    for name, sums in summaries.items():
        pick = [s for s in sums if s.file == function.file] or [s for s in sums if not s.static]
        if pick and name != function.name:
            for op in pick[0].ops:
                ops[name] = op     # one effect per wrapper name (the last wins)
    return ops


def analyse(functions, cfg_of, rules: LockRules, scope_filter, budget: int,
            external: dict[str, list[Summary]] | None = None):
    """Analyse `functions` callee-first. Returns (findings, summaries by name)."""
    summaries: dict[str, list[Summary]] = defaultdict(list)
    for name, sums in (external or {}).items():
        summaries[name].extend(sums)
    findings: list[Finding] = []
    for function in call_order(functions):
        if rules.ignore is not None and rules.ignore.search(function.name):
            continue
        ops = ops_for(function, rules, summaries)
        result = analyse_function(function, cfg_of(function), rules, ops, budget)
        if result.summary is not None:
            summaries[function.name] = [s for s in summaries[function.name]
                                        if s.file != function.file] + [result.summary]
        if scope_filter(function):
            findings.extend(result.findings)
    return findings, summaries


def new_holds(function, before: tuple[LockOp, ...], after: tuple[LockOp, ...],
              reported: set[str]) -> list[Finding]:
    """A function that now hands its callers a lock it did not before.

    Diff mode's view of a deleted or skipped unlock in a function whose name
    (rcu_lock_break, *_start, get_*) or bool return makes a whole-file run take
    it for a lock wrapper: the base shows it was balanced. `reported`: locks a
    finding of the change already names. Annotated functions say it is meant.
    """
    if function.annotations:
        return []
    taking = ("acquire", "try", "vague")
    had = {(op.cls.name, op.template) for op in before if op.action in taking}
    params = param_names(function.ast)
    out = []
    for op in after:
        key = (op.cls.name, op.template)
        if op.action not in taking or key in had or op.template is None:
            continue
        # the lock as the function's own code names it, not as a template
        name = re.sub(r"\$(\d+)", lambda m: params[int(m.group(1))] if int(m.group(1)) < len(params)
                      else m.group(0), op.template)
        if name in reported:
            continue
        how = {"acquire": "on every return", "try": "on some returns (like a try-lock)",
               "vague": "on some returns"}[op.action]
        out.append(Finding(
            "held-at-exit", "warning", function.file, function.end_line, 1, function.name,
            f"'{name}' is now held when the function returns ({how}); it was not before this change",
            ("annotate the function __acquires() if handing the lock to its callers is the intent",),
            subject=name, family=FAMILY))
    return out


def run(ctx) -> list[Finding]:
    """Check-family entry point (see pgtool.lint.checks)."""
    rules = load_lock_rules(ctx.rules_dir)
    if not ctx.noreturn:
        ctx.noreturn = rules.noreturn
    findings, summaries = analyse(ctx.functions, ctx.cfg, rules, ctx.in_scope, ctx.budget,
                                  getattr(ctx, "external_summaries", None))
    ctx.lock_summaries = summaries      # for the driver: exported to other files' callers
    return findings
