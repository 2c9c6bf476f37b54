"""Hostile input: a one-line error or a correct read, in bounded time, never a traceback.

Mail structure built to hurt a parser (MIME nested a thousand deep, tens of
thousands of parts, boundaries that never come), headers built to hurt a
decoder (comments nested thousands deep, a hundred thousand encoded words),
bytes no charset expects (NUL, lone surrogates, a UTF-16 part cut in half),
numbers no file has, and a closed standard input. The last test feeds
mutations of real mails through `mail.read_messages` and `repair.parse`:
only a UserError may come out.
"""

from __future__ import annotations

import base64
import os
import quopri
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgtool.apply import mail, repair
from pgtool.errors import UserError

from ..apply.helpers import mutate_lines

from ..apply.helpers import REPO

DIFF = "--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n"
HEAD = "From: A U Thor <author@example.org>\nSubject: [PATCH] x: say TWO\nMIME-Version: 1.0\n"
SECONDS = 20  # what each hostile input may take, start-up included (they take well under one here)


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    (root / "x.c").write_text("one\ntwo\nthree\n")
    return root


def pgtool_on(tmp_path: Path, tree: Path, data: bytes, *extra: str) -> tuple[int, str, str]:
    patch = tmp_path / "input.eml"
    patch.write_bytes(data)
    try:
        proc = subprocess.run([sys.executable, "-m", "pgtool", "apply", "--check", "--tree", str(tree), *extra,
                               str(patch)], capture_output=True, timeout=SECONDS,
                              env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    except subprocess.TimeoutExpired:
        pytest.fail(f"still reading after {SECONDS} s")
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return proc.returncode, err, proc.stdout.decode("utf-8", "replace")


def one_line_error(code: int, err: str, tmp_path: Path, what: str) -> None:
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith(f"pgtool: error: {tmp_path / 'input.eml'}:"), err
    assert what in err, err


def applies(code: int, err: str, out: str) -> None:
    assert code == 0, err
    assert "checking file x.c" in out, out


def nested_multipart(depth: int) -> str:
    out = [HEAD]
    for k in range(depth):
        out.append(f'Content-Type: multipart/mixed; boundary="b{k}"\n\n--b{k}\n')
    out.append("Content-Type: text/plain\n\n" + DIFF)
    out.extend(f"\n--b{k}--\n" for k in reversed(range(depth)))
    return "".join(out)


# --- structure ------------------------------------------------------------------------------------


def test_multipart_nested_a_thousand_deep(tmp_path, tree):
    code, err, _ = pgtool_on(tmp_path, tree, nested_multipart(1000).encode())
    one_line_error(code, err, tmp_path, "nested more than")


def test_multipart_nested_as_real_mail_nests(tmp_path, tree):
    applies(*pgtool_on(tmp_path, tree, nested_multipart(6).encode()))


def test_message_rfc822_nested_thousands_deep(tmp_path, tree):
    """Forwarded messages nest without boundaries: the parser recurses per level all the same."""
    text = HEAD + "Content-Type: message/rfc822\n\nSubject: fwd\n" * 3000 + "Content-Type: text/plain\n\n" + DIFF
    code, err, _ = pgtool_on(tmp_path, tree, text.encode())
    one_line_error(code, err, tmp_path, "nested too deep")


def test_message_rfc822_forwarded_a_few_times(tmp_path, tree):
    text = HEAD + "Content-Type: message/rfc822\n\nSubject: fwd\n" * 5 + "Content-Type: text/plain\n\n" + DIFF
    applies(*pgtool_on(tmp_path, tree, text.encode()))


def test_fifty_thousand_parts(tmp_path, tree):
    parts = [HEAD, 'Content-Type: multipart/mixed; boundary="zz"\n\n']
    parts += ["--zz\nContent-Type: application/octet-stream\n\nnot text\n"] * 50_000
    parts += ["--zz\nContent-Type: text/plain\n\n" + DIFF + "--zz--\n"]
    applies(*pgtool_on(tmp_path, tree, "".join(parts).encode()))


@pytest.mark.parametrize("body", [
    # the closing boundary never comes: the diff is in the last part
    '--zz\nContent-Type: text/plain\n\n' + DIFF,
    # the opening boundary is not the declared one: the diff is left in the preamble
    '--yy\nContent-Type: text/plain\n\n' + DIFF + '--zz--\n',
    # no boundary comes at all
    'Some words first.\n\n' + DIFF,
], ids=["no-close", "wrong-start", "never"])
def test_broken_boundaries_still_read(tmp_path, tree, body):
    text = HEAD + 'Content-Type: multipart/mixed; boundary="zz"\n\n' + body
    applies(*pgtool_on(tmp_path, tree, text.encode()))


def test_multipart_without_a_boundary_parameter(tmp_path, tree):
    text = HEAD + "Content-Type: multipart/mixed\n\n" + DIFF
    applies(*pgtool_on(tmp_path, tree, text.encode()))


# --- headers --------------------------------------------------------------------------------------


HOSTILE_HEADERS = {
    "nested-comments": "From: " + "(" * 5000 + "a@b.c\n",
    "many-addresses": "From: " + "a@b.c, " * 100_000 + "\n",
    "many-encoded-words": "Subject: " + "=?utf-8?q?a?= " * 100_000 + "\n",  # decoding them is quadratic
    "two-megabytes": "Subject: " + "x" * 2_000_000 + "\n",
    "bad-charsets": "Subject: =?utf-7?q?+2AA-?= =?x-unknown?q?a?= =?utf-8?b?////?=\n",  # a lone surrogate
    "charset-not-ascii": "Subject: =?\udc80utf-7?q?a?=\n",                          # no codec has that name
    "many-prefixes": "Subject: " + "[PATCH] " * 50_000 + "\n",
    "rfc2231-junk": "Content-Type: text/plain; charset*=''%ff%fe\n",
    "many-parameters": "Content-Type: text/plain; format=flowed; delsp=yes; " + "x=y; " * 20_000 + "\n",
}


@pytest.mark.parametrize("header", HOSTILE_HEADERS.values(), ids=HOSTILE_HEADERS)
def test_hostile_header(tmp_path, tree, header):
    text = "From: A <a@b.c>\n" + header + "\n" + DIFF if not header.startswith("From:") else header + "\n" + DIFF
    applies(*pgtool_on(tmp_path, tree, text.encode("utf-8", "surrogateescape")))


def test_in_body_from_with_deep_comments(tmp_path, tree):
    text = HEAD + "\nFrom: " + "(" * 5000 + "\n\n" + DIFF
    applies(*pgtool_on(tmp_path, tree, text.encode()))


def test_archive_line_of_spaces(tmp_path, tree):
    """The top lines of a headerless page are tried as author and date: not a quadratic match."""
    text = "x" + " " * 300_000 + "y\n\n" + DIFF
    applies(*pgtool_on(tmp_path, tree, text.encode()))


# --- bytes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("charset,payload", [
    ("utf-7", b"--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO+2AA-\n three\n"),  # decodes to a lone surrogate
    ("utf-16-le", b"\x00\xd8"),                                  # half a character
    ("unicode_escape", b"--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-\\ud800\n+\\x00\n"),
    ("x-no-such-charset", DIFF.encode()),
], ids=["utf7-surrogate", "utf16-cut", "unicode-escape", "unknown"])
def test_part_in_a_hostile_charset(tmp_path, tree, charset, payload):
    text = (HEAD + f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: base64\n\n").encode()
    code, err, out = pgtool_on(tmp_path, tree, text + base64.encodebytes(payload))
    assert code in (0, 1, 2), err
    if code == 2:
        one_line_error(code, err, tmp_path, "")


@pytest.mark.parametrize("data", [
    DIFF.replace("+TWO", "+T\x00WO").encode(),
    DIFF.replace("--- a/x.c", "--- a/x\x00.c").encode(),
    DIFF.replace("+TWO", "+TWO\xed\xa0\x80").encode("latin-1"),           # a lone surrogate, UTF-8 encoded
    DIFF.replace("--- a/x.c", "--- a/x\xed\xa0\x80.c").encode("latin-1"),
    b"\xff\xfe" + bytes(range(256)) * 50 + DIFF.encode(),
], ids=["nul-in-line", "nul-in-name", "surrogate-in-line", "surrogate-in-name", "binary-junk"])
def test_hostile_bytes(tmp_path, tree, data):
    code, err, out = pgtool_on(tmp_path, tree, data)
    assert code in (0, 1, 2), err
    if code == 2:
        one_line_error(code, err, tmp_path, "")


# --- diff structure -------------------------------------------------------------------------------


@pytest.mark.parametrize("text,what", [
    ("--- a/x.c\n+++ b/x.c\n@@ -" + "9" * 5000 + " +1 @@\n-a\n+b\n", "more than 12 digits"),
    ("--- a/x.c\n+++ b/x.c\n@@ -1,2 +1," + "1" * 20 + " @@\n-a\n+b\n", "more than 12 digits"),
    ("diff --git \nnew file mode 100644\n", "no file names"),
    ("diff --git a/x.c\nold mode 100644\nnew mode 100755\n", "no file names"),
    ('diff --git "a/x.c\nold mode 100644\nnew mode 100755\n', "no file names"),
], ids=["huge-start", "huge-count", "git-line-empty", "git-line-one-name", "git-line-open-quote"])
def test_hostile_diff_header(tmp_path, tree, text, what):
    code, err, _ = pgtool_on(tmp_path, tree, text.encode())
    one_line_error(code, err, tmp_path, what)


def test_diff_git_line_of_spaces_is_linear():
    rest = "a/" + " /" * 200_000 + " b/x"
    start = time.monotonic()
    repair.parse(f"diff --git {rest}\nold mode 100644\nnew mode 100755\n", "p")
    assert time.monotonic() - start < 5


def test_closed_standard_input(tree):
    proc = subprocess.run(
        f'exec "{sys.executable}" -m pgtool apply --check --tree "{tree}" - <&-',
        shell=True, capture_output=True, cwd=REPO)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, err
    assert err.count("\n") == 1 and err.startswith("pgtool: error: "), err


# --- fuzzing --------------------------------------------------------------------------------------

SEEDS = [
    # git format-patch with quoted names, a rename and a new file
    ("From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001\n"
     "From: Jane Hacker <jane@example.org>\nDate: Tue, 3 Jan 2023 10:00:00 +0100\n"
     "Subject: [PATCH 2/3] mm: names\n\nWhy.\n---\n"
     'diff --git "a/caf\\303\\251.c" "b/caf\\303\\251.c"\nindex 1234567..89abcde 100644\n'
     '--- "a/caf\\303\\251.c"\n+++ "b/caf\\303\\251.c"\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n'
     'diff --git a/sp ace.c b/moved.c\nsimilarity index 90%\nrename from sp ace.c\nrename to moved.c\n'
     "diff --git a/new.c b/new.c\nnew file mode 100644\n--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+x\n"
     "-- \n2.39.5\n"),
    # multipart: a prose part, the patch as a base64 attachment, an HTML alternative
    (HEAD + 'Content-Type: multipart/mixed; boundary="AA"\n\n--AA\n'
     'Content-Type: multipart/alternative; boundary="BB"\n\n--BB\nContent-Type: text/plain\n\nHello.\n'
     "--BB\nContent-Type: text/html\n\n<p>Hello.</p>\n--BB--\n--AA\n"
     'Content-Type: text/x-patch; charset=utf-8; name="x.patch"\nContent-Transfer-Encoding: base64\n\n'
     + base64.encodebytes(DIFF.encode()).decode() + "--AA--\n"),
    # quoted-printable, format=flowed, a forwarded message
    (HEAD + "Content-Type: message/rfc822\n\nFrom: B <b@c.d>\nSubject: fwd\n"
     "Content-Type: text/plain; charset=iso-8859-1; format=flowed; delsp=yes\n"
     "Content-Transfer-Encoding: quoted-printable\n\n"
     "--- a/x.c\t1970-01-01 00:00:00.000000000 +0000\n+++ b/x.c\t2024-01-01 00:00:00.000000000 +0000\n"
     "@@ -0,0 +1,2 @@\n+caf=E9 =\n+tw=3Do\n"),
    # an archive page: CVS names and timestamps, context without its space
    ("Re: [PATCH] fix\n\nSomebody (some@body.org)\nSat, 19 Dec 1998 17:04:26 +0100\n\n"
     "Index: mm//filemap.c\n===================================================================\n"
     "RCS file: /var/cvs/linux/mm/filemap.c,v\ndiff -u -r1.1 filemap.c\n"
     "--- filemap.c 1998/12/17 16:34:07 1.1\n+++ linux/mm/filemap.c 1998/12/19 15:37:30\n"
     "@@ -1,3 +1,3 @@\none\n-two\n+TWO\nthree\n\n-\nTo unsubscribe from this list\n"),
]
JUNK = st.one_of(
    st.sampled_from([
        "\x00", "\ud800", "\udcff", "\ufeff", "\r", "\t", '"', "\\", "\\777", "\\0", '"a/', " b/",
        "diff --git ", 'diff --git "a/\\303" b/x', "diff --git a/x", "rename from ", 'rename to "x',
        "copy from \\", "--- ", "+++ ", '--- "a/x', "+++ b/x\t1970-01-01 00:00:00 +0000",
        "@@ -" + "9" * 30 + " +1 @@", "@@ -1,999999999999 +1 @@", "@@ -0,0 +0,0 @@", "Index: ", "Index: \"",
        "Content-Type: multipart/mixed; boundary=AA", "Content-Type: text/plain; charset=utf-7",
        "Content-Type: text/plain; charset=utf-16", "Content-Transfer-Encoding: base64",
        "Content-Transfer-Encoding: quoted-printable", "--AA", "--AA--", "--BB", "=?utf-7?q?+2AA-?=",
        "=?utf-8?b?////?=", "From: " + "(" * 3000, "From nobody Mon Jan  1 00:00:00 2024", "-- ", "=",
        "GIT binary patch", "new file mode 100644", "deleted file mode 100644", "similarity index 100%",
    ]),
    st.text(max_size=16),
)
OPS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10_000), st.integers(0, 10_000), JUNK), max_size=8)


