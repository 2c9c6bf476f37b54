"""Indentation re-inference rules, and a real list-archive mail applied to 6.1.

The demo queue's first mail lost its context lines' leading whitespace and had
its added lines' indentation collapsed to one space; applied to Debian's
6.1 mm/page_alloc.c it must give exactly what the author's own diff
(tests/apply/data/demo-0001-as-written.diff) gives with `git apply`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import git
import pytest

from pgtool.apply import engine
from pgtool.apply.indent import _code, _terminated, infer_indent

from .helpers import run_pgtool

ROOT = Path(__file__).resolve().parents[2]
DEMO_MAIL = ROOT / "patches/demo-6.1/0001-mm-report-free-blocks-per-order-at-boot.patch"
AS_WRITTEN = Path(__file__).parent / "data/demo-0001-as-written.diff"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def test_demo_mail_byte_identical_to_the_authors_diff(kernel_tree, tmp_path):
    damaged, clean = tmp_path / "damaged", tmp_path / "clean"
    for t in (damaged, clean):
        (t / "mm").mkdir(parents=True)
        shutil.copy(kernel_tree / "mm/page_alloc.c", t / "mm/page_alloc.c")
    subprocess.run(["git", "apply", str(AS_WRITTEN)], cwd=clean, check=True)
    result = engine.apply_patches([str(DEMO_MAIL)], damaged, engine.Options())
    assert result.exit_code == 0
    assert result.patches[0].repairs  # the mail really was damaged
    got = (damaged / "mm/page_alloc.c").read_bytes()
    want = (clean / "mm/page_alloc.c").read_bytes()
    assert got != (kernel_tree / "mm/page_alloc.c").read_bytes()
    assert got == want


def test_file_scope_macro_call_ends_its_statement():
    prev = _lines("int f(void)\n{\n\treturn 0;\n}\npostcore_initcall(f)\n\n")
    assert infer_indent("static int g(void)", prev) == ""
    assert _terminated("EXPORT_SYMBOL(f)\n")
    # indented, the same shape is a call split over lines or a loop macro
    assert not _terminated("\tfoo(a, b)\n")
    assert not _terminated("postcore_initcall(f,\n")


def test_comment_lines_are_no_continuation_evidence():
    assert _code("/*\n").strip() == ""
    assert _code("x = 1; /* starts a comment\n").strip() == "x = 1;"
    prev = _lines("}\n\n/*\n * Says why.\n */\n")
    assert infer_indent("static int g(void)", prev) == ""
    inside = _lines("int f(void)\n{\n\tint a;\n\n\t/*\n\t * Says why.\n\t */\n")
    assert infer_indent("a = 1;", inside) == "\t"


def test_body_of_a_braceless_if_nested_in_a_braceless_for():
    prev = _lines("int f(void)\n{\n\tfor (i = 0; i < n; i++)\n\t\tif (x[i])\n")
    assert infer_indent("pr_info(\"%d\\n\",", prev) == "\t\t\t"
    prev += ["\t\t\tpr_info(\"%d\\n\",\n"]
    assert infer_indent("i);", prev) == "\t\t\t\t"  # under the open parenthesis
    # and a one-line header's body after a plain statement is still one deeper
    prev = _lines("int f(void)\n{\n\tg();\n\twhile (busy())\n")
    assert infer_indent("cpu_relax();", prev) == "\t\t"
    # after the inner body, the next statement is back at the outer header's level
    prev = _lines("int f(void)\n{\n\tif (n)\n\t\tfor (i = 0; i < n; i++)\n\t\t\tx[i] = 0;\n")
    assert infer_indent("g();", prev) == "\t"
    # the brace-less body of `} else` / `} else if (...)` is one deeper
    block = "int f(void)\n{\n\tif (a) {\n\t\tb();\n\t\tc();\n"
    assert infer_indent("d();", _lines(block + "\t} else\n")) == "\t\t"
    assert infer_indent("d();", _lines(block + "\t} else if (e)\n")) == "\t\t"
    # but `} while (0)` closing a macro's do-block is not a header
    assert infer_indent("int x;", _lines("#define M(x) do {\t\\\n\tg(x);\t\\\n} while (0)\n\n")) == ""


def test_brace_depth_zero_bounds_a_new_statement():
    # the last block closed in column 0: whatever the lines above say, a new
    # statement there is top level
    prev = _lines("static void h(void)\n{\n\tif (a)\n\t\tb();\n}\n")
    assert infer_indent("late_initcall(h);", prev) == ""
    # a '}' in column 0 of a #define body inside a function closes no file scope
    prev = _lines("int f(void)\n{\n#define M(x) do {\t\\\n\tg(x);\t\\\n} while (0)\n\n\tM(1);\n\n")
    assert infer_indent("g(2);", prev) == "\t"


@pytest.fixture
def ignoring_repo(kernel_tree, tmp_path):
    """A git tree whose .gitignore ignores every top-level path, like Debian's linux-source."""
    root = tmp_path / "repo"
    (root / "lib").mkdir(parents=True)
    shutil.copy(kernel_tree / "lib/bcd.c", root / "lib/bcd.c")
    (root / ".gitignore").write_text("/*\n!/debian/\n")
    repo = git.Repo.init(root)
    with repo.config_writer() as cfg:
        cfg.set_value("user", "name", "Test")
        cfg.set_value("user", "email", "test@example.org")
    repo.git.add("-f", "lib/bcd.c")
    repo.git.commit("-q", "-m", "base")
    return root


def test_commit_in_a_tree_that_ignores_every_path(ignoring_repo, tmp_path):
    old = (ignoring_repo / "lib/bcd.c").read_text()
    assert "EXPORT_SYMBOL(_bin2bcd);" in old
    mail = tmp_path / "m.patch"
    mail.write_text(
        "From: Ada Kernel <ada@example.org>\nDate: Thu, 5 Jan 2023 09:30:00 +0000\n"
        "Subject: [PATCH] lib: note bcd users\n\nWhy.\n---\n"
        "diff --git a/lib/bcd.c b/lib/bcd.c\n--- a/lib/bcd.c\n+++ b/lib/bcd.c\n"
        "@@ -9,3 +9,4 @@ unsigned _bcd2bin(unsigned char val)\n"
        " EXPORT_SYMBOL(_bcd2bin);\n \n+/* used by rtc drivers */\n unsigned char _bin2bcd(unsigned val)\n"
        "diff --git a/lib/bcd_users.txt b/lib/bcd_users.txt\nnew file mode 100644\n"
        "--- /dev/null\n+++ b/lib/bcd_users.txt\n@@ -0,0 +1 @@\n+rtc\n")
    assert old.splitlines()[8:11] == ["EXPORT_SYMBOL(_bcd2bin);", "", "unsigned char _bin2bcd(unsigned val)"]
    proc = run_pgtool("apply", "--commit", "--tree", str(ignoring_repo), str(mail))
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    repo = git.Repo(ignoring_repo)
    head = repo.head.commit
    assert head.summary == "lib: note bcd users"
    assert head.author.name == "Ada Kernel"
    assert sorted(head.stats.files) == ["lib/bcd.c", "lib/bcd_users.txt"]
    assert repo.git.status("--porcelain", "--ignored", "lib") == ""
