"""Acceptance 5: mutated patches and mails never end in a traceback.

Hypothesis mutates real inputs (the seed mail, a clean git patch, a MIME
quoted-printable mail, an mbox) line by line and byte by byte. Whatever the
result, pgtool exits 0, 1 or 2; bad input (exit 2) is reported as exactly one
line, `pgtool: error: <patch>:<line>: ...`.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgtool.cli import main

from .helpers import SEED_FIXTURE, mutate_lines

GIT_PATCH = """From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001
From: Jane Hacker <jane@example.org>
Date: Tue, 3 Jan 2023 10:00:00 +0100
Subject: [PATCH 2/3] mm: note the clean flag

Explain why.

Signed-off-by: Jane Hacker <jane@example.org>
---
 include/linux/mm.h | 1 +
 1 file changed, 1 insertion(+)

diff --git a/include/linux/mm.h b/include/linux/mm.h
index 1234567..89abcde 100644
--- a/include/linux/mm.h
+++ b/include/linux/mm.h
@@ -90,3 +90,4 @@
 #define PG_swap_cache		 9
 #define PG_skip			10
+#define PG_clean		11
 #define PG_reserved		31
diff --git a/mm/new.c b/mm/new.c
new file mode 100644
--- /dev/null
+++ b/mm/new.c
@@ -0,0 +1,2 @@
+/* new */
+int x;
\\ No newline at end of file
--
2.39.5
"""

QP_MAIL = """From: =?utf-8?q?J=C3=B6rg?= <joerg@example.org>
Subject: [PATCH] mm: qp
Date: Wed, 4 Jan 2023 10:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Body text.

--- a/include/linux/mm.h
+++ b/include/linux/mm.h
@@ -90,3 +90,4 @@
 #define PG_swap_cache=09=09 9
 #define PG_skip=09=09=0910
+#define PG_clean=09=0911
 #define PG_reserved=09=0931
"""


QP_ON_TOP = """From: Jane Hacker <jane@example.org>
Subject: [PATCH 3/3] mm: move PG_skip
Date: Wed, 4 Jan 2023 11:00:00 +0100
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Needs patch 2/3 (its line is this hunk's context).

--- a/include/linux/mm.h
+++ b/include/linux/mm.h
@@ -90,4 +90,4 @@
 #define PG_swap_cache=09=09 9
-#define PG_skip=09=09=0910
+#define PG_skip=09=09=0912
 #define PG_clean=09=0911
 #define PG_reserved=09=0931
"""


def _seeds(seed_mail_path):
    seed = seed_mail_path.read_text()
    mbox = "From a@b Mon Jan  1 00:00:00 2023\n" + GIT_PATCH.split("\n", 1)[1] + "\nFrom a@b Mon Jan  1 00:00:00 2023\n" \
        + QP_ON_TOP
    return [seed, GIT_PATCH, QP_MAIL, mbox]


JUNK = st.one_of(
    st.sampled_from(["@@ -1,3 +1,4 @@", "@@ -0,0 +0,0 @@", "@@ -999999999,1 +1 @@", "+", "-", " ", "\\ No newline",
                     "--- /dev/null", "+++ b/../x", "diff --git a/x b/y", "Index: //", "rename from x", "-- ",
                     "GIT binary patch", "new file mode 100755", "\t", "=", "=3D", "\r", "\x00", "\udcff",
                     "Content-Transfer-Encoding: base64", "From nobody Mon Jan  1 00:00:00 2023"]),
    st.text(max_size=12),
)
OPS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 10_000), st.integers(0, 10_000), JUNK), max_size=6)


@pytest.fixture(scope="module")
def fuzz_tree(tmp_path_factory):
    tree = tmp_path_factory.mktemp("fuzz") / "linux"
    shutil.copytree(SEED_FIXTURE, tree)
    return tree


@settings(max_examples=400, deadline=None, derandomize=True,  # the same 400 cases in every CI run
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 3), ops=OPS, reverse=st.booleans())
def test_mutated_input_gets_a_clean_exit(seed_mail, fuzz_tree, tmp_path_factory, capsys, which, ops, reverse):
    text = mutate_lines(_seeds(seed_mail)[which], ops)
    patch = tmp_path_factory.getbasetemp() / "mutant.patch"
    patch.write_bytes(text.encode("utf-8", "surrogateescape"))
    argv = ["apply", "--check", "--tree", str(fuzz_tree), str(patch)] + (["-R"] if reverse else [])
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    code = exit_info.value.code
    # progress lines ("pgtool apply: ...") may precede; the error itself is one line
    err = "".join(line for line in capsys.readouterr().err.splitlines(keepends=True)
                  if not line.startswith("pgtool apply: "))
    assert code in (0, 1, 2)
    if code == 2:
        assert err.startswith(f"pgtool: error: {patch}"), err
        assert err.count("\n") == 1, err


@pytest.mark.parametrize("which", range(4))
def test_unmutated_inputs_apply(seed_mail, fuzz_tree, capsys, tmp_path, which):
    """The fuzz seeds themselves are valid: the fuzz starts from working inputs."""
    patch = tmp_path / "p"
    patch.write_text(_seeds(seed_mail)[which])
    with pytest.raises(SystemExit) as exit_info:
        main(["apply", "--check", "--tree", str(fuzz_tree), str(patch)])
    out = capsys.readouterr()
    assert exit_info.value.code == 0, out