def _read(data: bytes) -> None:
    """What the engine does with an input before it looks at a tree; only a UserError may stop it."""
    try:
        messages = mail.read_messages(data, "fuzz.eml")
    except UserError:
        return
    for msg in messages:
        for text in (msg.subject, msg.author or "", msg.email or "", msg.date or "", msg.diff_text):
            text.encode("utf-8", "surrogateescape")  # every character is a byte to write
        try:
            files = repair.parse(msg.diff_text, msg.source, msg.first_line)
        except UserError:
            continue
        for f in files:
            for name in (f.names.old, f.names.new, f.names.index):
                if name:
                    name.encode("utf-8", "surrogateescape")


@settings(max_examples=500, deadline=None, derandomize=True,  # the same cases in every run
          suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(SEEDS) - 1), ops=OPS, flip=st.lists(st.tuples(st.integers(0, 10_000),
                                                                             st.binary(min_size=1, max_size=4)),
                                                                   max_size=3))
def test_mutated_mails_raise_only_user_errors(which, ops, flip):
    data = bytearray(mutate_lines(SEEDS[which], ops).encode("utf-8", "surrogatepass"))
    for at, junk in flip:  # bytes no text has: cut characters, NULs, stray surrogates
        at %= len(data) + 1
        data[at:at] = junk
    _read(bytes(data))


