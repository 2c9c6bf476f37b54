"""Acceptance 1: the seed mail, as archived, applies to the 2.1.132 fixture.

The expected result is derived here independently of pgtool: each hunk's
pre-image and post-image are read from the mail with the author's intent
spelled out (unprefixed lines are context, '+'/'-' lines are changes, except
`++vma->vm_mm->rss;`, which the header counts show to be context), then the
pre-image's C tokens are replaced by the post-image's in the file's token
stream. pgtool's result must equal that token for token.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from .helpers import SEED_FIXTURE, c_tokens, run_pgtool, tree_digest

FILES = ["mm/filemap.c", "mm/memory.c", "mm/page_alloc.c", "include/linux/mm.h"]
HUNK = re.compile(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@")
CONTEXT_PLUS = {"++vma->vm_mm->rss;"}  # the author's context lines that start with '+'


def author_hunks(mail: str) -> dict[str, list[tuple[list[str], list[str]]]]:
    """file -> [(pre-image lines, post-image lines)] as the author meant them."""
    out: dict[str, list] = {}
    lines = mail.split("\n")
    current = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("+++ "):
            current = line.split()[1].split("/", 1)[1]
            out[current] = []
        m = HUNK.match(line)
        if m:
            old_n, new_n = int(m.group(2)), int(m.group(4))
            pre, post = [], []
            i += 1
            while len(pre) < old_n or len(post) < new_n:
                body = lines[i]
                if body.startswith("+") and body not in CONTEXT_PLUS:
                    post.append(body[1:])
                elif body.startswith("-"):
                    pre.append(body[1:])
                else:
                    pre.append(body)
                    post.append(body)
                i += 1
            assert (len(pre), len(post)) == (old_n, new_n)
            out[current].append((pre, post))
            continue
        i += 1
    return out


def expected_tokens(original: str, hunks) -> list[str]:
    tokens = c_tokens(original)
    for pre, post in hunks:
        want, repl = c_tokens("\n".join(pre)), c_tokens("\n".join(post))
        hits = [k for k in range(len(tokens) - len(want) + 1) if tokens[k:k + len(want)] == want]
        assert len(hits) == 1, f"pre-image found {len(hits)} times"
        k = hits[0]
        tokens[k:k + len(want)] = repl
    return tokens


@pytest.fixture
def seed_tree(tmp_path):
    tree = tmp_path / "linux"
    shutil.copytree(SEED_FIXTURE, tree)
    return tree


def test_seed_mail_applies_token_for_token(seed_mail, seed_tree):
    proc = run_pgtool("apply", "--tree", str(seed_tree), str(seed_mail), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    [patch] = report["patches"]
    assert patch["status"] == "applied"
    assert patch["subject"] == "PG_clean for shared mapping smart syncing"
    assert patch["author"] == "Andrea Arcangeli"
    hunks = [h for f in patch["files"] for h in f["hunks"]]
    assert len(hunks) == 10
    assert all(h["status"] == "applied" and h["offset"] != 0 for h in hunks)
    assert [f["path"] for f in patch["files"]] == FILES
    intent = author_hunks(seed_mail.read_text())
    for rel in FILES:
        original = (SEED_FIXTURE / rel).read_text()
        result = (seed_tree / rel).read_text()
        assert c_tokens(result) == expected_tokens(original, intent[rel]), rel
    repairs = [r["what"] for r in patch["repairs"]]
    assert "'++vma->vm_mm->rss;' read as context" in repairs
    assert any("lost their leading space" in r for r in repairs)


def test_seed_text_report_names_offsets_and_repairs(seed_mail, seed_tree):
    proc = run_pgtool("apply", "--tree", str(seed_tree), str(seed_mail))
    out = proc.stdout.decode()
    assert proc.returncode == 0
    assert "patching file mm/memory.c" in out
    assert "Hunk #2 succeeded at 150 ignoring whitespace (offset -490 lines)." in out
    assert re.search(r"repair: line \d+: hunk #2: '\+\+vma->vm_mm->rss;' read as context", out)


def test_seed_result_is_kernel_style(seed_mail, seed_tree):
    """Re-inferred indentation: tabs, one per brace level, as the context."""
    run_pgtool("apply", "--tree", str(seed_tree), str(seed_mail))
    memory = (seed_tree / "mm/memory.c").read_text()
    assert "\tif (is_page_shared(page_map)) {\n\t\tunsigned long new_page;\n\t\tunlock_kernel();\n" \
           "\t\tnew_page = __get_free_page(GFP_USER);\n" in memory
    assert "\tflush_tlb_page(vma, address);\n\treturn 1;\nend_wp_page:\n\tunlock_kernel();\n" in memory
    filemap = (seed_tree / "mm/filemap.c").read_text()
    assert "\tif (!PageTestAndSetClean(map))\n\t\terror = filemap_write_page(" in filemap
    assert "\tunsigned long page = pte_page(pte);\n" in filemap
    page_alloc = (seed_tree / "mm/page_alloc.c").read_text()
    assert "\t\t\tpanic (\"Freeing swap cache pages\");\n\t\t\tPageClearClean(map);\n" in page_alloc


def test_emitted_fixed_patch_is_accepted_by_git_apply(seed_mail, seed_tree, tmp_path):
    fixed = tmp_path / "fixed.patch"
    proc = run_pgtool("apply", "--check", "--tree", str(seed_tree), str(seed_mail), "--emit-fixed", str(fixed))
    assert proc.returncode == 0
    before = tree_digest(seed_tree)
    git = subprocess.run(["git", "apply", "--check", str(fixed)], cwd=seed_tree, capture_output=True, text=True)
    assert git.returncode == 0, git.stderr
    assert tree_digest(seed_tree) == before  # --check wrote nothing
    subprocess.run(["git", "apply", str(fixed)], cwd=seed_tree, check=True)
    other = tmp_path / "other"
    shutil.copytree(SEED_FIXTURE, other)
    run_pgtool("apply", "--tree", str(other), str(seed_mail))
    assert tree_digest(other) == tree_digest(seed_tree)


def test_peer_tools_fail_on_the_same_input(seed_mail, seed_tree):
    """The gap this command closes: GNU patch and git apply reject the mail."""
    before = tree_digest(seed_tree)
    gnu = subprocess.run(["patch", "-p1", "--dry-run", "-i", str(seed_mail)], cwd=seed_tree,
                         capture_output=True, text=True)
    assert gnu.returncode != 0
    assert "malformed patch" in gnu.stdout + gnu.stderr
    git = subprocess.run(["git", "apply", "--check", str(seed_mail)], cwd=seed_tree, capture_output=True, text=True)
    assert git.returncode != 0
    assert "corrupt patch" in git.stderr
    assert tree_digest(seed_tree) == before


def test_seed_mail_twice_is_already_applied(seed_mail, seed_tree):
    assert run_pgtool("apply", "--tree", str(seed_tree), str(seed_mail)).returncode == 0
    after = tree_digest(seed_tree)
    proc = run_pgtool("apply", "--tree", str(seed_tree), str(seed_mail))
    assert proc.returncode == 1
    assert "already applied" in proc.stdout.decode()
    assert tree_digest(seed_tree) == after
    back = run_pgtool("apply", "-R", "--tree", str(seed_tree), str(seed_mail))
    assert back.returncode == 0, back.stdout.decode() + back.stderr.decode()
    for rel in FILES:
        assert c_tokens((seed_tree / rel).read_text()) == c_tokens((SEED_FIXTURE / rel).read_text())


def test_seed_commit_keeps_the_archived_author_and_date(seed_mail, seed_tree):
    """The archive page has no mail headers: author and date come from its top lines."""
    import git

    repo = git.Repo.init(seed_tree)
    repo.git.add("-A")
    repo.git.commit("-q", "-m", "2.1.132", author="Fixture <fixture@localhost>",
                    env={"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"})
    proc = run_pgtool("apply", "--commit", "--tree", str(seed_tree), str(seed_mail))
    assert proc.returncode == 0, proc.stderr.decode()
    head = repo.head.commit
    assert head.summary == "PG_clean for shared mapping smart syncing"
    assert (head.author.name, head.author.email) == ("Andrea Arcangeli", "andrea@e-mind.com")
    assert head.authored_datetime.isoformat() == "1998-12-19T17:04:26+01:00"
    assert "preliminary patch" in head.message
    assert repo.git.status("--porcelain") == ""
