"""A tolerant reading of patch text, damaged or not.

Clean hunks (every line prefixed, counts right) pass through with one
reading. A damaged hunk (lines that lost their diff prefix, counts that
disagree with the body, lines like `++x;` that may be context) gets every
reading the text allows, most credible first; the engine keeps the one whose
pre-image is actually in the target file. What was repaired is recorded as
`Repair` notes for the report.

Speed: strictly clean hunks (the bulk of any large patch) are read in runs
by `_Bodies` from a string of the lines' first characters, and their images
are built only when used (`hunk_texts`, `Reading.texts`); everything else is
read line by line, with the same readings (tests/apply/test_bulk_parse.py).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate, chain, compress, repeat
from operator import and_, attrgetter, eq, itemgetter, sub

from pgtool.apply.model import raw_lines
from pgtool.apply.paths import DEV_NULL, FileNames, squash
from pgtool.errors import UserError

# line numbers and counts of up to 12 digits: more is no file's, and past 4300 int() refuses them
HUNK_RE = re.compile(r"^@@ -(\d{1,12})(?:,(\d{1,12}))? \+(\d{1,12})(?:,(\d{1,12}))? @@ ?(.*)$")
_HUGE_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
NO_NEWLINE = "\\ No newline at end of file"
MAX_AMBIGUOUS = 8      # 2**8 readings at most per hunk
MAX_LOST_BLANKS = 3    # GNU patch assumes at most this many eaten blank lines

_GIT_META = ("old mode ", "new mode ", "deleted file mode ", "new file mode ", "similarity index ",
             "dissimilarity index ", "rename from ", "rename to ", "copy from ", "copy to ", "index ")


_PRE_KIND = " -\n".__contains__    # kinds (first characters; '\n': an empty line) in a pre-image
_POST_KIND = " +\n".__contains__
_HEADER_KINDS = re.compile(r"-(?=\+@)")  # a '---' line, a '+++' line, a hunk header: maybe a file header
_BODY_RUN = re.compile(r"[ +\-\n]*")  # prefixed or empty lines: a clean body runs over these only
_HUNK_RUN = re.compile(r"(?:@[ +\-\n]*)+")  # headers, each followed by such a body
# HUNK_RE for many header lines at once ('' for a count left out)
_HUNK_FIELDS = re.compile(HUNK_RE.pattern, re.M)
_TAIL = itemgetter(slice(1, None))
_FIRST = itemgetter(0)
_READINGS, _SEG, _RAW = attrgetter("readings"), attrgetter("seg"), attrgetter("raw")


@dataclass(frozen=True)
class Repair:
    line: int          # line in the patch input
    hunk: int          # 1-based hunk number within its file (0: file level)
    what: str


class Reading:
    """One interpretation of a hunk body: (kind, text) with kind in ' +-'.

    Treat it as frozen: pre/post images are computed once (make a new Reading
    to change it). A clean reading read in bulk (`_bulk_reading`) keeps the
    body as written (`raw`) and the first character of each of its lines
    (`seg`, '\\n' for an empty line); `lines`, `pre`, `post` and `texts()` are
    built from them on demand, with C-level iteration and no tuple per line.
    """

    __slots__ = ("_lines", "raw", "notes", "count_ok", "_pre", "_post", "_kinds", "seg")
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __init__(self, lines: list[tuple[str, str]], notes: list[Repair] | None = None, count_ok: bool = True):
        self._lines: list[tuple[str, str]] | None = lines
        self.raw: list[str] | None = None  # body lines as written ('' for a blank context line)
        self.seg: str | None = None        # with `raw`: their kinds, one character each
        self.notes = [] if notes is None else notes
        self.count_ok = count_ok
        self._pre: list[str] | None = None
        self._post: list[str] | None = None
        self._kinds: list[str] | None = None

    @property
    def lines(self) -> list[tuple[str, str]]:
        if self._lines is None:
            self._lines = raw_lines(self.raw)
        return self._lines

    @property
    def pre(self) -> list[str]:
        if self._pre is None:
            self._pre = [x + "\n" for x in self._image(_PRE_KIND)] if self.seg is not None else \
                [t for k, t in self.lines if k != "+"]
        return self._pre

    @property
    def kinds(self) -> list[str]:
        if self._kinds is None:
            self._kinds = [k for k, _ in self.lines if k != "+"]
        return self._kinds

    @property
    def post(self) -> list[str]:
        if self._post is None:
            self._post = [x + "\n" for x in self._image(_POST_KIND)] if self.seg is not None else \
                [t for k, t in self.lines if k != "-"]
        return self._post

    def _image(self, kind) -> Iterator[str]:
        """The bulk body's lines of one image, prefix cut, without their newline."""
        return map(_TAIL, compress(self.raw, map(kind, self.seg)))  # type: ignore[arg-type]

    def texts(self) -> tuple[int, str, str]:
        """(pre-image line count, pre-image text, post-image text)."""
        seg = self.seg
        if seg is not None:  # every line of a bulk reading ends in a newline
            n_pre, n_post = len(seg) - seg.count("+"), len(seg) - seg.count("-")
            return (n_pre, "\n".join(self._image(_PRE_KIND)) + "\n" if n_pre else "",
                    "\n".join(self._image(_POST_KIND)) + "\n" if n_post else "")
        pre = self.pre
        return len(pre), "".join(pre), "".join(self.post)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reading):
            return NotImplemented
        return (self.lines, self.notes, self.count_ok) == (other.lines, other.notes, other.count_ok)

    def __repr__(self) -> str:
        return f"Reading(lines={self.lines!r}, notes={self.notes!r}, count_ok={self.count_ok!r})"


