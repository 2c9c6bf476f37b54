"""Macro hints (`rules/macros.toml`) as typed data for the front-end and the analyses.

Header macros are not expanded in header-free mode, so what they mean (a loop
head, an attribute, a typedef, a lock definition, a flags assignment) is data
a user can extend without touching code.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pgtool.errors import UserError
from pgtool.rules import load_rules, rules_dir


@dataclass(frozen=True)
class MacroEffect:
    """What a header macro does that a lock analysis must know."""

    name: str
    assigns: tuple[int, ...] = ()  # argument indexes the macro assigns (flags)
    drops_and_retakes: int | None = None  # argument index of a lock released and retaken inside


@dataclass(frozen=True)
class Definer:
    pattern: re.Pattern
    prefix: str
    ret: str
    style: str = "pairs"  # "pairs": T1, a1, T2, a2; "decls": complete parameter declarations


@dataclass(frozen=True)
class MacroHints:
    typedefs: frozenset[str]
    typedef_re: re.Pattern | None
    keyword_map: dict[str, str]
    keyword_drop: frozenset[str]
    typeof: frozenset[str]
    zero: frozenset[str]
    attrs: frozenset[str]
    attrs_with_args: frozenset[str]
    annotations: dict[str, str]  # macro name -> "acquires" | "releases" | "must_hold"
    cleanup: frozenset[str]
    loop_names: frozenset[str]
    loop_re: re.Pattern | None
    do_while: frozenset[str]
    wrappers: frozenset[str]
    definers: tuple[Definer, ...]
    lock_declarators: frozenset[str]
    lock_types: frozenset[str]
    effects: dict[str, MacroEffect] = field(default_factory=dict)
    digest: str = ""  # hash of the hint file, part of the cache key

    def is_typedef_name(self, name: str) -> bool:
        return name in self.typedefs or bool(self.typedef_re and self.typedef_re.fullmatch(name))

    def is_loop(self, name: str) -> bool:
        return name in self.loop_names or bool(self.loop_re and self.loop_re.fullmatch(name))


def _alternation(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


@lru_cache(maxsize=8)
def load_hints(explicit_dir: str | None = None) -> MacroHints:
    """Load `rules/macros.toml` (cached per process)."""
    data = load_rules("macros", explicit_dir)
    path = rules_dir(explicit_dir) / "macros.toml"
    try:
        return _hints(data, path.read_bytes())
    except KeyError as exc:
        raise UserError(f"missing key {exc}", path=str(path)) from None
    except (TypeError, AttributeError, ValueError, re.error) as exc:
        # valid TOML of the wrong shape, or a pattern that is not a regular expression
        raise UserError(f"unexpected content: {exc}", path=str(path)) from None


def _hints(data: dict, raw: bytes) -> MacroHints:
    td, kw, at = data.get("typedefs", {}), data.get("keywords", {}), data.get("attributes", {})
    annotations = {}
    for kind in ("acquires", "releases", "must_hold"):
        for name in data.get("annotations", {}).get(kind, []):
            annotations[name] = kind
    effects = {}
    for name, spec in data.get("effects", {}).items():
        effects[name] = MacroEffect(
            name=name,
            assigns=tuple(spec.get("assigns", ())),
            drops_and_retakes=spec.get("drops_and_retakes"),
        )
    loops = data.get("loops", {})
    decl = data.get("declarators", {})
    return MacroHints(
        typedefs=frozenset(td.get("names", ())),
        typedef_re=_alternation(td.get("patterns", [])),
        keyword_map=dict(kw.get("map", {})),
        keyword_drop=frozenset(kw.get("drop", ())),
        typeof=frozenset(kw.get("typeof", ())),
        zero=frozenset(kw.get("zero", ())),
        attrs=frozenset(at.get("plain", ())),
        attrs_with_args=frozenset(at.get("with_args", ())),
        annotations=annotations,
        cleanup=frozenset(data.get("cleanup", {}).get("macros", ())),
        loop_names=frozenset(loops.get("names", ())),
        loop_re=_alternation(loops.get("patterns", [])),
        do_while=frozenset(loops.get("do_while", ())),
        wrappers=frozenset(data.get("wrappers", {}).get("names", ())),
        definers=tuple(
            Definer(re.compile(d["pattern"]), d.get("prefix", ""), d.get("ret", "long"), d.get("style", "pairs"))
            for d in data.get("definers", [])
        ),
        lock_declarators=frozenset(decl.get("locks", ())),
        lock_types=frozenset(decl.get("lock_types", ())),
        effects=effects,
        digest=hashlib.sha256(raw).hexdigest()[:16],
    )


def macro_effect(name: str, explicit_dir: str | None = None) -> MacroEffect | None:
    """What the hints say header macro `name` does (None: an ordinary call)."""
    return load_hints(explicit_dir).effects.get(name)
