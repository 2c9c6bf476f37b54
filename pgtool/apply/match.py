"""Find where one hunk's pre-image sits in a file.

Levels, tried in order and reported per hunk: exact at the stated line, exact
at an offset, whitespace-insensitive (every blank removed: archives strip
indentation entirely, so git's "blank on both sides" rule is too strict), then
fuzz (dropping up to N outer context lines). Within a level the nearest match
to the expected line wins; two matches equally near are ambiguous and the hunk
fails rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Level(IntEnum):
    EXACT = 0
    OFFSET = 1
    WHITESPACE = 2
    FUZZ = 3


@dataclass(frozen=True)
class Placement:
    pos: int          # 0-based index of the first kept pre-image line (after fuzz trimming)
    level: Level
    offset: int       # pos - stated position, in lines
    trim_head: int = 0  # leading context lines dropped by fuzz
    trim_tail: int = 0  # trailing context lines dropped by fuzz

    @property
    def fuzz(self) -> int:
        return max(self.trim_head, self.trim_tail)


@dataclass(frozen=True)
class Ambiguous:
    positions: tuple[int, ...]
    level: Level


def squeeze(line: str) -> str:
    """A line with all whitespace removed: what survives archive damage."""
    return "".join(line.split())


class FileText:
    """A file's lines with lazily built lookup tables for offset searches."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self._exact: dict[str, list[int]] | None = None
        self._squeezed: list[str] | None = None
        self._sq_index: dict[str, list[int]] | None = None

    def positions(self, first: str, squeezed: bool) -> list[int]:
        if squeezed:
            if self._sq_index is None:
                self._sq_index = {}
                for i, s in enumerate(self.squeezed):
                    self._sq_index.setdefault(s, []).append(i)
            return self._sq_index.get(squeeze(first), [])
        if self._exact is None:
            self._exact = {}
            for i, s in enumerate(self.lines):
                self._exact.setdefault(s, []).append(i)
        return self._exact.get(first, [])

    @property
    def squeezed(self) -> list[str]:
        if self._squeezed is None:
            self._squeezed = [squeeze(s) for s in self.lines]
        return self._squeezed

    def matches_at(self, pre: list[str], pos: int, squeezed: bool) -> bool:
        if pos < 0 or pos + len(pre) > len(self.lines):
            return False
        if squeezed:
            sq = self.squeezed
            return all(sq[pos + k] == squeeze(p) for k, p in enumerate(pre))
        return self.lines[pos:pos + len(pre)] == pre


def _search(text: FileText, pre: list[str], expected: int, lo: int, squeezed: bool):
    """Matching positions >= lo sorted by distance to `expected`."""
    if not pre:
        return [max(lo, min(expected, len(text.lines)))]
    # Anchor on the most selective line so the candidate list stays short.
    anchor = 0
    if squeezed:
        for k, p in enumerate(pre):
            if squeeze(p):
                anchor = k
                break
    found = []
    for cand in text.positions(pre[anchor], squeezed):
        pos = cand - anchor
        if pos >= lo and text.matches_at(pre, pos, squeezed):
            found.append(pos)
    found.sort(key=lambda p: (abs(p - expected), p))
    return found


def _pick(found: list[int], expected: int, level: Level):
    if len(found) > 1 and abs(found[0] - expected) == abs(found[1] - expected):
        return Ambiguous(tuple(found[:2]), level)
    return found[0]


def locate(text: FileText, pre: list[str], kinds: list[str], stated: int, expected: int, *,
           lo: int = 0, whitespace: bool = False, fuzz: int = 0) -> Placement | Ambiguous | None:
    """Place `pre` (the hunk's context and removed lines, with their kinds).

    `stated` is the position the header names; `expected` adds the drift seen
    in earlier hunks (GNU patch does the same). `whitespace` allows the
    whitespace-insensitive level, `fuzz` the number of droppable context lines.
    """
    if text.matches_at(pre, expected, False) and expected >= lo:
        level = Level.EXACT if expected == stated else Level.OFFSET
        return Placement(expected, level, expected - stated)
    levels = [(Level.OFFSET, False)] + ([(Level.WHITESPACE, True)] if whitespace else [])
    for level, squeezed in levels:
        found = _search(text, pre, expected, lo, squeezed)
        if found:
            pick = _pick(found, expected, level)
            if isinstance(pick, Ambiguous):
                return pick
            exact_here = level == Level.OFFSET and pick == stated
            return Placement(pick, Level.EXACT if exact_here else level, pick - stated)
    for f in range(1, fuzz + 1):
        for head, tail in ((f, f), (f, 0), (0, f)):
            if head + tail >= len(pre) or not _droppable(kinds, head, tail):
                continue
            core = pre[head:len(pre) - tail]
            for squeezed in ((False, True) if whitespace else (False,)):
                found = _search(text, core, expected + head, lo, squeezed)
                if found:
                    pick = _pick(found, expected + head, Level.FUZZ)
                    if isinstance(pick, Ambiguous):
                        return pick
                    return Placement(pick, Level.FUZZ, pick - head - stated, head, tail)
    return None


def _droppable(kinds: list[str], head: int, tail: int) -> bool:
    """Fuzz may only drop context lines, never removed ones."""
    return all(k == " " for k in kinds[:head]) and all(k == " " for k in kinds[len(kinds) - tail:])
