"""The apply pipeline: input -> repaired clean patch -> unidiff -> atomic write.

mail.read_messages -> repair.parse (readings of each hunk) -> paths (strip
level, safety) -> match.locate per reading (the file decides) -> clean hunks
(file context, indent.reindent_block for damaged additions) -> model.render
and model.load (unidiff) -> model.apply_change in memory -> writer.commit.

Input that needed no repair at all (every hunk read strictly and placed
exactly where its header says or at a carried offset, no repair note) skips
the render and the unidiff re-parse: it is applied from the model read
straight from the input, file by file as soon as a file's hunks are placed
(model.patch_text on the file's whole text when every hunk sits at its line,
model.apply_change after _place otherwise), and the clean text is rendered,
and checked with unidiff, only when asked for (`PatchResult.fixed_text`,
`Options.fixed`, which --emit-fixed sets). Damaged input, and any hunk
placed ignoring whitespace or with fuzz, takes the full path.

`apply_patches()` is the library entry point (`pgtool push` calls it; one
PatchResult per message, in order); `fixed_patch()` returns the repaired,
clean patch text alone.
"""

from __future__ import annotations

import gc
import stat
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from pgtool import treefs
from pgtool.apply import mail, model, paths, repair, writer
from pgtool.apply.match import Ambiguous, FileText, Level, Placement, locate
from pgtool.errors import InfraError, UserError


@dataclass
class Options:
    strip: int | None = None     # -p; None probes the tree
    fuzz: int = 0
    reverse: bool = False        # -R
    check: bool = False          # --check / --dry-run: write nothing
    reject: bool = False         # write .rej files for failed hunks, apply the rest
    commit: bool = False         # one git commit per patch
    whitespace: bool | None = None  # the whitespace-insensitive level: None for damaged sections only
    fixed: bool = False          # the clean text will be used (--emit-fixed): render and check it before writing


@dataclass(slots=True)
class HunkResult:
    number: int
    status: str                  # applied | failed | ambiguous | reversed
    stated: int                  # line the header names
    line: int | None = None      # line where it applies (1-based)
    level: str = ""              # exact | offset | whitespace | fuzz
    offset: int = 0
    fuzz: int = 0
    patch_line: int = 0
    header: str = ""             # '@@ -a,b +c,d @@' as the patch states it


def hunk_result(h: repair.RawHunk, status: str, **more) -> HunkResult:
    """The result of hunk `h`, named as the patch states it."""
    return HunkResult(h.number, status, h.old_start, patch_line=h.lineno,
                      header=f"@@ -{h.old_start},{h.old_len} +{h.new_start},{h.new_len} @@", **more)


@dataclass
class FileResult:
    path: str
    old_path: str | None
    op: str                      # modify | create | delete | rename | copy
    reject_file: str | None = None
    _hunks: list[HunkResult] | None = field(default=None, repr=False)
    # instead of `_hunks`: the raw hunks, every one applied exactly at its stated line (a large
    # clean patch has 20k of them; their results are built only if something reads them)
    exact: list[repair.RawHunk] | None = field(default=None, repr=False)

    @property
    def hunks(self) -> list[HunkResult]:
        if self._hunks is None:
            self._hunks = [hunk_result(h, "applied", line=h.old_start, level="exact") for h in self.exact or ()]
            self.exact = None
        return self._hunks

    @hunks.setter
    def hunks(self, value: list[HunkResult]) -> None:
        self._hunks, self.exact = value, None

    @property
    def all_exact(self) -> bool:
        """Every hunk applied at its stated line (nothing to report per hunk)."""
        return self.exact is not None


@dataclass
class PatchResult:
    source: str
    subject: str
    author: str | None
    status: str                  # applied | checked | failed | already-applied
    files: list[FileResult] = field(default_factory=list)
    repairs: list[repair.Repair] = field(default_factory=list)
    commit: str | None = None
    error: str | None = None

    def __post_init__(self) -> None:
        # pieces of the clean text: rendered text, or (clean files, their sections, source) still to render
        self._fixed: list[str | tuple[list[model.CleanFile], list[repair.RawFile], str]] = []

    @property
    def fixed_text(self) -> str:
        """The repaired, clean patch text ('' when nothing applied).

        For input that needed no repair it is rendered on first use, and
        parsed back with unidiff, which must read the same model.
        """
        if any(not isinstance(part, str) for part in self._fixed):
            self._fixed = [part if isinstance(part, str) else _render_checked(*part) for part in self._fixed]
        return "".join(self._fixed)  # type: ignore[arg-type]

    @fixed_text.setter
    def fixed_text(self, text: str) -> None:
        self._fixed = [text]


def _render_checked(cleans: list[model.CleanFile], raws: list[repair.RawFile], source: str) -> str:
    _build_hunks(cleans, {i: (None, None, f) for i, f in enumerate(raws)})
    text = model.render(cleans)
    model.load(text, source, cleans)  # raises if unidiff reads anything else than the model
    return text


@dataclass
class ApplyResult:
    patches: list[PatchResult]
    written: bool
    recovered: str | None = None
    reverse: bool = False        # the patches were undone (-R)

    @property
    def exit_code(self) -> int:
        return 0 if all(p.status in ("applied", "checked") for p in self.patches) else 1