def hunk_texts(hunks: list[RawHunk]) -> list[tuple[int, int, str, str]]:
    """(old start, *Reading.texts()) of each hunk's first reading: one file's hunks as model.patch_text
    takes them, the lines of bulk readings cut in one pass for all."""
    readings = list(map(_FIRST, map(_READINGS, hunks)))
    segs = list(map(_SEG, readings))
    if None in segs:
        return [(h.old_start, *r.texts()) for h, r in zip(hunks, readings)]
    raw = list(chain.from_iterable(map(_RAW, readings)))
    seg = "".join(segs)  # type: ignore[arg-type]
    pre = list(map(_TAIL, compress(raw, map(_PRE_KIND, seg))))
    post = list(map(_TAIL, compress(raw, map(_POST_KIND, seg))))
    out = []
    join = "\n".join
    p = q = 0
    for h in hunks:
        a, b = h.old_len, h.new_len  # a bulk reading's counts are its header's
        out.append((h.old_start, a, join(pre[p:p + a]) + "\n" if a else "", join(post[q:q + b]) + "\n" if b else ""))
        p += a
        q += b
    return out


def _bulk_reading(raw: list[str], seg: str) -> Reading:
    """A clean reading kept as written (no call of __init__: one per hunk of a large patch)."""
    r = Reading.__new__(Reading)
    r._lines = r._pre = r._post = r._kinds = None
    r.raw, r.seg, r.notes, r.count_ok = raw, seg, [], True
    return r


@dataclass(slots=True)
class RawHunk:
    number: int
    lineno: int
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    section: str
    readings: list[Reading]
    damaged: bool


@dataclass
class RawFile:
    names: FileNames
    lineno: int
    git: bool = False
    meta: dict[str, str] = field(default_factory=dict)
    binary: bool = False
    hunks: list[RawHunk] = field(default_factory=list)
    notes: list[Repair] = field(default_factory=list)


# git's C quoting of names (quote.c): the escapes it writes, and the bytes they stand for
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, "\\": 92, '"': 34}
_C_NAMED = {v: k for k, v in _C_ESCAPES.items()}
_C_PLAIN = re.compile(r'[^"\\\x00]*')  # a run of characters that stand for themselves
_C_OCTAL = re.compile(r"[0-3][0-7][0-7]")  # one byte (a first digit over 3 would overflow it)
# what git quotes: control bytes, '"', '\', DEL and, under core.quotePath (the default), bytes >= 0x80
_C_QUOTED = re.compile(r'[\x00-\x1f"\\\x7f-\U0010ffff]')


def unquote_c(text: str, start: int = 0) -> tuple[str, int] | None:
    r"""git's unquote_c_style: the name quoted at text[start] ('"') and the offset after its closing quote.

    The escapes are git's: \a \b \t \n \v \f \r \" \\ and three octal digits (the first 0-3) for
    one byte each. The bytes are read as UTF-8; bytes that are not valid UTF-8 stay surrogate
    escapes, so the name is the one os.fsencode() turns back into the file's bytes. None when the
    text is not a quoted name (no closing quote, another escape, a NUL): git then reads it as written.
    """
    if not text.startswith('"', start):
        return None
    out = bytearray()
    i = start + 1
    n = len(text)
    while True:
        j = _C_PLAIN.match(text, i).end()  # type: ignore[union-attr]
        if j > i:
            try:
                out += text[i:j].encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:  # a lone surrogate that stands for no byte
                return None
        if j >= n or text[j] == "\x00":
            return None
        if text[j] == '"':
            return out.decode("utf-8", "surrogateescape"), j + 1
        c = text[j + 1:j + 2]
        if c and c in _C_ESCAPES:
            out.append(_C_ESCAPES[c])
            i = j + 2
        elif _C_OCTAL.match(text, j + 1):
            out.append(int(text[j + 1:j + 4], 8))
            i = j + 4
        else:
            return None


