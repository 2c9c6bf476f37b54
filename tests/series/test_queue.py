"""The patch queue against the real linux-source-6.1 tree and real quilt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.series.conftest import DEMO, git, tree_changes

PGTOOL = [sys.executable, "-m", "pgtool"]


def pgtool(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PGTOOL, *args], capture_output=True, text=True, cwd=cwd)


def quilt(tree: Path, *args: str, patches: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QUILT_PC=".pc")
    if patches is not None:
        env["QUILT_PATCHES"] = str(patches)
    return subprocess.run(["quilt", *args], cwd=tree, capture_output=True, text=True, env=env)


def import_demo(tree: Path, queue: Path) -> subprocess.CompletedProcess:
    mails = [str(DEMO / name) for name in DEMO.joinpath("series").read_text().split() if name.endswith(".patch")]
    return pgtool("series", "import", "--tree", str(tree), "--series", str(queue / "series"), *mails)


def test_pgtool_queue_is_popped_by_quilt(tree: Path, tmp_path: Path) -> None:
    queue = tmp_path / "patches"
    imported = import_demo(tree, queue)
    assert imported.returncode == 0, imported.stderr
    names = queue.joinpath("series").read_text().split()
    assert len(names) == 2 and all((queue / n).is_file() for n in names)
    # the damaged mail was repaired on import: the stored diff is clean
    assert "repaired" in imported.stdout

    pushed = pgtool("push", "-a", "--tree", str(tree), "--series", str(queue / "series"))
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "report_free_orders" in (tree / "mm/page_alloc.c").read_text()
    assert "handing over to userspace" in (tree / "init/main.c").read_text()
    assert quilt(tree, "applied").stdout.split() == [str(Path(os.path.relpath(queue, tree)) / n) for n in names]

    popped = quilt(tree, "pop", "-a")
    assert popped.returncode == 0, popped.stdout + popped.stderr
    assert tree_changes(tree) == []
    assert git(tree, "diff", "baseline") == ""


def test_quilt_queue_is_popped_by_pgtool(tree: Path, tmp_path: Path) -> None:
    queue = tmp_path / "patches"
    assert import_demo(tree, queue).returncode == 0
    pushed = quilt(tree, "push", "-a", patches=queue)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert git(tree, "diff", "--stat", "baseline").strip()  # quilt really changed the tree

    assert pgtool("applied", "--tree", str(tree)).stdout.split() == queue.joinpath("series").read_text().split()
    popped = pgtool("pop", "-a", "--tree", str(tree))
    assert popped.returncode == 0, popped.stdout + popped.stderr
    assert "No patches applied" in popped.stdout
    assert tree_changes(tree) == []
    assert git(tree, "diff", "baseline") == ""


def test_push_applies_the_damaged_mail_queue_as_is(tree: Path) -> None:
    """The shipped demo queue holds the mails as received; push repairs them."""
    pushed = pgtool("push", "-a", "--tree", str(tree), "--series", str(DEMO / "series"))
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    assert "context lines had lost their leading space" in pushed.stdout
    assert "Now at patch 0002-" in pushed.stdout
    # the added function reads like the author's code: tabs restored
    assert "\tspin_lock_irqsave(&zone->lock, flags);\n" in (tree / "mm/page_alloc.c").read_text()
    assert pgtool("top", "--tree", str(tree)).stdout.strip().startswith("0002-")
    assert pgtool("unapplied", "--tree", str(tree), "--series", str(DEMO / "series")).returncode == 2
    assert pgtool("pop", "-a", "--tree", str(tree)).returncode == 0
    assert tree_changes(tree) == []


def test_refresh_rewrites_top_patch_that_git_apply_accepts(tree: Path, tmp_path: Path) -> None:
    queue = tmp_path / "patches"
    assert import_demo(tree, queue).returncode == 0
    assert pgtool("push", "--tree", str(tree), "--series", str(queue / "series")).returncode == 0
    top = pgtool("top", "--tree", str(tree)).stdout.strip()
    header_before = (queue / top).read_text().split("diff --git", 1)[0]

    target = tree / "mm/page_alloc.c"
    edited = target.read_text().replace("late_initcall(report_free_orders);\n",
                                        "late_initcall(report_free_orders);\n/* refreshed */\n", 1)
    assert edited != target.read_text()
    target.write_text(edited)
    refreshed = pgtool("refresh", "--tree", str(tree))
    assert refreshed.returncode == 0, refreshed.stderr
    patch_text = (queue / top).read_text()
    assert patch_text.startswith(header_before.rstrip("\n"))   # mail header kept

    assert pgtool("pop", "-a", "--tree", str(tree)).returncode == 0
    assert tree_changes(tree) == []
    check = subprocess.run(["git", "-C", str(tree), "apply", "--check", str(queue / top)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    subprocess.run(["git", "-C", str(tree), "apply", str(queue / top)], check=True)
    assert target.read_text() == edited


def test_pop_refuses_to_lose_an_edit_made_after_push(tree: Path) -> None:
    assert pgtool("push", "--tree", str(tree), "--series", str(DEMO / "series")).returncode == 0
    target = tree / "mm/page_alloc.c"
    text = target.read_text() + "/* my unsaved work */\n"
    target.write_text(text)
    st = target.stat()
    os.utime(target, (st.st_atime, st.st_mtime + 5))
    popped = pgtool("pop", "--tree", str(tree))
    assert popped.returncode == 2
    assert "does not remove cleanly" in popped.stderr and "Traceback" not in popped.stderr
    assert target.read_text() == text
    assert pgtool("pop", "-f", "--tree", str(tree)).returncode == 0
    assert tree_changes(tree) == []


def test_push_commit_behaves_like_git_am(tree: Path) -> None:
    git(tree, "checkout", "-q", "-B", "queue-test", "baseline")
    pushed = pgtool("push", "-a", "--commit", "--tree", str(tree), "--series", str(DEMO / "series"))
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    log = git(tree, "log", "--format=%an <%ae>|%ad|%s", "--date=iso-strict", "baseline..HEAD").splitlines()
    assert log == [
        "Dana Developer <dana@example.org>|2023-01-16T10:02:12+01:00|init: say when kernel init hands over to userspace",
        "Dana Developer <dana@example.org>|2023-01-16T10:02:11+01:00|mm: report free blocks per order at boot",
    ]
    assert pgtool("pop", "-a", "--commit", "--tree", str(tree)).returncode == 0
    assert git(tree, "rev-parse", "HEAD") == git(tree, "rev-parse", "baseline")
    assert tree_changes(tree) == []
