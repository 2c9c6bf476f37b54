"""`rules/locks.toml` as typed data: lock classes and the calls that act on them.

Interprocedural summaries (`pgtool.lint.summaries`) produce the same `LockOp`
records, so a wrapper function is, to its callers, just one more rule.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from pgtool.errors import UserError
from pgtool.rules import load_rules, rules_dir

ACTIONS = ("acquire", "release", "try", "restore", "vague", "downgrade")
HELD_ON = ("nonzero", "zero", "nonnull")


@dataclass(frozen=True)
class LockClass:
    name: str
    kind: str                  # "binary" | "counting"
    arg: int | None            # argument naming the lock; None for a global lock
    global_name: str | None    # display/identity name of a global lock
    downgrade_to: str | None = None  # the shared mode a held lock of this class can be downgraded to

    @property
    def counting(self) -> bool:
        return self.kind == "counting"


@dataclass(frozen=True)
class LockOp:
    name: str                  # the call
    cls: LockClass
    action: str                # acquire | release | try | restore | vague | downgrade
    held_on: str | None = None # for "try"
    variant: str = ""          # e.g. "irqsave": must match between acquire and release
    flags_arg: int | None = None
    lock_arg: int | None = None    # overrides cls.arg (atomic_dec_and_lock's lock is arg 1)
    lock_ret: bool = False         # the call returns the (held) lock: it is named by what receives it
    lock_deref: bool = False       # the lock argument points to the lock pointer (`&ptl` out-parameter)
    template: str | None = None    # summaries: lock text with $N for the call's arguments
    ret_value: int | None = None   # summaries: the constant the wrapper always returns
    all_keys: bool = False         # "vague" on every lock of the class (a callee that may drop them)
    origin: str = "rules"          # "rules", or "file:line" of the wrapper it was learnt from


@dataclass(frozen=True)
class LockRules:
    classes: dict[str, LockClass]
    ops: dict[str, LockOp]
    guards: dict[str, LockClass]
    noreturn: frozenset[str]
    ignore: re.Pattern | None
    digest: str

    def global_class(self, name: str) -> LockClass | None:
        """A global class by its lock name (`kernel_lock`, `rcu`), for annotations."""
        low = name.strip().lower()
        for cls in self.classes.values():
            if cls.global_name and cls.global_name.lower() == low:
                return cls
        return None


def _fail(msg: str, path: str) -> UserError:
    return UserError(msg, path=path)


@lru_cache(maxsize=8)
def load_lock_rules(explicit_dir: str | None = None) -> LockRules:
    data = load_rules("locks", explicit_dir)
    path = rules_dir(explicit_dir) / "locks.toml"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    try:
        return _lock_rules(data, str(path), digest)
    except (TypeError, AttributeError, ValueError) as exc:
        # valid TOML of the wrong shape: a string where a table or a list is expected
        raise _fail(f"unexpected content: {exc}", str(path)) from None


def _lock_rules(data: dict, where: str, digest: str) -> LockRules:
    classes: dict[str, LockClass] = {}
    for name, spec in data.get("class", {}).items():
        kind = spec.get("kind", "binary")
        if kind not in ("binary", "counting"):
            raise _fail(f"class '{name}': kind must be 'binary' or 'counting', not {kind!r}", where)
        arg = spec.get("arg")
        glob = spec.get("global")
        if (arg is None) == (glob is None):
            raise _fail(f"class '{name}': give exactly one of 'arg' (argument index) or 'global' (name)", where)
        classes[name] = LockClass(name, kind, arg, glob, spec.get("downgrade_to"))
    for name, cls in classes.items():
        if cls.downgrade_to is not None and cls.downgrade_to not in classes:
            raise _fail(f"class '{name}': downgrade_to names unknown class {cls.downgrade_to!r}", where)
    ops: dict[str, LockOp] = {}
    for i, spec in enumerate(data.get("op", [])):
        cname = spec.get("class")
        if cname not in classes:
            raise _fail(f"op #{i + 1}: unknown class {cname!r}", where)
        action = spec.get("action")
        if action not in ACTIONS:
            raise _fail(f"op #{i + 1}: action must be one of {', '.join(ACTIONS)}", where)
        held_on = spec.get("held_on")
        if action == "downgrade" and classes[cname].downgrade_to is None:
            raise _fail(f"op #{i + 1}: a 'downgrade' op needs its class to have downgrade_to", where)
        if action == "try" and held_on not in HELD_ON:
            raise _fail(f"op #{i + 1}: a 'try' op needs held_on = one of {', '.join(HELD_ON)}", where)
        names = spec.get("names", [])
        if not names:
            raise _fail(f"op #{i + 1}: no names", where)
        for n in names:
            ops[n] = LockOp(n, classes[cname], action, held_on, spec.get("variant", ""),
                            spec.get("flags_arg"), spec.get("lock_arg"),
                            bool(spec.get("lock_ret", False)), bool(spec.get("lock_deref", False)),
                            all_keys=bool(spec.get("all", False)))
    guards = {}
    for gname, cname in data.get("guard", {}).items():
        if cname not in classes:
            raise _fail(f"guard '{gname}': unknown class {cname!r}", where)
        guards[gname] = classes[cname]
    patterns = data.get("ignore_functions", [])
    try:
        ignore = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    except re.error as exc:
        raise _fail(f"ignore_functions: bad regex: {exc}", where) from None
    return LockRules(classes, ops, guards, frozenset(data.get("noreturn", [])), ignore, digest)
