"""The clean patch: rendered as git-style text, parsed back with unidiff.

The repaired patch is written out as text that `git apply` accepts
(`--emit-fixed`) and parsed back with unidiff before anything is applied:
in the engine, unidiff reads its structure (files, renames, modes, hunk
starts and lengths; its fast metadata mode) and every item must agree with
the model the text was rendered from, whose lines are then applied; without
that model, `load()` takes everything from unidiff's full parse. Either way
the emitted patch and the written result cannot disagree.

One exception, for speed on large clean patches: input that needed no
repair at all (every hunk read strictly and placed exactly, no note) is
applied from the model parsed straight from it, which is then the input
itself (`change_of` gives its files and modes; `patch_text` applies a file's
hunks to its whole text, `apply_change` to its lines); the model's text is
rendered, and re-parsed with unidiff against the model, only when someone
asks for it (`PatchResult.fixed_text`, `--emit-fixed`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pgtool.errors import UserError

NO_NEWLINE = "\\ No newline at end of file\n"


def raw_lines(raw: list[str] | None) -> list[tuple[str, str]]:
    """Body lines as written ('' for a blank context line) as (kind, text) pairs."""
    return [(x[:1] or " ", x[1:] + "\n") for x in raw or ()]


class CleanHunk:
    """One hunk of the clean patch.

    `lines` are (kind, text) pairs, text ending in '\n' unless at EOF without
    one. A hunk kept exactly as the input wrote it may instead carry `raw`,
    its body lines as written ('' for a blank context line, never a
    no-newline marker): `lines` is then built only if asked for.
    """

    __slots__ = ("old_start", "_lines", "section", "images", "raw")

    def __init__(self, old_start: int, lines: list[tuple[str, str]] | None, section: str = "",
                 images: tuple[list[str], list[str]] | None = None, raw: list[str] | None = None):
        self.old_start = old_start          # 1-based; for an empty pre-image, the line it follows
        self._lines = lines
        self.section = section
        self.images = images                # (pre, post) when already known
        self.raw = raw

    @property
    def lines(self) -> list[tuple[str, str]]:
        if self._lines is None:
            self._lines = raw_lines(self.raw)
        return self._lines

    def pre_post(self) -> tuple[list[str], list[str]]:
        if self.images is None:
            self.images = ([t for k, t in self.lines if k != "+"], [t for k, t in self.lines if k != "-"])
        return self.images

    def __repr__(self) -> str:
        return f"CleanHunk({self.old_start!r}, {self.lines!r}, {self.section!r})"


@dataclass
class CleanFile:
    old_path: str | None                # tree-relative; None when the file is created
    new_path: str | None                # None when the file is deleted
    hunks: list[CleanHunk] | None = field(default_factory=list)  # None: not built yet (the engine's)
    old_mode: str | None = None
    new_mode: str | None = None
    copy: bool = False


@dataclass
class FileChange:
    """One file of the parsed clean patch."""

    old_path: str | None
    new_path: str | None
    hunks: list[tuple[int, list[str], list[str]]]  # (source_start, source lines, target lines)
    new_mode: str | None
    copy: bool


def _hunk_text(h: CleanHunk, delta: int) -> tuple[str, int]:
    pre, post = h.pre_post()
    old, new = len(pre), len(post)
    at = h.old_start - 1 if old else h.old_start   # 0-based index of the hunk in the old file
    new_start = at + delta + 1 if new else at + delta
    old_start = h.old_start
    out = [f"@@ -{old_start},{old} +{new_start},{new} @@{' ' + h.section if h.section else ''}\n"]
    if h.raw is not None:
        # as written: a blank context line gets its space back, as ' ' + '\n' renders it
        raw = h.raw
        out.append("\n".join(raw) + "\n" if raw and "" not in raw else "".join([(x or " ") + "\n" for x in raw]))
    elif (not pre or pre[-1].endswith("\n")) and (not post or post[-1].endswith("\n")):
        out.extend([kind + text for kind, text in h.lines])  # only a last line can lack its newline
    else:
        for kind, text in h.lines:
            out.append(kind + text if text.endswith("\n") else kind + text + "\n" + NO_NEWLINE)
    return "".join(out), new - old


def render(files: list[CleanFile]) -> str:
    from pgtool.apply.repair import quote_c  # names as git writes them (repair reads them, and imports this module)

    out: list[str] = []
    for f in files:
        a = f.old_path or f.new_path or ""
        b = f.new_path or f.old_path or ""
        out.append(f"diff --git {quote_c('a/', a)} {quote_c('b/', b)}\n")
        if f.old_path is None:
            out.append(f"new file mode {f.new_mode or '100644'}\n")
        elif f.new_path is None:
            out.append(f"deleted file mode {f.old_mode or '100644'}\n")
        else:
            if f.new_mode and f.old_mode and f.new_mode != f.old_mode:
                out.append(f"old mode {f.old_mode}\nnew mode {f.new_mode}\n")
            if f.old_path != f.new_path:
                verb = "copy" if f.copy else "rename"
                out.append(f"{verb} from {quote_c('', f.old_path)}\n{verb} to {quote_c('', f.new_path)}\n")
        if f.hunks:
            out.append(f"--- {quote_c('a/', f.old_path) if f.old_path else '/dev/null'}\n")
            out.append(f"+++ {quote_c('b/', f.new_path) if f.new_path else '/dev/null'}\n")
        delta = 0
        for h in f.hunks:
            text, d = _hunk_text(h, delta)
            out.append(text)
            delta += d
    return "".join(out)


def change_of(f: CleanFile) -> FileChange:
    """The change a file of the model makes: what `load()` reads back from its rendering.

    Its hunks are the model's; a file whose hunks are not built yet (None)
    gives its paths and mode only.
    """
    old, new = f.old_path, f.new_path
    if old is None:
        mode = f.new_mode or "100644"
    elif new is not None and f.new_mode and f.old_mode and f.new_mode != f.old_mode:
        mode = f.new_mode
    else:
        mode = None
    hunks = [(h.old_start, *h.pre_post()) for h in f.hunks or ()]
    return FileChange(old, new, hunks, mode, f.copy and old is not None and new is not None and old != new)


def _strip_prefix(name: str | None) -> str | None:
    if name is None or name == "/dev/null":
        return None
    if name.startswith('"'):  # unidiff keeps a C-quoted name as written
        from pgtool.apply.repair import unquote_c

        unquoted = unquote_c(name)
        if unquoted is not None and unquoted[1] == len(name):
            name = unquoted[0]
    return name[2:] if name[:2] in ("a/", "b/") else name


def load(text: str, source: str = "<repaired patch>", cleans: list[CleanFile] | None = None) -> list[FileChange]:
    """Parse the clean patch with unidiff into what the writer needs.

    With `cleans` (the objects `text` was rendered from) unidiff parses only
    the structure (its metadata mode, several times faster on large patches)
    and every file and hunk it reads must agree with them; the line contents
    are then taken from `cleans`, which are what was rendered.
    """
    from unidiff import PatchSet  # loaded only when a patch needs the re-parse
    from unidiff.errors import UnidiffParseError

    try:
        patch = PatchSet(text, metadata_only=cleans is not None)
    except UnidiffParseError as exc:  # our own rendering: a bug, but say where
        msg = str(exc).encode("utf-8", "backslashreplace").decode("utf-8")
        raise UserError(f"repaired patch does not parse ({msg})", path=source) from None
    changes = []
    for pf in patch:
        info = "".join(pf.patch_info or [])
        copy = "\ncopy from " in "\n" + info
        old = _strip_prefix(pf.source_file)
        new = _strip_prefix(pf.target_file)
        if "new file mode" in info:
            old = None
        if "deleted file mode" in info:
            new = None
        hunks = []
        if cleans is not None:
            changes.append(_checked(pf, cleans[len(changes)], old, new, copy, info, source))
            continue
        for h in pf:
            src, tgt = [], []
            last = None
            for line in h:
                if line.line_type == "\\":
                    for side in ((src, tgt) if last == " " else (src,) if last == "-" else (tgt,)):
                        if side and side[-1].endswith("\n"):
                            side[-1] = side[-1][:-1]
                    continue
                if line.line_type in (" ", "-"):
                    src.append(line.value)
                if line.line_type in (" ", "+"):
                    tgt.append(line.value)
                last = line.line_type
            hunks.append((h.source_start, src, tgt))
        mode = pf.target_mode if "new mode" in info or "new file mode" in info else None
        changes.append(FileChange(old, new, hunks, mode, copy))
    return changes


def _checked(pf, clean: CleanFile, old, new, copy: bool, info: str, source: str) -> FileChange:
    hunks = []
    if (old, new) != (clean.old_path, clean.new_path) or len(pf) != len(clean.hunks):
        raise UserError(f"repaired patch disagrees with its model at '{new or old}'", path=source)
    for uh, ch in zip(pf, clean.hunks):
        src, tgt = ch.pre_post()
        if (uh.source_length, uh.target_length) != (len(src), len(tgt)):
            raise UserError(f"repaired hunk of '{new or old}' miscounted", path=source)
        hunks.append((uh.source_start, src, tgt))
    mode = pf.target_mode if "new mode" in info or "new file mode" in info else None
    return FileChange(old, new, hunks, mode, copy)


def apply_change(original: list[str], change: FileChange, path: str) -> list[str]:
    """The file's new lines; every hunk's source must be exactly in place."""
    out: list[str] = []
    cursor = 0
    for start, src, tgt in change.hunks:
        at = start - 1 if src else start
        if at < cursor or original[at:at + len(src)] != src:
            raise UserError("repaired hunk no longer matches (file changed while applying?)", path=path,
                            line=start)
        out.extend(original[cursor:at])
        out.extend(tgt)
        cursor = at + len(src)
    out.extend(original[cursor:])
    return out


_LINE_RUNS: dict[int, re.Pattern] = {}  # n -> pattern of n lines ('\n' ends a line, as _split_lf)


def _skip_lines(text: str, pos: int, count: int) -> int:
    """The offset `count` lines after `pos`; -1 when the text has fewer."""
    while count > 0:
        step = min(count, 256)
        run = _LINE_RUNS.get(step)
        if run is None:
            run = _LINE_RUNS[step] = re.compile("(?:.*+\n){%d}" % step)  # possessive: no backtracking, ever
        m = run.match(text, pos)
        if m is None:
            return -1
        pos, count = m.end(), count - step
    return pos


def patch_text(text: str, hunks: list[tuple[int, int, str, str]]) -> str | None:
    """`apply_change` on a whole text, without splitting it into lines.

    `hunks` are (start, source line count, source text, target text), as
    `FileChange.hunks` with their lines joined. None unless every hunk's
    source is exactly at its line, in order (the caller then places the
    hunks one by one). Skipping lines is a regular expression's job here, so
    a large file costs no list of lines at all.
    """
    out: list[str] = []
    runs = _LINE_RUNS
    line = pos = cursor = 0  # line reached and its offset; end of the last hunk's source
    for start, count, source, target in hunks:
        at = start - 1 if count else start
        if at < line:
            return None
        if at > line:
            run = runs.get(at - line)
            if run is not None:  # a gap seen before: the usual case, without a call
                m = run.match(text, pos)
                pos = m.end() if m is not None else -1
            else:
                pos = _skip_lines(text, pos, at - line)
            if pos < 0:
                return None
        if not text.startswith(source, pos) or (source[-1:] not in ("\n", "") and pos + len(source) != len(text)):
            return None  # (a last line without newline must end the file too)
        out.append(text[cursor:pos])
        out.append(target)
        pos = cursor = pos + len(source)
        line = at + count
    out.append(text[cursor:])
    return "".join(out)


def sits_at(text: str, pieces: list[tuple[int, str]]) -> list[bool] | None:
    """Whether each (0-based line, text) piece is exactly at its line of `text`, for pieces in
    line order (None when they are not); the scan is patch_text's, with nothing rebuilt."""
    out: list[bool] = []
    line = pos = 0
    for at, piece in pieces:
        if at < line:
            return None
        if at > line:
            pos = _skip_lines(text, pos, at - line)
            if pos < 0:  # the text ends before: this piece and the rest are not there
                return out + [False] * (len(pieces) - len(out))
            line = at
        out.append(text.startswith(piece, pos) and (piece[-1:] in ("\n", "") or pos + len(piece) == len(text)))
    return out