class _Overlay:
    """File contents as earlier patches of this run left them (nothing on disk yet).

    The tree is read through `treefs.Tree`, never through a symbolic link; a
    link's content is its target, as git keeps it. `seen` keeps, for every
    path consulted on disk, the signature of what was there (None: nothing),
    which the writer checks again before it writes: a file changed meanwhile
    is never overwritten.
    """

    def __init__(self, tree: treefs.Tree):
        self.tree = tree
        self.files: dict[str, bytes | None] = {}  # results of earlier patches; None: deleted
        self.links: set[str] = set()              # paths that are (or were made) symbolic links
        self.seen: dict[str, tuple | None] = {}
        self.modes: dict[str, int] = {}           # st_mode of what was on disk
        self._disk: dict[str, bytes] = {}

    def lines(self, rel: str) -> list[str] | None:
        text = self.text(rel)
        # only '\n' ends a line: str.splitlines() would also split on form feeds (kernel files have them)
        return None if text is None else _split_lf(text)

    def text(self, rel: str) -> str | None:
        data = self.data(rel)
        return None if data is None else data.decode("utf-8", errors="surrogateescape")

    def data(self, rel: str) -> bytes | None:
        if rel in self.files:
            return self.files[rel]
        data = self._disk.get(rel)
        if data is None:
            data = self._read(rel)
            if data is None:
                return None
            # cached as bytes, split per use: lists of lines of every file would triple the memory
            self._disk[rel] = data
        return data

    def _read(self, rel: str) -> bytes | None:
        e = self.tree.entry(rel)
        self.seen.setdefault(rel, e.signature if e.kind != "absent" else None)
        self.modes.setdefault(rel, e.mode)
        if e.kind == "link":
            self.links.add(rel)
        return e.data if e.kind in ("file", "link") else None

    def is_link(self, rel: str) -> bool:
        self.exists(rel)
        return rel in self.links

    def forget(self, rel: str | None) -> None:
        """Drop a cached original once its result is computed."""
        self._disk.pop(rel or "", None)

    def exists(self, rel: str) -> bool:
        if rel in self.files:
            return self.files[rel] is not None
        if rel in self._disk:
            return True
        e = self.tree.entry(rel, read=False) if rel not in self.seen else None
        if e is not None:
            self.seen[rel] = e.signature if e.kind != "absent" else None
            if e.kind == "link":
                self.links.add(rel)
            return e.kind in ("file", "link")
        return self.seen[rel] is not None and self.seen[rel][-1] in (stat.S_IFREG, stat.S_IFLNK)


_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def _split_lf(data: str) -> list[str]:
    if not any(c in data for c in _OTHER_BREAKS):
        return data.splitlines(keepends=True)  # the same split, done in C
    out = data.split("\n")
    last = out.pop()
    lines = [x + "\n" for x in out]
    if last:
        lines.append(last)
    return lines


def read_input(source: str) -> bytes:
    import sys
    if source == "-":
        try:
            if sys.stdin is None:
                raise ValueError("closed")
            return sys.stdin.buffer.read()
        except (OSError, ValueError, AttributeError):
            raise UserError("cannot read the patch from standard input (closed or unreadable)",
                            path="<stdin>") from None
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read patch: {exc.strerror}", path=source) from None


def _reverse(f: repair.RawFile) -> None:
    swap = {"+": "-", "-": "+", " ": " "}
    n = f.names
    f.names = paths.FileNames(n.new, n.old, n.index, n.lineno)
    m = dict(f.meta)
    for a, b in (("new file mode", "deleted file mode"), ("rename from", "rename to"), ("old mode", "new mode")):
        va, vb = m.pop(a, None), m.pop(b, None)
        if va is not None:
            m[b] = va
        if vb is not None:
            m[a] = vb
    f.meta = m
    for h in f.hunks:
        h.old_start, h.new_start, h.old_len, h.new_len = h.new_start, h.old_start, h.new_len, h.old_len
        h.readings = [repair.Reading([(swap[k], t) for k, t in r.lines], r.notes, r.count_ok) for r in h.readings]


def _dirty(tree: Path, rels: list[str]) -> set[str]:
    """Files with uncommitted changes (or untracked) in a git tree."""
    if not (tree / ".git").exists() or not rels:
        return set()
    import subprocess  # only for git trees
    out: set[str] = set()
    for i in range(0, len(rels), 400):
        # --literal-pathspecs: a file named ':x.c' or 'a*.c' is that file, not a pattern
        proc = subprocess.run(["git", "--literal-pathspecs", "-C", str(tree), "status", "--porcelain", "-z",
                               "--untracked-files=all",
                               "--", *rels[i:i + 400]], capture_output=True)
        if proc.returncode:
            return set(rels)  # git cannot tell: treat every file as holding an edit (fail closed)
        for entry in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if len(entry) > 3:
                out.add(entry[3:])
    return out


LOOSE_DRIFT = 10   # lines a loose match may lie from where the hunks before it put it


def _place(hunk: repair.RawHunk, text: FileText, expected_shift: int, lo: int, opts: Options,
           damaged: bool, first: bool):
    """(reading, placement) for the first reading found in the file; else a failure kind.

    Exact placements (forward, then reverse) are tried before the costly
    whitespace-insensitive and fuzz searches, so that re-applying a large
    patch is found to be "already applied" quickly. Loose placement is
    earned: ignoring whitespace for a damaged section (`damaged`), for a
    clean one only where mail damage explains every difference
    (_damage_explains), or with an explicit --ignore-whitespace; a change the
    file already has is "already applied" before any loose match of its old
    text is taken; and a whitespace-insensitive match far from where it
    belongs is refused (_loose_refusal) unless --ignore-whitespace or --fuzz
    was asked for.
    """
    stated = hunk.old_start - 1 if hunk.old_len else hunk.old_start
    best = hunk.readings[0]
    whitespace = True if opts.whitespace is None else opts.whitespace
    for loose in (False, True):
        if loose and not (whitespace or opts.fuzz):
            break
        forward, ambiguous = None, None
        for reading in hunk.readings:
            pre = reading.pre
            st = stated if pre or not hunk.old_len else hunk.old_start
            got = locate(text, pre, reading.kinds if opts.fuzz else [], st, st + expected_shift, lo=lo,
                         whitespace=loose and whitespace, fuzz=opts.fuzz if loose else 0)
            if isinstance(got, Placement) and not hunk.damaged:
                got = _anchored(text, hunk, reading, got, st, loose and whitespace)
            if isinstance(got, Placement):
                forward = (reading, got)
                break
            if isinstance(got, Ambiguous) and ambiguous is None:
                ambiguous = got
        if forward and forward[1].level == Level.EXACT:
            return forward
        back = None
        if best.post:
            # an applied hunk sits where the header's new-file line number says
            new_at = hunk.new_start - 1 if hunk.new_len else hunk.new_start
            back = locate(text, best.post, [], new_at, new_at, whitespace=loose and whitespace)
        if isinstance(back, Placement) and (loose or back.offset == 0 or forward is None):
            # the change itself where the header says it goes beats a match of the old text elsewhere,
            # and any sign the file has the change beats a loose match of the old text
            return None, "reversed"
        if forward:
            if loose and forward[1].level == Level.WHITESPACE and opts.whitespace is None and not opts.fuzz:
                if not damaged and not _damage_explains(forward[0].pre, text.lines, forward[1].pos):
                    return None, "failed"  # a clean section is placed as git places it
                refused = _loose_refusal(text, forward, st, st + expected_shift, first)
                if refused:
                    return None, refused
            return forward
        if ambiguous is not None:
            return None, "ambiguous"
    return None, "failed"


