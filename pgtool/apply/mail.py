"""Patch input -> PatchMessage: a plain diff, one mail, an mbox, or an archived page.

Mail is decoded with the stdlib `email` package (MIME, quoted-printable,
base64); like git mailinfo, `[PATCH n/m]` is stripped from the subject and the
diff stops at the signature (`-- `). Archive pages without headers (the seed
mail) give their subject, author and date from the lines above the diff.

Hostile mail gets a one-line error or a correct read, in time bounded by its
size: multiparts nested deeper than any mail nests are refused before the
parser (which recurses per level) sees them; boundaries that never come
leave the body read as written; headers are decoded up to a length, and
characters no byte stands for (a UTF-7 part's lone surrogates) are replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pgtool.errors import UserError

_MBOX_FROM = re.compile(r"^From \S+ .*\d\d:\d\d")
_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: ")
_SUBJECT_PREFIX = re.compile(r"^\s*((re|fwd?|aw)\s*:\s*|\[[^\]]*\]\s*)+", re.IGNORECASE)
_DIFF_START = re.compile(r"^(Index: |diff --git |diff( -{1,2}[A-Za-z][\w=.,-]*)+ \S|@@ -\d)")
_ARCHIVE_AUTHOR = re.compile(r"^\s*(?P<name>[^()<>@]+?)\s*[(<](?P<mail>[^()<>\s]+@[^()<>\s]+)[)>]\s*$")
MAX_MIME_DEPTH = 32   # multipart nesting; real mail nests 3 or 4 deep
MAX_HEADER = 16384    # characters of a header that are decoded (RFC 2047 decoding is quadratic)
MAX_ARCHIVE_LINE = 256  # longest line read as an archive page's author or date
# a multipart's Content-Type header (with its continuation lines), or a line that closes a boundary
_MIME_MARK = re.compile(r"^content-type:[ \t]*multipart/(?P<head>[^\n]*(?:\n[ \t][^\n]*)*)"
                        r"|^--(?P<close>.*?)--[ \t]*$", re.IGNORECASE | re.MULTILINE)
_BOUNDARY = re.compile(r'boundary\s*=\s*(?:"([^"\n]*)"|([^\s;"]+))', re.IGNORECASE)
# characters that stand for no byte: lone surrogates but for the escapes of undecodable bytes
_BAD_SURROGATE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


class NoPatch(UserError):
    """A message without any diff in it."""


@dataclass
class PatchMessage:
    author: str | None
    email: str | None
    date: str | None          # RFC 2822 date as written
    subject: str
    body_prose: str           # the text before the diff (the commit message)
    diff_text: str
    source: str               # file the message came from ('-' for stdin)
    first_line: int           # line of `source` where diff_text starts (1-based)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def _uncrlf(text: str) -> str:
    """Line ends a transport turned into CRLF (every line has one) back to LF. A diff that carries
    CRs only on some lines (the content lines of a file with CRLF ends, as git diff writes them)
    keeps them, as git apply does."""
    crlf = text.count("\r\n")
    if crlf and crlf >= text.count("\n") - 1:  # the last line may lack its end
        return text.replace("\r\n", "\n")
    return text


def read_messages(data: bytes, source: str) -> list[PatchMessage]:
    """Every patch in `data`, in order."""
    text = _uncrlf(_decode(data))
    head = _head_lines(text, 60)  # a plain diff is never split into lines here: parse() does that once
    if _MBOX_FROM.match(head[0]):
        lines = text.split("\n")
        starts = [i for i, line in enumerate(lines)
                  if _MBOX_FROM.match(line) and (i == 0 or lines[i - 1] == "")
                  and i + 1 < len(lines) and _HEADER.match(lines[i + 1])]
        starts.append(len(lines))
        out = []
        for a, b in zip(starts, starts[1:]):
            chunk = "\n".join(lines[a + 1:b])
            try:
                out.append(_from_mail(chunk, source, a + 2))
            except NoPatch:
                continue  # a cover letter ([PATCH 0/n]) or a reply in the mbox: nothing to apply
        if not out:
            raise NoPatch("no patch found in any message of the mbox", path=source, line=1)
        return out
    if _HEADER.match(head[0]) and _has_mail_headers(head):
        return [_from_mail(text, source, 1)]
    return [_from_plain(segment, source, line, None) for segment, line in _signed_segments(text)]


def _head_lines(text: str, count: int) -> list[str]:
    """text.split("\\n")[:count], without splitting the rest."""
    out: list[str] = []
    pos = 0
    while len(out) < count:
        nl = text.find("\n", pos)
        if nl < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:nl])
        pos = nl + 1
    return out


def _has_mail_headers(lines: list[str]) -> bool:
    for line in lines[:60]:
        if line == "":
            return False
        if line.lower().startswith(("from:", "subject:", "date:", "message-id:")):
            return True
    return False


def _from_mail(text: str, source: str, first_line: int) -> PatchMessage:
    import email  # the email package costs a plain diff's whole parse in import time: loaded for mail only
    import email.policy

    depth = _mime_depth(text)
    if depth > MAX_MIME_DEPTH:
        raise UserError(f"MIME parts nested more than {MAX_MIME_DEPTH} deep: not a patch mail",
                        path=source, line=first_line)
    # bytes in, so undecodable input stays bytes instead of upsetting the parser
    # compat32 keeps headers as raw text; they are decoded one by one below, so a
    # malformed header costs that header, not the message
    try:
        msg = email.message_from_bytes(text.encode("utf-8", "surrogateescape"), policy=email.policy.compat32)
    except RecursionError:  # message/rfc822 parts nest without boundaries: the parser recurses per level
        raise UserError("MIME parts nested too deep: not a patch mail", path=source, line=first_line) from None
    header_lines = text.split("\n\n", 1)[0].count("\n") + 2
    parts: list[tuple[str, str]] = []
    broken = False
    boundary_defects = _boundary_defects()
    for part in _walk(msg):
        broken = broken or any(isinstance(d, boundary_defects) for d in part.defects)
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype.startswith("text/") or ctype in ("application/x-patch", "application/x-diff"):
            parts.append((ctype, _part_text(part, ctype)))
    # an HTML alternative repeats the text part (and would repeat its hunks)
    if any(c != "text/html" for c, _ in parts):
        parts = [(c, t) for c, t in parts if c != "text/html"]
    body = _uncrlf("\n".join(t for _, t in parts))
    if broken and _diff_start(body) is None:
        # boundaries that never come (or come wrong) leave the diff in a preamble, or in a
        # multipart with no parts: read the body as written, without the boundary lines
        body = _without_boundaries(text)
    author, addr = _parseaddr(_header(msg, "From"))
    subject = " ".join(_header(msg, "Subject").split())
    date = _header(msg, "Date") or None
    return _from_plain(body, source, first_line + header_lines - 1,
                       (author or None, addr or None, date, subject))


def _mime_depth(text: str) -> int:
    """How deep the multiparts of a message nest, at most: the boundaries open at once.

    The email package's parser recurses per level and checks every line
    against every open boundary; this bounds both before it runs.
    """
    if not re.search("multipart/", text, re.IGNORECASE):
        return 0
    open_: list[str] = []
    deepest = 0
    for name, close in _boundaries(text):
        if close:
            if name in open_:
                del open_[open_.index(name):]
            continue
        open_.append(name)
        deepest = max(deepest, len(open_))
        if deepest > MAX_MIME_DEPTH:
            break
    return deepest


def _boundaries(text: str):
    """(boundary, closed) in the order the text declares (False) and closes (True) them."""
    for m in _MIME_MARK.finditer(text):
        if m.group("close") is not None:
            yield m.group("close"), True
        else:
            b = _BOUNDARY.search(m.group("head"))
            if b:
                yield (b.group(1) if b.group(1) is not None else b.group(2)), False


def _walk(msg):
    """msg.walk(), without a recursion per level."""
    stack = [msg]
    while stack:
        part = stack.pop()
        yield part
        if part.is_multipart():
            stack.extend(reversed(part.get_payload()))


def _boundary_defects() -> tuple[type, ...]:
    import email.errors as e

    return (e.StartBoundaryNotFoundDefect, e.CloseBoundaryNotFoundDefect, e.NoBoundaryInMultipartDefect,
            e.MultipartInvariantViolationDefect)


def _part_text(part, ctype: str) -> str:
    """A text part's payload as text: transfer encoding undone, its charset decoded."""
    try:
        payload = part.get_payload(decode=True) or b""
    except (ValueError, TypeError, LookupError, UnicodeError):  # broken encoding: keep the raw text
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if not isinstance(payload, bytes):
        payload = b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="surrogateescape")
    except (LookupError, ValueError):  # an unknown charset, or bytes its decoder refuses all the same
        text = _decode(payload)
    text = _text(text)
    if ctype == "text/plain" and str(part.get_param("format") or "").lower() == "flowed":
        text = _unflow(text, str(part.get_param("delsp") or "").lower() == "yes")
    return text