def quote_c(prefix: str, name: str) -> str:
    """git's quote_two_c_style: prefix + name, C-quoted as a whole when either needs it."""
    whole = prefix + name
    if not _C_QUOTED.search(whole):
        return whole
    out = ['"']
    for byte in whole.encode("utf-8", "surrogateescape"):
        if byte in _C_NAMED:
            out.append("\\" + _C_NAMED[byte])
        elif byte < 0x20 or byte >= 0x7f:
            out.append(f"\\{byte:03o}")
        else:
            out.append(chr(byte))
    out.append('"')
    return "".join(out)


_SPACES = re.compile(r"\s+")
# A timestamp as diff and version-control tools write one after a name, filling the rest of the
# line: GNU diff and POSIX (git apply's diff_timestamp_len), CVS/RCS with its revision, the ctime
# style of older diffs, svn's revision
_STAMP = re.compile(
    r"(?:\d\d)?\d\d-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?: ?(?:[+-]\d\d:?\d\d|Z|[A-Z]{2,5}))?"
    r"|\d{4}/\d\d/\d\d \d\d:\d\d(?::\d\d)?(?: [\d.]+)?"
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),? +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d\d?"
    r" +\d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Z]{2,5}| [+-]\d{4})? +\d{4}(?: [+-]\d{4})?"
    r"|\((?:revision \d+|working copy|nonexistent)\)")


def _name(field_text: str, git: bool = False) -> str:
    """The file name of a ---/+++/Index: field, without what follows it."""
    return _split_field(field_text, git)[0]


def _split_field(field_text: str, git: bool = False) -> tuple[str, str]:
    """(file name, what follows it: a timestamp) of a ---/+++/Index: field.

    A C-quoted name (git, GNU diff) is unquoted. Otherwise a TAB ends the
    name, as for GNU patch and git. Without a TAB (git writes a name with
    spaces and no timestamp; a mail archive may have turned the TAB into
    spaces) a timestamp filling the rest of the line is cut off, outside
    git sections (git writes none); else the name is the rest of the line.
    Trailing whitespace is not part of a name (as GNU patch), but before
    a TAB in a git section (as git).
    """
    quoted = unquote_c(field_text) if field_text.startswith('"') else None
    if quoted is not None:
        return quoted[0], field_text[quoted[1]:].strip()
    tab = field_text.find("\t")
    if tab >= 0:
        name = field_text[:tab]
        return name if git else name.rstrip(), field_text[tab + 1:].strip()
    name = field_text.rstrip()
    if not git:
        for gap in _SPACES.finditer(name):
            if gap.start() and _STAMP.fullmatch(name, gap.end()):
                return name[:gap.start()], name[gap.end():]
    return name, ""


_EPOCH = re.compile(r"(1969-12-31|1970-01-01) ([0-2]\d):([0-5]\d):00(?:\.0+)?(?: ([-+])([0-2]\d):?([0-5]\d))?")


def _is_epoch(stamp: str) -> bool:
    """A timestamp of the epoch: `diff -N` says so of a file that does not exist.

    As git's has_epoch_timestamp, in the time zone the stamp gives; without
    one, in the local time of anywhere (the day before or of 1970-01-01,
    as GNU patch allows for).
    """
    m = _EPOCH.fullmatch(stamp)
    if m is None:
        return False
    day, hour, minute, sign, zh, zm = m.groups()
    if sign is None:
        return True
    offset = (int(zh) * 60 + int(zm)) * (-1 if sign == "-" else 1)
    return int(hour) * 60 + int(minute) - offset == (24 * 60 if day == "1969-12-31" else 0)