def _context(reading: repair.Reading) -> tuple[int, int]:
    """(leading, trailing) context lines of a hunk's reading."""
    kinds = (reading.seg if getattr(reading, "seg", None) is not None
             else "".join(k for k, _ in reading.lines)).replace("\n", " ")
    return len(kinds) - len(kinds.lstrip(" ")), len(kinds) - len(kinds.rstrip(" "))


def _ends_where_stated(hunks: list[repair.RawHunk], text: str) -> bool:
    """Whether a last hunk with context but none after its changes, placed at its stated line, ends
    the file, as git's match_end requires (else the careful path decides where it goes)."""
    if not hunks:
        return True
    last = hunks[-1]
    leading, trailing = _context(last.readings[0])
    if trailing or not leading:
        return True
    count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return last.old_start - 1 + last.old_len == count if last.old_len else True


def _anchored(text: FileText, hunk: repair.RawHunk, reading: repair.Reading, pl: Placement, stated: int,
              loose: bool) -> Placement | None:
    """git's anchors: a hunk with context but none after its changes must end at the end of the file,
    one that starts at line 1 must start there (apply.c's match_end, match_beginning). Fuzz, which
    drops outer context, lifts them, as in git. None when the hunk cannot sit where it must."""
    leading, trailing = _context(reading)
    if pl.level == Level.FUZZ or not (leading or trailing):
        return pl  # no context at all (-U0): nothing says where the file ends
    pre = reading.pre
    begin, end = hunk.old_start <= 1, not trailing
    if not (begin or end):
        return pl
    want = 0 if begin else len(text.lines) - len(pre)
    if (begin and end and len(text.lines) != len(pre)) or want < 0:
        return None
    if pl.pos == want:
        return pl
    if text.matches_at(pre, want, False):
        return Placement(want, Level.EXACT if want == stated else Level.OFFSET, want - stated)
    if loose and text.matches_at(pre, want, True):
        return Placement(want, Level.WHITESPACE, want - stated)
    return None


def _damage_explains(pre: list[str], lines: list[str], pos: int) -> bool:
    """Whether the patch's lines differ from the file's at `pos` only as mail damage makes them differ:
    tabs expanded to spaces, no-break spaces, trailing blanks dropped (a section whose hunks parse
    cleanly shows no other evidence of damage)."""
    def norm(line: str, shift: str = "") -> str:
        # tabs expanded with the line's own columns, or with the diff's prefix column counted
        return (shift + line).expandtabs(8)[len(shift):].replace("\xa0", " ").rstrip()
    return all(p == f or norm(p) == norm(f) or norm(p) == norm(f, " ")
               for p, f in zip(pre, lines[pos:pos + len(pre)]))


def _loose_refusal(text: FileText, found, stated: int, expected: int, first: bool) -> str | None:
    """Why a whitespace-insensitive match of a damaged section is not trusted, or None.

    After a file's first hunk the hunks before it say where it belongs: a loose match farther than
    LOOSE_DRIFT from there is refused. The first hunk has only its header: a loose match far from
    it is trusted only when it is the one loose match in the whole file.
    """
    from pgtool.apply.match import squeeze

    reading, pl = found
    if abs(pl.pos - expected) <= LOOSE_DRIFT:
        return None
    if not first:
        return "loose-distant"
    pre = reading.pre
    anchor = next((k for k, p in enumerate(pre) if squeeze(p)), 0)
    count = sum(1 for cand in text.positions(pre[anchor], True) if text.matches_at(pre, cand - anchor, True))
    return "loose-twice" if count > 1 else None


_EXACT_LEVELS = frozenset((Level.EXACT, Level.OFFSET))


def _all_reversed(hunks: list[repair.RawHunk], texts: list[tuple[int, int, str, str]], text: str) -> bool:
    """Every hunk already applied, as _place() decides it when no hunk is placed before it: its
    post-image exactly at the header's new-file line, its pre-image not at the old one."""
    if not all(post for _, _, _, post in texts):
        return False  # _place() looks back for a post-image only
    old_at = [(start - 1 if count else start, pre) for start, count, pre, _ in texts]
    new_at = [(h.new_start - 1 if h.new_len else h.new_start, post) for h, (_, _, _, post) in zip(hunks, texts)]
    forward, back = model.sits_at(text, old_at), model.sits_at(text, new_at)
    return forward is not None and back is not None and not any(forward) and all(back)


