"""A bounded, path-sensitive walk over a `CFG`, generic in the tracked state.

A check supplies a `Transfer`: how one item changes its (hashable) state, and
what a branch condition means on each edge (returning None prunes an
infeasible edge, which is how branch correlation works). The walk visits each
distinct (block, state) pair once, so loops converge as soon as the state
repeats, and paths whose states are equal share the work. `budget` caps the
number of visits; `WalkStats.exhausted` says the bound was hit, and the check
must say so in a finding rather than pretend the function is clean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Protocol

from pgtool.lint.cfg import CFG, Edge, ReturnSite

DEFAULT_BUDGET = 20000


class Transfer(Protocol):
    def item(self, state: Hashable, item, block: int) -> Hashable | None:
        """State after one item; None ends the path (e.g. a noreturn call)."""

    def edge(self, state: Hashable, edge: Edge) -> Hashable | None:
        """State on an edge (branch facts); None: the edge is infeasible."""

    def at_return(self, state: Hashable, site: ReturnSite) -> None:
        """Record the state reaching a return."""


@dataclass
class WalkStats:
    visits: int = 0
    exhausted: bool = False


def walk(cfg: CFG, init: Hashable, transfer: Transfer, budget: int = DEFAULT_BUDGET) -> WalkStats:
    stats = WalkStats()
    seen: set[tuple[int, Hashable]] = set()
    stack: list[tuple[int, Hashable]] = [(cfg.entry, init)]
    blocks = cfg.blocks
    while stack:
        block_id, state = stack.pop()
        key = (block_id, state)
        if key in seen:
            continue
        seen.add(key)
        stats.visits += 1
        if stats.visits > budget:
            stats.exhausted = True
            break
        block = blocks[block_id]
        cur = state
        for item in block.items:
            if isinstance(item, ReturnSite):
                transfer.at_return(cur, item)
                continue
            cur = transfer.item(cur, item, block_id)
            if cur is None:
                break
        if cur is None:
            continue
        for edge in reversed(block.succs):
            nxt = transfer.edge(cur, edge)
            if nxt is not None and (edge.dst, nxt) not in seen:
                stack.append((edge.dst, nxt))
    return stats
