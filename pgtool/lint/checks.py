"""Registry of check families: the hook `pgtool lint-locks --only` dispatches on.

A family is a module with `run(ctx: CheckContext) -> list[Finding]`. It gets
every parsed function (for interprocedural summaries), the file-scope
declarations, the diff scope (which functions to report on) and a shared CFG
cache, so two families never build a function's graph twice. A family is
imported only when selected; a family whose module is not there yet is simply
not available (and asking for it is a usage error, not a traceback).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from pgtool.errors import UserError
from pgtool.lazy import resolve
from pgtool.lint.cfg import CFG, build_cfg
from pgtool.lint.findings import Finding

# family name -> "module:function"
FAMILIES: dict[str, str] = {
    "locks": "pgtool.lint.locks:run",
    "flags": "pgtool.lint.flags:run",
}


@dataclass
class CheckContext:
    functions: list                      # pgtool.cfront.Function, every function parsed
    decls: dict                          # file -> pgtool.cfront.FileDecls
    scope: set[tuple[str, str]] | None = None   # (file, function) to report on; None: all
    rules_dir: str | None = None         # explicit rules directory (else the default lookup)
    budget: int = 20000                  # path-walk visits per function
    noreturn: frozenset[str] = frozenset()
    _cfgs: dict = field(default_factory=dict)

    def in_scope(self, function) -> bool:
        return self.scope is None or (function.file, function.name) in self.scope

    def cfg(self, function) -> CFG:
        """The function's CFG, built once and shared by all families."""
        key = (function.file, function.name, function.start_line)
        graph = self._cfgs.get(key)
        if graph is None:
            graph = build_cfg(function.ast, end_line=function.end_line,
                              cleanup_vars=function.cleanup_vars, noreturn=self.noreturn)
            self._cfgs[key] = graph
        return graph


def register(name: str, target: str) -> None:
    """Add a family (`"module:function"`); for plug-ins and tests."""
    FAMILIES[name] = target


def load_family(name: str) -> Callable[[CheckContext], list[Finding]] | None:
    target = FAMILIES.get(name)
    return resolve(target) if target else None


def available() -> list[str]:
    return [name for name in FAMILIES if load_family(name) is not None]


def run_families(names: Iterable[str], ctx: CheckContext) -> list[Finding]:
    findings: list[Finding] = []
    for name in names:
        run = load_family(name)
        if run is None:
            raise UserError(f"check family '{name}' is not available (known: {', '.join(available())})")
        findings.extend(run(ctx))
    return findings