def _build_hunks(cleans: list[model.CleanFile], direct: dict) -> None:
    """Fill in the clean hunks of files patched straight from the input (their own hunks)."""
    for i, clean in enumerate(cleans):
        if clean.hunks is None:
            clean.hunks = [_as_written(h) for h in direct[i][2].hunks]


def _as_written(hunk: repair.RawHunk, reading: repair.Reading | None = None,
                start: int | None = None) -> model.CleanHunk:
    """A reading kept as written (its lines are the file's): the hunk's only one at the line its
    header names, unless told which reading and where it was placed."""
    r = reading or hunk.readings[0]
    return model.CleanHunk(hunk.old_start if start is None else start, None if r.raw else r.lines, hunk.section,
                           (r.pre, r.post), r.raw)


def _clean_hunk(hunk, reading: repair.Reading, pl: Placement, lines: list[str], damaged: bool,
                text_index: FileText | None = None, notes: list | None = None):
    """The hunk rebuilt from the file: its real context, re-indented additions."""
    if not damaged and pl.level in _EXACT_LEVELS and not pl.trim_head and not pl.trim_tail:
        # an exact match: the hunk's own lines are the file's
        return _as_written(hunk, reading, pl.pos + 1 if reading.pre else pl.pos)
    body = reading.lines
    # fuzz drops outer context: those lines stay out of the clean hunk
    pre_idx = [i for i, (k, _) in enumerate(body) if k != "+"]
    drop = set(pre_idx[:pl.trim_head]) | set(pre_idx[len(pre_idx) - pl.trim_tail:])
    body = [x for i, x in enumerate(body) if i not in drop]
    out: list[tuple[str, str]] = []
    pos = pl.pos
    reindent = damaged or pl.level >= Level.WHITESPACE

    def lookup(squeezed: str) -> str | None:
        hits = text_index.positions(squeezed, True) if text_index is not None else []
        return lines[hits[0]] if hits else None
    i = 0
    post: list[str] = []
    while i < len(body):
        kind, text = body[i]
        if kind != "+":
            out.append((kind, lines[pos]))
            if kind == " ":
                post.append(lines[pos])
            pos += 1
            i += 1
            continue
        j = i
        while j < len(body) and body[j][0] == "+":
            j += 1
        added = [t for _, t in body[i:j]]
        if reindent:
            # removed lines of the same change block, before and after the run
            from pgtool.apply.indent import reindent_block  # loaded only for damaged or loose matches

            removed_before = []
            for k, t in out[::-1]:
                if k != "-":
                    break
                removed_before.append(t)
            removed_after = []
            q, qpos = j, pos
            while q < len(body) and body[q][0] == "-":
                removed_after.append(lines[qpos])
                q += 1
                qpos += 1
            prev = lines[max(0, pl.pos - 60):pl.pos] + post
            written = added
            added = reindent_block(added, removed_before[::-1] + removed_after, prev, lookup,
                                   lines[qpos:qpos + 3])
            if notes is not None:  # every line whose indentation is restored is reported
                for k, (was, now) in enumerate(zip(written, added)):
                    if was != now:
                        shown = " ".join(now.split())[:60]
                        notes.append(repair.Repair(hunk.lineno + 1 + i + k, hunk.number,
                                                   f"re-indented an added line: '{shown}'"))
        for t in added:
            out.append(("+", t))
            post.append(t)
        i = j
    return model.CleanHunk(pl.pos + 1 if any(k != "+" for k, _ in out) else pl.pos, out, hunk.section)


def _op(f: repair.RawFile, old: str | None, new: str | None) -> str:
    if old is None:
        return "create"
    if new is None:
        return "delete"
    if old != new:
        return "copy" if "copy from" in f.meta else "rename"
    return "modify"


def _normalize(msg: mail.PatchMessage, opts: Options) -> list[list[repair.RawFile]]:
    """Parse one message, refuse escaping names, and split it where a file repeats.

    Concatenated patches may patch one file twice; the second section's line
    numbers count from the first one's result, so it is placed after it.
    """
    raw_files = repair.parse(msg.diff_text, msg.source, msg.first_line)
    for f in raw_files:  # every name is checked before any file is even looked at
        for name in (f.names.old, f.names.new, f.names.index):
            if name:
                paths.check_name(name, msg.source, f.names.lineno)
    chunks: list[list[repair.RawFile]] = [[]]
    seen: set[str] = set()
    for f in raw_files:
        f.names = repair.squash_names(f.names)
        if opts.reverse:
            _reverse(f)
        key = paths.strip(f.names.new if f.names.new not in (None, paths.DEV_NULL) else f.names.old or "", 1) or ""
        if key in seen:
            chunks.append([])
            seen = set()
        seen.add(key)
        chunks[-1].append(f)
    return chunks