def _text(text: str) -> str:
    """`text` without characters that stand for no byte (a charset such as UTF-7 decodes lone surrogates)."""
    return _BAD_SURROGATE.sub("\ufffd", text) if _BAD_SURROGATE.search(text) else text


def _without_boundaries(text: str) -> str:
    """The body of a message as written, less the lines of the boundaries the message declares."""
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    names = {name for name, close in _boundaries(text) if not close}
    if not names:
        return body
    marks = {f"--{b}" for b in names} | {f"--{b}--" for b in names}
    return "\n".join(line for line in body.split("\n") if line.rstrip() not in marks)


def _parseaddr(value: str) -> tuple[str, str]:
    import email.utils

    try:
        return email.utils.parseaddr(value[:MAX_HEADER])
    except RecursionError:  # comments nested hundreds deep: the parser recurses per level
        return "", ""


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed: unstuff leading spaces, join soft-broken lines (as git mailinfo)."""
    out: list[str] = []
    carry = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(" "):
            line = line[1:]
        # a line of blanks (a diff's empty context line) is never a soft break
        if line.endswith(" ") and line != "-- " and line.strip():
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def _header(msg, name: str) -> str:
    """A header decoded from RFC 2047; a malformed one is kept as its raw text."""
    import email.errors
    import email.header

    raw = msg.get(name)
    if raw is None:
        return ""
    try:
        raw = str(raw)[:MAX_HEADER]
    except (ValueError, LookupError, UnicodeError):
        return ""
    try:
        return _text(str(email.header.make_header(email.header.decode_header(raw))))
    except (ValueError, LookupError, UnicodeError, email.errors.MessageError):  # a charset it has no codec for
        return _text(raw)


def clean_subject(subject: str) -> str:
    return _SUBJECT_PREFIX.sub("", subject).strip()


def _from_plain(text: str, source: str, first_line: int, headers) -> PatchMessage:
    # Worked on the text, not on a list of its lines: a large diff is split once, by repair.parse.
    found = _diff_start(text)
    if found is None:
        raise NoPatch("no patch found in the input (only prose or garbage)", path=source, line=first_line)
    start, at = found  # line and offset where the diff begins
    # the signature separator ends the diff (git format-patch, mutt); no line before `start` counts
    sig = text.find("\n-- \n", at)
    if sig < 0 and text.endswith("\n-- ") and len(text) - 4 >= at:
        sig = len(text) - 4
    end = sig
    if end < 0:
        end = len(text)
        while end > at and text[end - 1] == "\n":
            end -= 1  # the text's final newlines are not more (blank) lines
    prose_lines = text[:at].split("\n")[:-1]
    author = addr = date = None
    subject = ""
    if headers:
        author, addr, date, subject = headers
    prose_lines, inbody = _in_body_headers(prose_lines)
    author = inbody.get("from", (author, addr))[0]
    addr = inbody.get("from", (author, addr))[1]
    date = inbody.get("date", date)
    subject = inbody.get("subject", subject)
    if not headers:
        subject, author, addr, date, prose_lines = _archive_header(prose_lines, subject, author, addr, date)
    # git format-patch puts '---' and a diffstat between the message and the diff.
    if "---" in prose_lines:
        prose_lines = prose_lines[:prose_lines.index("---")]
    # a plain diff is its own diff text: no copy of a large input
    diff = text if at == 0 and end == len(text) - 1 else text[at:end] + "\n"
    return PatchMessage(author, addr, date, clean_subject(subject), "\n".join(prose_lines).strip(),
                        diff, source, first_line + start)


def _signed_segments(text: str) -> list[tuple[str, int]]:
    """A plain text cut where a signature (`-- ` and what follows it) stands between two diffs:
    several `git diff`/`format-patch` outputs concatenated, each with its own signature. Each
    (segment, its first line) ends with its signature; the next starts at its diff."""
    out: list[tuple[str, int]] = []
    line = 1
    while True:
        found = _diff_start(text)
        if found is None:
            break
        sig = text.find("\n-- \n", found[1])
        nxt = _diff_start(text[sig + 5:]) if sig >= 0 else None
        if nxt is None:
            break
        cut = sig + 5 + nxt[1]
        out.append((text[:sig + 5], line))
        line += text.count("\n", 0, cut)
        text = text[cut:]
    out.append((text, line))
    return out


def _diff_start(text: str) -> tuple[int, int] | None:
    """(line number, offset) of the first line that starts a diff."""
    pos, i = 0, 0
    while True:
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if _DIFF_START.match(line):
            return i, pos
        if line.startswith("--- ") and nl >= 0 and text.startswith("+++ ", nl + 1):
            return i, pos
        if nl < 0:
            return None
        pos, i = nl + 1, i + 1


def _in_body_headers(prose: list[str]):
    """git am honours From:/Subject:/Date: at the top of the body."""
    found = {}
    i = 0
    while i < len(prose) and prose[i].strip() == "":
        i += 1
    while i < len(prose):
        m = re.match(r"^(From|Subject|Date):\s*(.*)$", prose[i])
        if not m:
            break
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "from":
            found[key] = _parseaddr(value)
        else:
            found[key] = value
        i += 1
    if found:
        prose = prose[i:]
    return prose, found


def _archive_header(prose: list[str], subject, author, addr, date):
    """Subject, author and date from an archive page's top lines (hypermail style)."""
    top = [line for line in prose[:8] if line.strip()]
    used = set()
    for line in top[:4]:
        if len(line) > MAX_ARCHIVE_LINE:
            continue  # not an author or a date; and the patterns below are slow on long lines
        m = _ARCHIVE_AUTHOR.match(line)
        if m and not author:
            author, addr = m.group("name").strip(), m.group("mail")
            used.add(line)
            continue
        if not date:
            import email.utils

            try:
                if email.utils.parsedate_to_datetime(line.strip()):
                    date = line.strip()
                    used.add(line)
                    continue
            except (TypeError, ValueError, IndexError, OverflowError):
                pass
    if not subject and top and top[0] not in used and len(top[0]) < 120:
        subject = top[0].strip()
        used.add(top[0])
    rest = [line for line in prose if line not in used] if used else prose
    return subject, author, addr, date, rest