def _git_header_names(rest: str) -> tuple[str | None, str | None]:
    """(old, new) names of a `diff --git` line (the text after 'diff --git '), prefixes kept.

    As git's git_header_name: either name may be C-quoted; two unquoted
    names, which may hold spaces, are split where the second repeats the
    first past its prefix (`a/x y b/x y`). Unquoted names that differ (a
    rename: git then reads the names from the lines below) are split at
    ' b/', or at the first space. (None, None) when the line names nothing.
    """
    if rest.startswith('"'):
        first = unquote_c(rest)
        if first is None:
            return None, None
        k = first[1]
        while k < len(rest) and rest[k].isspace():
            k += 1
        if k >= len(rest):
            return first[0], None
        second = unquote_c(rest, k) if rest[k] == '"' else None
        return first[0], second[0] if second is not None else rest[k:]
    slash = rest.find("/")
    body = slash + 1 if slash > 0 else 0  # where the first name starts past its prefix
    quote = rest.find('"', body)
    if quote > 0 and rest[quote - 1].isspace():
        second = unquote_c(rest, quote)
        if second is not None:
            return rest[:quote].rstrip(), second[0]
    # `<prefix>/NAME <prefix>/NAME`: the second name starts after the first slash past the
    # separator, and is as long as the first; so one separator at most fits, found in one pass
    slashes = [m.start() for m in re.finditer("/", rest)]
    end = len(rest)
    for gap in re.finditer(r"[ \t]", rest):
        at = gap.start()
        if at < body:
            continue
        cut = end - 1 - (at - body)  # where the second name's prefix must end
        if cut <= at + 1 or rest[cut] != "/":
            continue
        k = bisect.bisect_left(slashes, at + 1)  # the first slash past the separator
        if k < len(slashes) and slashes[k] == cut and rest[cut + 1:] == rest[body:at]:
            return rest[:at], rest[at + 1:]
    for sep in (" b/", "\tb/"):
        at = rest.find(sep, body)
        if at > 0:
            return rest[:at], rest[at + 1:]
    parts = rest.split(None, 1)
    if len(parts) == 2:
        return parts[0], parts[1].strip()
    return None, None


# `diff -u -r1.2 f.c`, `diff -urN a/ b/` (not C code such as `diff -= HZ;`)
_DIFF_CMD = re.compile(r"^diff( -{1,2}[A-Za-z][\w=.,-]*)+ \S")


def _structural(lines: list[str], i: int) -> bool:
    line = lines[i]
    if line.startswith(("@@ -", "Index: ", "diff --git ")) or _DIFF_CMD.match(line):
        return True
    return line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ ")