def _prepare(msg: mail.PatchMessage, raw_files: list[repair.RawFile], tree: Path, opts: Options,
             overlay: _Overlay, dirty: set[str] | None):
    """Resolve and place one message's files; returns (PatchResult, clean files)."""
    seen = paths.Lookups(tree)  # nothing is written while this message is resolved
    level = opts.strip if opts.strip is not None else paths.probe_strip([f.names for f in raw_files], tree,
                                                                       overlay.files, seen)
    result = PatchResult(msg.source, msg.subject, msg.author, "applied")
    cleans: list[model.CleanFile] = []
    # clean index -> index of its FileResult (files already gone or already there have no clean)
    file_of: list[int] = []
    # clean index -> its change, the file it makes (None: deleted), its section (for hunks still to build)
    direct: dict[int, tuple[model.FileChange, bytes | None, repair.RawFile]] = {}
    resolved = []
    for f in raw_files:  # every path is checked before anything is read or written
        if f.binary:
            raise UserError("binary patches are not supported (apply them with git apply)",
                            path=msg.source, line=f.lineno)
        creating = f.names.old in (None, paths.DEV_NULL) or "new file mode" in f.meta
        deleting = f.names.new == paths.DEV_NULL or "deleted file mode" in f.meta
        explicit = opts.strip is not None
        link = _is_link_section(f)
        if creating:
            old, new = None, paths.resolve(f.names, tree, level, source=msg.source, creating=True,
                                           explicit=explicit, staged=overlay.files, lookups=seen, link_ok=link)
        elif f.git and ("rename from" in f.meta or "copy from" in f.meta):
            n = f.names
            new = paths.resolve(paths.FileNames(n.new, n.new, None, n.lineno), tree, level,
                                source=msg.source, creating=True, explicit=explicit, staged=overlay.files,
                                lookups=seen, link_ok=link)
            old = _resolve_or_gone(paths.FileNames(n.old, n.old, None, n.lineno), tree, level, msg.source,
                                   explicit, gone_ok=overlay.exists(new), staged=overlay.files, lookups=seen,
                                   link_ok=link)
        else:
            old = _resolve_or_gone(f.names, tree, level, msg.source, explicit, gone_ok=deleting,
                                   staged=overlay.files, lookups=seen, link_ok=link)
            new = None if deleting else old
        if deleting and old is None:
            raise UserError("deletion of an unnamed file", path=msg.source, line=f.lineno)
        resolved.append((f, old, new))
    if dirty is None and opts.fuzz and (tree / ".git").exists():  # only fuzz can lose a user's edit
        dirty = _dirty(tree, [o for _, o, _ in resolved if o and o != _GONE and o not in overlay.files])
    # paths this group of sections deletes or renames away: a rename may land where one of them was
    leaving = _leaving(resolved)
    for f, old, new in resolved:
        fr = FileResult(new or old or "", old, _op(f, old, new))
        if opts.reverse and fr.op == "copy":
            fr.path, fr.old_path, fr.op = old or "", new, "delete"  # undoing a copy removes the copy
        result.files.append(fr)
        result.repairs.extend(f.notes)
        if old == _GONE:
            # the file the patch removes or renames is gone already: applied before?
            after = overlay.lines(new) if new else None
            fr.old_path = None
            if not new:  # a deletion: name the file as the patch does, not by the marker
                fr.path = paths.strip(f.names.old or "", 1 if level is None else level) or f.names.old or ""
            fr.hunks = [hunk_result(h, "reversed" if after is None or _is_post(h, after) else "failed")
                        for h in f.hunks] or \
                [HunkResult(0, "reversed", 0)]
            continue
        content_text = overlay.text(old) if old else ""
        if content_text is None:
            raise paths.MissingFile(f"can't find file to patch: '{paths.printable(old)}' is not a regular file "
                                    "in the tree; the patch does not apply", path=msg.source, line=f.lineno)
        if old and overlay.is_link(old) != _is_link_section(f) and not opts.reverse:
            result.error = (f"{old}: wrong type: the patch treats it as a "
                            f"{'symbolic link' if _is_link_section(f) else 'regular file'}")
            fr.hunks = [hunk_result(h, "failed") for h in f.hunks]
            continue
        if fr.op in ("rename", "copy") and new and overlay.exists(new) and new not in leaving:
            # git apply: "already exists in working directory"; whatever is there is the user's
            result.error = f"{new}: already exists in working directory"
            fr.hunks = [hunk_result(h, "failed") for h in f.hunks]
            continue
        if new is None and not _deletes_whole(f, content_text):
            result.error = (f"{old}: not deleting it: its content differs from what the patch removes "
                            "(the deletion does not cover the whole file)")
            fr.hunks = [hunk_result(h, "failed") for h in f.hunks]
            continue
        if new and not old and overlay.exists(new):
            content_new = overlay.lines(new) or []
            fr.hunks = [hunk_result(h, "reversed" if _is_post(h, content_new) else "failed") for h in f.hunks] or \
                [HunkResult(0, "reversed" if content_new == _new_file_lines(f) else "failed", 0)]
            if any(h.status != "reversed" for h in fr.hunks):
                result.error = f"{new}: already exists"
            continue
        mode = f.meta.get("new mode") or f.meta.get("new file mode")
        # damage is local: a section with no damaged hunk is applied as git apply would (no loose
        # placement, no re-indentation), whatever the rest of the mail looks like
        damaged = any(h.damaged for h in f.hunks)
        if (not damaged and sum(map(len, map(_READINGS, f.hunks))) == len(f.hunks)  # one reading each
                and _ends_where_stated(f.hunks, content_text)):
            # Every hunk exactly at its header's line is what _place() finds first; tried on the
            # whole text at once, without splitting the file into lines (the file decides).
            texts = repair.hunk_texts(f.hunks)
            patched = model.patch_text(content_text, texts)
            if patched is None and f.hunks and _all_reversed(f.hunks, texts, content_text):
                fr.hunks = [hunk_result(h, "reversed") for h in f.hunks]
                cleans.append(model.CleanFile(old, new, [], f.meta.get("old mode"), mode, fr.op == "copy"))
                file_of.append(len(result.files) - 1)
                continue
            if patched is not None:
                fr.exact = f.hunks  # (undamaged: their readings carry no repair notes)
                # its clean hunks are the patch's own: built if the clean text is ever rendered
                clean = model.CleanFile(old, new, None, f.meta.get("old mode"), mode, fr.op == "copy")
                cleans.append(clean)
                file_of.append(len(result.files) - 1)
                direct[len(cleans) - 1] = (model.change_of(clean),
                                           patched.encode("utf-8", "surrogateescape") if new else None, f)
                overlay.forget(old)
                continue
        text = FileText(_split_lf(content_text))
        lines = text.lines
        shift, lo = 0, 0
        clean_hunks = []
        strict = dirty is not None and old in dirty
        as_written = not damaged  # hunks placed exactly keep their own lines
        for h in f.hunks:
            reading, got = _place(h, text, shift, lo, opts, damaged, first=not clean_hunks)
            hr = hunk_result(h, "applied")
            fr.hunks.append(hr)
            if reading is None:
                hr.status = got
                continue
            pl = got
            if strict and pl.level == Level.FUZZ:
                # every other level matches all context and removed lines and keeps the
                # file's own bytes for context, so a user's edit can only be lost here
                hr.status = "failed"
                result.error = (f"{old} has uncommitted changes and the patch needs fuzz on top of them; "
                                f"refusing (commit or stash the edit first)")
                continue
            result.repairs.extend(reading.notes)
            hr.line = pl.pos + 1 - pl.trim_head if reading.pre else pl.pos
            hr.level = pl.level.name.lower()
            hr.offset = pl.offset
            hr.fuzz = pl.fuzz
            shift = pl.offset
            lo = pl.pos + len(reading.pre) - pl.trim_head - pl.trim_tail
            as_written = as_written and pl.level in _EXACT_LEVELS and not pl.trim_head and not pl.trim_tail
            clean_hunks.append(_clean_hunk(h, reading, pl, text.lines, damaged, text, result.repairs))
        clean = model.CleanFile(old, new, clean_hunks, f.meta.get("old mode"), mode, fr.op == "copy")
        cleans.append(clean)
        file_of.append(len(result.files) - 1)
        if as_written and all(hr.status == "applied" for hr in fr.hunks):
            # the file as the model patches it, now, while its lines are at hand
            change = model.change_of(clean)
            new_lines = model.apply_change(lines, change, new or old or "")
            data = "".join(new_lines).encode("utf-8", "surrogateescape") if new else None
            direct[len(cleans) - 1] = (change, data, f)
            overlay.forget(old)
    statuses = [hr.status for fr in result.files if not fr.all_exact for hr in fr.hunks]
    if any(fr.all_exact and fr.exact for fr in result.files):
        statuses.append("applied")
    if statuses and all(s == "reversed" for s in statuses):
        result.status = "already-applied"
    elif any(s != "applied" for s in statuses) or result.error:
        result.status = "failed"
    return result, cleans, file_of, direct