# MIME built at random: any charset Python knows a codec for (or not), any transfer encoding,
# multiparts whose boundaries come right, wrong or never, forwarded messages, nested
CHARSETS = ["utf-8", "iso-8859-1", "utf-7", "utf-16", "utf-16-le", "utf-32", "unicode_escape", "idna",
            "punycode", "rot13", "x-unknown", "", "utf-8''%ff", '"utf-8']
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "x-unknown"]
BODIES = [
    DIFF, SEEDS[0].split("\n\n", 1)[1], "prose only\n", "", "\x00\ud800\udcff\n" + DIFF,
    'diff --git "a/\\303\\251" b/\303\251\nold mode 100644\nnew mode 100755\n',
    "diff --git\n--- \n+++ \n@@ -1 +1 @@\n-\n+\n", "--- a/x.c 1970-01-01 00:00:00\n+++ b/x.c\n@@ -1 +0,0 @@\n-x\n",
]


@st.composite
def mime(draw, depth: int = 0) -> bytes:
    kind = draw(st.sampled_from(["text", "text", "multipart", "rfc822"] if depth < 5 else ["text"]))
    head = draw(st.lists(st.sampled_from([
        "From: A <a@b.c>", "Subject: =?utf-7?q?+2AA-?=", "Subject: " + "=?utf-8?q?a?= " * 50,
        "From: " + "(" * 3000 + "a@b.c", "Date: Mon, 99 Foo 99999 99:99:99 +9999", "Content-Disposition: inline",
        "MIME-Version: 1.0", "X-Junk: \udcff\x00", " continued header line",
    ]), max_size=3))
    if kind == "text":
        charset = draw(st.sampled_from(CHARSETS))
        cte = draw(st.sampled_from(ENCODINGS))
        sub = draw(st.sampled_from(["plain", "x-patch", "x-diff", "html", "plain; format=flowed; delsp=yes"]))
        text = draw(st.sampled_from(BODIES))
        try:
            raw = text.encode(charset or "utf-8", "surrogatepass")
        except (LookupError, UnicodeError, TypeError):
            raw = text.encode("utf-8", "surrogatepass")
        if cte == "base64":
            raw = base64.encodebytes(raw)
        elif cte == "quoted-printable":
            raw = quopri.encodestring(raw)
        head += [f"Content-Type: text/{sub}; charset={charset}", f"Content-Transfer-Encoding: {cte}"]
        return ("\n".join(head) + "\n\n").encode("utf-8", "surrogatepass") + raw
    if kind == "rfc822":
        head.append("Content-Type: message/rfc822")
        return ("\n".join(head) + "\n\n").encode("utf-8", "surrogatepass") + draw(mime(depth + 1))
    boundary = draw(st.sampled_from(["AA", "BB", "x y", "AA--", ""]))
    head.append(f'Content-Type: multipart/{draw(st.sampled_from(["mixed", "alternative", "digest"]))}; '
                f'boundary="{boundary}"')
    out = ("\n".join(head) + "\n\npreamble\n").encode("utf-8", "surrogatepass")
    for child in draw(st.lists(mime(depth + 1), max_size=3)):
        out += f"--{draw(st.sampled_from([boundary, boundary, 'ZZ']))}\n".encode() + child + b"\n"
    if draw(st.booleans()):
        out += f"--{boundary}--\n".encode()
    return out


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(data=mime(), flip=st.lists(st.tuples(st.integers(0, 100_000), st.binary(min_size=1, max_size=3)),
                                  max_size=2))
def test_random_mime_raises_only_user_errors(data, flip):
    data = bytearray(data)
    for at, junk in flip:
        at %= len(data) + 1
        data[at:at] = junk
    _read(bytes(data))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.binary(max_size=2000))
def test_random_bytes_raise_only_user_errors(data):
    _read(data)
    _read(HEAD.encode() + b"\n" + data)
    _read(b"--- a/x.c\n+++ b/x.c\n" + data)