def parse(text: str, source: str, first_line: int = 1) -> list[RawFile]:
    """All file sections of `text`; line numbers are reported in `source`."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    bodies = _Bodies(lines)  # clean hunks are read here, in runs
    files: list[RawFile] = []
    cur: RawFile | None = None
    index_name: str | None = None
    index_line = 0
    pending_git: RawFile | None = None
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        m = HUNK_RE.match(line) if line.startswith("@@ -") else None
        if m is not None:  # first: no other kind of line starts with '@@ -'
            if cur is None:
                raise UserError("hunk header outside a file section", path=source, line=first_line + i)
            i = bodies.read_run(i, cur.hunks, first_line)  # the clean hunks from here on, if any
            if i < n and lines[i].startswith("@@ -") and (m := HUNK_RE.match(lines[i])) is not None:
                hunk, i = _parse_hunk(lines, i, m, len(cur.hunks) + 1, first_line, source)
                cur.hunks.append(hunk)
            continue
        lineno = first_line + i
        if line.startswith("@@ -") and _HUGE_HUNK.match(line):
            raise UserError("hunk header with a line number or count of more than 12 digits", path=source,
                            line=lineno)
        if line.startswith("Index: "):
            index_name, index_line = _name(line[7:]), lineno
            cur = None
        elif line.startswith("diff --git "):
            a, b = _git_header_names(line[11:])
            pending_git = RawFile(FileNames(a, b, None, lineno), lineno, git=True)
            files.append(pending_git)
            cur = pending_git
        elif pending_git is not None and cur is pending_git and line.startswith(_GIT_META):
            key, _, value = line.rpartition(" ") if line.startswith("index ") else _meta_split(line)
            key = key.strip()
            cur.meta[key] = _meta_name(value) if key.endswith((" from", " to")) else value
        elif line.startswith("GIT binary patch") or (line.startswith("Binary files ") and cur is not None):
            if cur is None:
                raise UserError("binary patch outside a file section", path=source, line=lineno)
            cur.binary = True
        elif line.startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ "):
            git = pending_git is not None and cur is pending_git and not cur.hunks
            (old, old_stamp), (new, new_stamp) = _split_field(line[4:], git), _split_field(lines[i + 1][4:], git)
            if DEV_NULL not in (old, new) and not git:
                # `diff -N`: the side stamped with the epoch does not exist (GNU patch, git apply)
                if _is_epoch(old_stamp) and not _is_epoch(new_stamp):
                    old = DEV_NULL
                elif _is_epoch(new_stamp) and not _is_epoch(old_stamp):
                    new = DEV_NULL
            if git:
                cur.names = FileNames(old, new, None, cur.lineno)
            else:
                cur = RawFile(FileNames(old, new, index_name, index_line or lineno), index_line or lineno)
                files.append(cur)
                pending_git = None
            index_name, index_line = None, 0
            i += 2
            continue
        i += 1
    for f in files:
        if f.git:
            _git_names(f)
            if f.names.old in (None, "", DEV_NULL) and f.names.new in (None, "", DEV_NULL):
                raise UserError("malformed 'diff --git' line: no file names, and none below it",
                                path=source, line=f.lineno)
        _check_text(f, source)
    if not files:
        raise UserError("no patch found in the input (only prose or garbage)", path=source, line=first_line)
    return files


def _meta_split(line: str) -> tuple[str, str, str]:
    for prefix in _GIT_META:
        if line.startswith(prefix):
            return prefix.strip(), " ", line[len(prefix):]
    return line, "", ""


def _check_text(f: RawFile, source: str) -> None:
    """Refuse a name no file can have: a character that stands for no byte (a lone surrogate)."""
    for name in (f.names.old, f.names.new, f.names.index):
        if name:
            try:
                name.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                shown = name.encode("utf-8", "backslashreplace").decode("utf-8")
                raise UserError(f"file name with a character that stands for no byte: '{shown}'",
                                path=source, line=f.names.lineno or f.lineno) from None


def _meta_name(value: str) -> str:
    """A name in `rename from`, `copy to`...: C-quoted, or the whole rest of the line (git's find_name)."""
    quoted = unquote_c(value) if value.startswith('"') else None
    return quoted[0] if quoted is not None else value


def _git_names(f: RawFile) -> None:
    """Renames and copies name their files in the extended header."""
    m = f.meta
    old = m.get("rename from") or m.get("copy from")
    new = m.get("rename to") or m.get("copy to")
    names = f.names
    if old and new:
        f.names = FileNames("a/" + old, "b/" + new, None, f.lineno)
    elif "new file mode" in m:
        f.names = FileNames("/dev/null", names.new, None, f.lineno)
    elif "deleted file mode" in m:
        f.names = FileNames(names.old, "/dev/null", None, f.lineno)


def _classify(line: str) -> tuple[str, str, bool]:
    """(kind, text, prefixed) of a body line under the strict diff rules."""
    if line == "":
        return " ", "\n", True   # git and patch both take an empty line as blank context
    c = line[0]
    if c in " +-":
        return c, line[1:] + "\n", True
    return "?", line + "\n", False


def _parse_hunk(lines: list[str], i: int, m: re.Match, number: int, first_line: int,
                source: str) -> tuple[RawHunk, int]:
    start_a, len_a, start_b, len_b, section = m.groups()
    old_start, new_start = int(start_a), int(start_b)
    old_len = int(len_a) if len_a is not None else 1
    new_len = int(len_b) if len_b is not None else 1
    section = section or ""
    header_line = first_line + i
    fast = _fast_clean(lines, i + 1, old_len, new_len)
    if fast is not None:
        body_lines, end = fast
        hunk = RawHunk(number, header_line, old_start, old_len, new_start, new_len, section,
                       [Reading(body_lines)], False)
        _separator_reading(hunk, lines, end)
        return hunk, end
    body: list[tuple[str, str, bool, int]] = []
    j = i + 1
    while j < len(lines) and not _structural(lines, j):
        line = lines[j]
        if line.startswith("\\"):
            if body:
                k, t, p, ln = body[-1]
                body[-1] = (k, t[:-1] if t.endswith("\n") else t, p, ln)
            j += 1
            continue
        body.append((*_classify(line), first_line + j))
        j += 1
    hunk = RawHunk(number, header_line, old_start, old_len, new_start, new_len, section, [], False)
    strict = _strict(body, old_len, new_len)
    if strict is not None:
        used, extra = strict
        hunk.readings = [Reading([(k, t) for k, t, _, _ in body[:used + extra]])]
        if extra:
            o, nw = _counts(hunk.readings[0].lines)
            hunk.readings[0].notes.append(Repair(header_line, number, _recount_note(old_len, new_len, o, nw)))
            hunk.damaged = True
        end = i + 1 + _raw_span(lines, i + 1, used + extra)
        if not extra:
            _separator_reading(hunk, lines, end)
        return hunk, end
    hunk.damaged = True
    hunk.readings = _damaged_readings(body, hunk)
    if not hunk.readings:
        raise UserError(f"malformed hunk #{number}: no reading of its body fits", path=source, line=header_line)
    longest = max(sum(1 for k, _ in r.lines) for r in hunk.readings)
    return hunk, i + 1 + _raw_span(lines, i + 1, longest)


def _separator_reading(hunk: RawHunk, lines: list[str], end: int) -> None:
    """Empty lines closing a hunk may be blank context or the gap before the next
    file: offer the reading without them too (the file decides)."""
    if not end or lines[end - 1] != "":
        return  # the common case, decided without building the reading's lines
    body = hunk.readings[0].lines
    k = 0
    while k < len(body) and end - 1 - k >= 0 and lines[end - 1 - k] == "" and body[-1 - k] == (" ", "\n"):
        k += 1
    if k and k < len(body):
        cut = body[:-k]
        o, n = _counts(cut)
        note = Repair(hunk.lineno, hunk.number, f"{k} trailing empty line{'s' if k > 1 else ''} read as a "
                      f"separator; {_recount_note(hunk.old_len, hunk.new_len, o, n)}")
        hunk.readings.append(Reading(cut, [note], count_ok=False))


class _Bodies:
    """Clean hunk bodies of one patch text, read in bulk.

    Most hunks of most patches are strictly clean: every line prefixed,
    counts exact, no no-newline marker. Their extent and counts are read on
    one string of every line's first character, with no work per line;
    their images are built only when used (Reading.texts). `read_run()`
    stops at anything else, which then takes `_fast_clean` and the careful
    path: the readings are the same.
    """

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.kinds = "".join([x[:1] or "\n" for x in lines])
        self.headers: list[int] | None = None   # lines of plain ---/+++ file headers, found on first use

    def read_run(self, i: int, hunks: list[RawHunk], first_line: int) -> int:
        """Append the clean hunks whose headers start at line `i` and follow one another.

        Returns the line after the last one read (`i` when the first is not clean).
        """
        i = self._read_batch(i, hunks, first_line)
        lines, kinds = self.lines, self.kinds
        n = len(lines)
        while i < n and kinds[i] == "@":
            m = HUNK_RE.match(lines[i])
            if m is None:
                break
            start_a, len_a, start_b, len_b, section = m.groups()
            old_len = int(len_a) if len_a is not None else 1
            new_len = int(len_b) if len_b is not None else 1
            j = i + 1
            end = _BODY_RUN.match(kinds, j).end()
            seg = kinds[j:end]
            minus, plus = seg.count("-"), seg.count("+")
            both = len(seg) - minus - plus
            if (both + minus != old_len or both + plus != new_len) and seg.endswith("-+") \
                    and lines[end - 2].startswith("--- ") and lines[end - 1].startswith("+++ "):
                # the next file's header, in a patch without 'diff' lines
                end -= 2
                seg = seg[:-2]
                minus, plus = minus - 1, plus - 1
            if both + minus != old_len or both + plus != new_len or kinds[end:end + 1] == "\\":
                break
            hunk = RawHunk(len(hunks) + 1, first_line + i, int(start_a), old_len, int(start_b), new_len,
                           section or "", [_bulk_reading(lines[j:end], seg)], False)
            if seg[-1:] == "\n":
                _separator_reading(hunk, lines, end)
            hunks.append(hunk)
            i = end
        return i

    def _read_batch(self, i: int, hunks: list[RawHunk], first_line: int) -> int:
        """The hunks of a run read together, but for its last: each exactly as the loop in
        read_run() would, which takes over at the first hunk that is not plainly clean (counts
        that disagree, a header it does not read) and always for the last one (a no-newline
        marker or the next file's ---/+++ may follow it)."""
        lines, kinds = self.lines, self.kinds
        # a plain diff's next file header (---, +++) has the kinds of a body: the run ends there, or
        # every file of a patch without 'diff' lines would read the rest of the patch again
        if self.headers is None:
            self.headers = [m.start() for m in _HEADER_KINDS.finditer(kinds)
                            if lines[m.start()].startswith("--- ") and lines[m.start() + 1].startswith("+++ ")]
        k = bisect.bisect_right(self.headers, i)
        limit = self.headers[k] if k < len(self.headers) else len(kinds)
        end = _HUNK_RUN.match(kinds, i, limit).end()
        segs = kinds[i + 1:end].split("@")  # each hunk's body kinds
        count = len(segs) - 1
        if count < 1:
            return i
        starts = list(accumulate(map(len, segs), lambda at, size: at + size + 1, initial=i))
        heads = _HUNK_FIELDS.findall("\n".join(itemgetter(*starts[:count])(lines)) if count > 1 else lines[i])
        if len(heads) != count:
            return i  # a header not read as one: the loop decides
        lens = list(map(len, segs))
        olds = [int(n) if n else 1 for _, n, _, _, _ in heads]
        news = [int(n) if n else 1 for _, _, _, n, _ in heads]
        # counts that agree with the body: pre-image = all but '+' lines, post-image = all but '-'
        agree = list(map(and_, map(eq, map(sub, lens, map(str.count, segs, repeat("+"))), olds),
                         map(eq, map(sub, lens, map(str.count, segs, repeat("-"))), news)))
        stop = agree.index(False) if False in agree else count
        number = len(hunks)
        new_reading = Reading.__new__
        for k in range(stop):
            start_a, _, start_b, _, section = heads[k]
            seg = segs[k]
            at = starts[k]
            end = at + 1 + lens[k]
            r = new_reading(Reading)  # as _bulk_reading(), inline: one per hunk
            r._lines = r._pre = r._post = r._kinds = None
            r.raw, r.seg, r.notes, r.count_ok = lines[at + 1:end], seg, [], True
            number += 1
            hunk = RawHunk(number, first_line + at, int(start_a), olds[k], int(start_b), news[k], section, [r],
                           False)
            if seg[-1:] == "\n":
                _separator_reading(hunk, lines, end)
            hunks.append(hunk)
        if stop < count:
            return starts[stop]
        return starts[count]


def _fast_clean(lines: list[str], j: int, old_len: int, new_len: int):
    """The common case, cheaply: every line prefixed, counts exact, nothing after.

    Returns (body, next index) or None to take the careful path.
    """
    old = new = 0
    body: list[tuple[str, str]] = []
    add = body.append
    n = len(lines)
    while old < old_len or new < new_len:
        if j >= n:
            return None
        line = lines[j]
        c = line[:1]
        if c == " " or not c:
            add((" ", line[1:] + "\n"))
            old += 1
            new += 1
        elif c == "-":
            add(("-", line[1:] + "\n"))
            old += 1
        elif c == "+":
            add(("+", line[1:] + "\n"))
            new += 1
        elif c == "\\" and body:
            body[-1] = (body[-1][0], body[-1][1][:-1])
        else:
            return None
        j += 1
    if old != old_len or new != new_len:
        return None
    while j < n and lines[j][:1] == "\\":
        k, t = body[-1]
        body[-1] = (k, t.rstrip("\n"))
        j += 1
    if j < n and lines[j][:1] in ("+", "-") and not lines[j].startswith(("--- ", "+++ ")):
        return None  # more +/- lines: a miscounted hunk, or a footer: let the careful path decide
    return body, j


def _raw_span(lines: list[str], start: int, count: int) -> int:
    """Raw lines spanned by `count` body lines (no-newline markers are not body lines)."""
    j, seen = start, 0
    while j < len(lines) and seen < count:
        if not lines[j].startswith("\\"):
            seen += 1
        j += 1
    while j < len(lines) and lines[j].startswith("\\"):
        j += 1
    return j - start


def _counts(lines) -> tuple[int, int]:
    old = sum(1 for k, _ in lines if k != "+")
    new = sum(1 for k, _ in lines if k != "-")
    return old, new


def _recount_note(ol: int, nl: int, o: int, n: int) -> str:
    return f"count recounted -{ol},+{nl} -> -{o},+{n}"


_SEPARATORS = ("\n", "-\n", "- \n", "--\n")   # texts of '-', '--', '-- ', '---' read as removed lines


def _strict(body, old_len: int, new_len: int) -> tuple[int, int] | None:
    """(lines used, extra prefixed lines) when the body reads as a clean hunk."""
    old = new = 0
    used = 0
    for k, _, _, _ in body:
        if old >= old_len and new >= new_len:
            break
        if k == "?":
            return None
        old += k != "+"
        new += k != "-"
        used += 1
    if (old, new) != (old_len, new_len):
        return None
    # Lines right after the counted body that are still +/- lines mean the
    # header undercounts (git apply --recount takes them; unidiff drops them).
    extra = 0
    for k, t, prefixed, _ in body[used:]:
        if k in "+-" and prefixed:
            extra += 1
        else:
            break
    after = body[used + extra] if used + extra < len(body) else None
    if extra and (body[used][1] in _SEPARATORS or (after is not None and after[0] == "?")):
        # a lone '-', '--', '-- ' or '---' after the counted body is a separator (a signature, a list
        # footer, the '---' some tools end a patch with), and +/- lines running into prose are quoted text
        extra = 0
    return used, extra


def _damaged_readings(body, hunk: RawHunk) -> list[Reading]:
    """Every credible reading of a damaged body, count-consistent ones first."""
    base = [(" " if k == "?" else k, t) for k, t, _, _ in body]
    ambiguous = [idx for idx, (k, t, p, _) in enumerate(body) if k in "+-" and t[:1] in ("+", "-")]
    ambiguous = ambiguous[:MAX_AMBIGUOUS]
    want = (hunk.old_len, hunk.new_len)
    readings: list[Reading] = []
    seen: set[tuple] = set()
    for flips in itertools.product((False, True), repeat=len(ambiguous)):
        lines = list(base)
        notes = []
        for idx, flip in zip(ambiguous, flips):
            if flip:
                k, t, _, ln = body[idx]
                lines[idx] = (" ", k + t)
                notes.append((idx, Repair(ln, hunk.number, f"'{(k + t).rstrip()}' read as context")))
        old = new = 0
        for length, (k, _) in enumerate(lines, 1):
            old += k != "+"
            new += k != "-"
            if (old, new) == want:
                key = tuple(lines[:length])
                if key not in seen:
                    seen.add(key)
                    kept = [r for idx, r in notes if idx < length]
                    readings.append(Reading(lines[:length], kept + _prefix_note(body[:length], hunk)))
                break
            if old > want[0] or new > want[1]:
                break
    readings.sort(key=lambda r: len([n for n in r.notes if "read as context" in n.what]))
    if readings:
        return readings
    # No reading fits the header: lost trailing blank lines or a wrong count.
    fallback: list[Reading] = []
    old, new = _counts(base)
    deficit = want[0] - old
    if 0 < deficit <= MAX_LOST_BLANKS and want[1] - new == deficit:
        notes = _prefix_note(body, hunk) + [Repair(hunk.lineno, hunk.number,
                                                   f"{deficit} blank context line{'s' if deficit > 1 else ''} restored")]
        fallback.append(Reading(base + [(" ", "\n")] * deficit, notes, count_ok=True))
    fallback.extend(_forced_flips(body, base, hunk))
    # Recounts: the body, and shorter cuts dropping trailing unprefixed lines (prose).
    last_change = max((idx for idx, (k, *_r) in enumerate(body) if k in "+-"), default=-1)
    for length in range(len(base), last_change, -1):
        if length < len(base) and body[length][0] not in "? ":
            continue
        cut = base[:length]
        o, nw = _counts(cut)
        # a recount may lose context, never changes: the header's net line delta must hold
        if not cut or last_change < 0 or nw - o != want[1] - want[0]:
            continue
        note = Repair(hunk.lineno, hunk.number, _recount_note(want[0], want[1], o, nw))
        fallback.append(Reading(cut, _prefix_note(body[:length], hunk) + [note], count_ok=False))
        if len(fallback) > 12:
            break
    return fallback


MAX_FLIPS = 2          # context lines starting with '+'/'-' that one hunk may hold
MAX_FLIP_READINGS = 200


def _forced_flips(body, base, hunk: RawHunk) -> list[Reading]:
    """Readings where the header counts force some '+'/'-' lines to be context.

    A context line whose code starts with '+' or '-' (`   + nla_total_size(4);`
    continuing an expression) looks like a change once its indentation is
    gone. The counts say how many such lines there are; every choice of that
    many is a reading, and only one will match the file.
    """
    want_o, want_n = hunk.old_len, hunk.new_len
    out: list[Reading] = []
    ends = [len(base)] + [k for k in range(len(base) - 1, 0, -1) if body[k][0] in "? "]
    for length in ends[:6]:
        o, n = _counts(base[:length])
        plus_flips, minus_flips = want_o - o, want_n - n
        if not (0 <= plus_flips <= MAX_FLIPS and 0 <= minus_flips <= MAX_FLIPS) or not plus_flips + minus_flips:
            continue
        pluses = [i for i in range(length) if base[i][0] == "+"]
        minuses = [i for i in range(length) if base[i][0] == "-"]
        for ps in itertools.combinations(pluses, plus_flips):
            for ms in itertools.combinations(minuses, minus_flips):
                lines = list(base[:length])
                notes = []
                for idx in ps + ms:
                    k, t, _, ln = body[idx]
                    lines[idx] = (" ", k + t)
                    notes.append(Repair(ln, hunk.number, f"'{(k + t).rstrip()}' read as context"))
                if any(k != " " for k, _ in lines):
                    out.append(Reading(lines, notes + _prefix_note(body[:length], hunk)))
                if len(out) >= MAX_FLIP_READINGS:
                    return out
    return out


def _prefix_note(body, hunk: RawHunk) -> list[Repair]:
    lost = sum(1 for k, *_ in body if k == "?")
    if not lost:
        return []
    return [Repair(hunk.lineno, hunk.number,
                   f"{lost} context line{'s' if lost > 1 else ''} had lost their leading space")]


def squash_names(names: FileNames) -> FileNames:
    return FileNames(*(squash(x) if x else x for x in (names.old, names.new, names.index)), names.lineno)