_READINGS = attrgetter("readings")
LINK_MODE = "120000"
_GONE = "\0gone"  # an old path that no longer exists (its deletion or rename already applied)


def _leaving(resolved) -> set[str]:
    """The old paths a group of sections deletes or renames away."""
    return {old for f, old, new in resolved
            if old and old != _GONE and old != new and "copy from" not in f.meta}


def _deletes_whole(f: repair.RawFile, content: str) -> bool:
    """A deletion must remove exactly the file (git: "removal patch leaves file contents"; GNU patch:
    "not deleting file as content differs"); a section damaged in the mail may differ in whitespace."""
    if any(h.readings[0].post for h in f.hunks):
        return False
    removed = "".join(t for h in f.hunks for t in h.readings[0].pre)
    if removed == content:
        return True
    if any(h.damaged for h in f.hunks):
        return _split_lf(removed) == _split_lf(content) or \
            [" ".join(x.split()) for x in _split_lf(removed)] == [" ".join(x.split()) for x in _split_lf(content)]
    return False


def _is_link_section(f: repair.RawFile) -> bool:
    """A git section about a symbolic link (mode 120000 on either side)."""
    m = f.meta
    if LINK_MODE in (m.get("new file mode"), m.get("deleted file mode"), m.get("old mode"), m.get("new mode")):
        return True
    return any(k.startswith("index") and v == LINK_MODE for k, v in m.items())


def _resolve_or_gone(names, tree: Path, level, source: str, explicit: bool, gone_ok: bool,
                     staged: dict | None = None, lookups: paths.Lookups | None = None, link_ok: bool = False) -> str:
    try:
        return paths.resolve(names, tree, level, source=source, creating=False, explicit=explicit, staged=staged,
                             lookups=lookups, link_ok=link_ok)
    except UserError:
        if gone_ok and not any(paths.exists(tree, paths.strip(n, lv), staged, lookups)
                               for n in (names.old, names.new) if n and n != paths.DEV_NULL
                               for lv in range(0, 4)):
            return _GONE
        raise


def _new_file_lines(f: repair.RawFile) -> list[str]:
    return [t for h in f.hunks for t in h.readings[0].post]


def _is_post(h: repair.RawHunk, content: list[str]) -> bool:
    post = h.readings[0].post
    got = locate(FileText(content), post, [" "] * len(post), 0, 0, whitespace=True)
    return isinstance(got, Placement)


def _rejects(result: PatchResult, raw_files, overlay_writes: dict) -> None:
    for fr, f in zip(result.files, raw_files):
        # hunks found already applied are done, not rejected
        failed = [h for h, hr in zip(f.hunks, fr.hunks) if hr.status not in ("applied", "reversed")]
        if not failed:
            continue
        rej = fr.path + ".rej"
        text = [f"--- {fr.old_path or '/dev/null'}\n", f"+++ {fr.path}\n"]
        for h in failed:
            r = h.readings[0]
            text.append(f"@@ -{h.old_start},{len(r.pre)} +{h.new_start},{len(r.post)} @@\n")
            text.extend(k + (t if t.endswith("\n") else t + "\n") for k, t in r.lines)
        overlay_writes[rej] = "".join(text)
        fr.reject_file = rej


def apply_patches(sources: list[str], tree: Path, options: Options | None = None,
                  progress=None) -> ApplyResult:
    """Apply every patch of `sources` (files, '-' for stdin) to `tree`, atomically.

    Without --commit, all patches are written together or not at all; with it,
    each patch is written and committed in turn, stopping at the first failure.
    Two runs on one tree are serialised (the tree lock, `treefs.lock`).
    """
    result, writes = plan_patches(sources, tree, options, progress)
    return result


def plan_patches(sources: list[str], tree: Path, options: Options | None = None, progress=None,
                 write: bool = True) -> tuple[ApplyResult, list[writer.FileWrite]]:
    """apply_patches(), and the writes it made or (without `write`) would make.

    Without `write` nothing is written whatever the options say; the caller
    adds its own writes (quilt's `.pc/` bookkeeping) and commits them all in
    one `writer.commit`, under the tree lock it holds.
    """
    tree = Path(tree)
    if not tree.is_dir():
        raise UserError("tree not found", path=str(tree))
    # The run allocates a few objects per line and hunk and frees them at the end; none
    # form cycles worth collecting, and the cycle collector's passes over them cost more
    # than the parse itself on large patches.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with treefs.lock(tree), treefs.Tree(tree) as t:
            return _apply_locked(sources, tree, t, options or Options(), progress, write)
    finally:
        if collecting:
            gc.enable()


def _apply_locked(sources: list[str], tree: Path, t: treefs.Tree, opts: Options, progress,
                  write: bool) -> tuple[ApplyResult, list[writer.FileWrite]]:
    if opts.commit and not opts.check and not (tree / ".git").exists():
        raise UserError("--commit needs a git tree", path=str(tree))
    if opts.check or not write:
        recovered = None
        if writer.pending(tree):
            recovered = ("an interrupted apply is pending in this tree (its journal is kept); the next pgtool apply, "
                         "push or pop completes it ('pgtool apply --abort-recovery' undoes it)")
    else:
        recovered = writer.recover(tree, t=t)
    messages = []
    for src in sources:
        messages.extend(mail.read_messages(read_input(src), src))
    overlay = _Overlay(t)
    results: list[PatchResult] = []
    pending: dict[str, bytes | None] = {}
    rejects: dict[str, str] = {}
    modes: dict[str, int] = {}
    written = False
    stopped = False
    planned: list[writer.FileWrite] = []
    for idx, msg in enumerate(messages):
        if progress and len(messages) > 1:
            progress(f"[{idx + 1}/{len(messages)}] {msg.subject or msg.source}")
        chunks = _normalize(msg, opts)
        if progress and sum(len(c) for c in chunks) >= 100:
            hunks = sum(len(f.hunks) for c in chunks for f in c)
            progress(f"{msg.source}: {sum(len(c) for c in chunks)} files, {hunks} hunks")
        parts = []
        for raw_files in chunks:
            part = _apply_one(msg, raw_files, tree, opts, overlay, (pending, rejects, modes))
            parts.append(part)
            if part.status not in ("applied", "checked") and not (opts.reject and part.status == "failed"):
                stopped = True
                break
        results.append(_merge(parts))  # one result per message, whatever the sections
        if stopped:
            break
        if opts.commit and not opts.check and write:
            refuse_dirty_commit(tree, results[-1])
            if results[-1].status == "failed":
                stopped = True
                break
            writer.commit(tree, _writes(pending, rejects, modes, overlay))
            written = True
            results[-1].commit = _git_commit(tree, msg, list(pending))
            pending.clear()
            rejects.clear()
            overlay.seen.clear()  # the next message's expectations are the tree as committed
    ok = not stopped and all(r.status in ("applied", "checked") for r in results)
    if (not opts.check and (not opts.commit or not write) and (ok or (opts.reject and not stopped))
            and (pending or rejects)):
        planned = _writes(pending, rejects, modes, overlay)
        if write:
            if progress and len(pending) >= 100:
                progress(f"writing {len(pending) + len(rejects)} files")
            writer.commit(tree, planned)
            written = True
    return ApplyResult(results, written, recovered, opts.reverse), planned


def refuse_dirty_commit(tree: Path, result: PatchResult) -> None:
    """git am's rule: a patch is not committed over uncommitted changes to the files it touches."""
    touched = sorted({p for fr in result.files for p in (fr.path, fr.old_path) if p})
    dirty = sorted(p for p in _dirty(tree, touched) if p in touched)
    if dirty:
        result.status = "failed"
        result.error = (f"{', '.join(dirty[:5])}{' ...' if len(dirty) > 5 else ''}: uncommitted changes in a file "
                        "the patch touches; refusing to commit them under the mail's author (commit or stash "
                        "them first, as git am requires)")


def git_commit(tree: Path, source: str, rels: list[str]) -> str:
    """Commit `rels` as the (first) message of `source` says: its author, date and subject."""
    return _git_commit(tree, mail.read_messages(read_input(source), source)[0], rels)


def _merge(parts: list[PatchResult]) -> PatchResult:
    result = parts[0]
    for part in parts[1:]:
        result.files += part.files
        result.repairs += part.repairs
        result._fixed += part._fixed
        result.error = result.error or part.error
        if part.status not in ("applied", "checked"):
            result.status = part.status
    return result


def _apply_one(msg, raw_files, tree: Path, opts: Options, overlay: _Overlay, staged) -> PatchResult:
    """Place, render, re-parse and stage (in `overlay`) one group of file sections."""
    pending, rejects, modes = staged
    prior_modes = dict(modes)  # a copy takes its source's mode from before this patch (git's pre-image)
    result, cleans, file_of, direct = _prepare(msg, raw_files, tree, opts, overlay, None)
    if result.status == "failed" and opts.reject and not result.error:
        _rejects(result, raw_files, rejects)
        _build_hunks(cleans, direct)
        # a file none of whose hunks applied is left as it is (its .rej says why); a section
        # without hunks (a mode change, a rename) still applies
        cleans = [c for c, i in zip(cleans, file_of)
                  if not result.files[i].hunks or c.old_path != c.new_path
                  or any(hr.status == "applied" for hr in result.files[i].hunks)]
        direct = {}
    elif result.status != "applied":
        return result
    if not opts.fixed and not result.repairs and len(direct) == len(cleans):
        # nothing was repaired: the model read from the input is applied; its text waits to be asked for
        result._fixed = [(cleans, [direct[i][2] for i in range(len(cleans))], msg.source)]
        done = [(*direct[i][:2], True) for i in range(len(cleans))]
    else:
        _build_hunks(cleans, direct)
        result.fixed_text = model.render(cleans)
        done = []
        for i, ch in enumerate(model.load(result.fixed_text, msg.source, cleans)):
            # a file already patched from the model stands if unidiff read its hunks at the model's lines
            # (load() has checked everything else); any other is patched from what unidiff read
            mine = direct.get(i)
            same = mine is not None and [h[0] for h in ch.hunks] == [h.old_start for h in cleans[i].hunks]
            done.append((ch, mine[1], True) if same else (ch, None, False))  # type: ignore[index]
    for ch, data, computed in done:
        if not computed:
            src = overlay.lines(ch.old_path) if ch.old_path else []
            new_lines = model.apply_change(src or [], ch, ch.new_path or ch.old_path or "")
            # kept as encoded bytes: a third of the memory of a list of lines
            data = "".join(new_lines).encode("utf-8", "surrogateescape") if ch.new_path else None
        if ch.copy and opts.reverse:
            new_lines = _split_lf(data.decode("utf-8", "surrogateescape")) if data is not None else []
            # undoing a copy removes the copy, if it is still the patched original
            if new_lines != overlay.lines(ch.new_path or ""):
                result.status = "failed"
                result.error = f"{ch.old_path} is no longer a copy of {ch.new_path}; not removing it"
                return result
            overlay.files[ch.old_path] = None
            pending[ch.old_path] = None
            continue
        if ch.old_path and ch.old_path != ch.new_path and not ch.copy:
            overlay.files[ch.old_path] = None
            pending[ch.old_path] = None
        if ch.new_path:
            if ch.old_path and ch.old_path != ch.new_path and not ch.new_mode:
                # a rename or copy keeps the mode of what it renames (an executable stays one)
                kept = prior_modes.get(ch.old_path) or overlay.modes.get(ch.old_path)
                if kept and stat.S_ISREG(kept) and kept & 0o100:
                    modes[ch.new_path] = 0o100755
            overlay.files[ch.new_path] = data
            pending[ch.new_path] = data
            overlay.forget(ch.old_path)
            if ch.new_mode:
                modes[ch.new_path] = int(ch.new_mode, 8)
                if ch.new_mode == LINK_MODE:
                    overlay.links.add(ch.new_path)
                else:
                    overlay.links.discard(ch.new_path)
        elif ch.old_path:
            overlay.files[ch.old_path] = None
            pending[ch.old_path] = None
    if opts.check and result.status == "applied":
        result.status = "checked"
    return result


def _writes(pending: dict, rejects: dict, modes: dict, overlay: _Overlay) -> list[writer.FileWrite]:
    """The files to write, each with the state it was computed from (checked again by the writer)."""
    writes = []
    for rel, content in pending.items():
        mode = modes.get(rel)
        if mode is None and content is not None and overlay.is_link(rel):
            mode = writer.LINK  # a link patched in place stays a link
        writes.append(writer.FileWrite(rel, content, mode, overlay.seen.get(rel, writer.UNCHECKED)))
    for rel, text in rejects.items():
        writes.append(writer.FileWrite(rel, text.encode("utf-8", "surrogateescape")))
    return writes


def _git_commit(tree: Path, msg: mail.PatchMessage, rels: list[str]) -> str:
    import git  # gitpython: loaded only for --commit

    try:
        return _commit_with(git.Repo(tree), msg, rels)
    except (git.GitCommandError, git.InvalidGitRepositoryError, ValueError) as exc:
        detail = " ".join(str(getattr(exc, "stderr", "") or exc).split())[:200]
        raise InfraError(f"git commit failed after writing the patch: {detail}", path=str(tree)) from None


def _commit_with(repo, msg: mail.PatchMessage, rels: list[str]) -> str:
    # -f: the paths are exactly what the patch touched, whatever .gitignore says
    # (Debian's linux-source ignores every top-level path); literal: a name is never a pattern
    with repo.git.custom_environment(GIT_LITERAL_PATHSPECS="1"):
        repo.git.add("-A", "-f", "--", *rels)
    message = msg.subject or "pgtool apply"
    if msg.body_prose:
        message += "\n\n" + msg.body_prose
    env = {}
    if msg.author:
        env["GIT_AUTHOR_NAME"] = msg.author
        env["GIT_AUTHOR_EMAIL"] = msg.email or ""
    if msg.date:
        env["GIT_AUTHOR_DATE"] = msg.date
    reader = repo.config_reader()
    if not reader.has_option("user", "email"):
        env.setdefault("GIT_COMMITTER_NAME", msg.author or "pgtool")
        env.setdefault("GIT_COMMITTER_EMAIL", msg.email or "pgtool@localhost")
    with repo.git.custom_environment(GIT_LITERAL_PATHSPECS="1", **env):
        # only the patch's paths: whatever else the user staged stays staged
        repo.git.commit("-q", "--no-verify", "-m", message, "--", *rels)
    return repo.head.commit.hexsha


def fixed_patch(sources: list[str], tree: Path, options: Options | None = None) -> str:
    """The repaired clean patch text (what `--emit-fixed` writes); writes nothing."""
    opts = options or Options()
    opts = Options(**{**opts.__dict__, "check": True, "commit": False, "reject": False, "fixed": True})
    result = apply_patches(sources, tree, opts)
    return "".join(p.fixed_text for p in result.patches)
