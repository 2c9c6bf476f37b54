"""`pgtool hook install` / `hook run` on odd repositories: whatever sits at the
hook's path (a folder, a symbolic link out of the repository, someone else's
hook), a missing hooks folder, a worktree's or submodule's `.git` file, no
git at all. Never a traceback, never a write through a link."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .sandbox import one_error_line

PGTOOL = [sys.executable, "-m", "pgtool"]
MARK = "# installed by pgtool hook install"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_NOSYSTEM": "1"}


def pgtool(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*PGTOOL, *args], capture_output=True, env=env or dict(os.environ), cwd=cwd,
                          timeout=300)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=dict(os.environ, **GIT_ENV)).stdout.strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    path = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def hook_of(repo: Path) -> Path:
    return repo / ".git" / "hooks" / "pre-commit"


def is_ours(hook: Path) -> bool:
    return hook.is_file() and not hook.is_symlink() and MARK in hook.read_text() and os.access(hook, os.X_OK)


def test_folder_at_the_hook_path_is_refused_even_with_force(repo):
    hook = hook_of(repo)
    hook.mkdir(parents=True)
    for extra in ([], ["--force"]):
        proc = pgtool("hook", "install", "--repo", str(repo), *extra)
        assert proc.returncode == 2
        assert f"{hook}: a folder is where the pre-commit hook goes" in one_error_line(proc)
        assert hook.is_dir()


@pytest.mark.parametrize("target_exists", [False, True], ids=["dangling", "existing"])
def test_symlink_out_of_the_repository_is_never_written_through(repo, tmp_path, target_exists):
    outside = tmp_path / "elsewhere" / "pre-commit"
    outside.parent.mkdir()
    if target_exists:
        outside.write_text(f"#!/bin/sh\n{MARK}\nexit 0\n")   # even one that looks like ours
    hook = hook_of(repo)
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.symlink_to(outside)
    before = outside.read_text() if target_exists else None
    proc = pgtool("hook", "install", "--repo", str(repo))
    assert proc.returncode == 2
    assert "symbolic link" in one_error_line(proc) and "--force" in proc.stderr.decode()
    assert hook.is_symlink()
    forced = pgtool("hook", "install", "--repo", str(repo), "--force")
    assert forced.returncode == 0, forced.stderr
    assert is_ours(hook)
    assert (outside.read_text() if target_exists else None) == before
    assert outside.exists() == target_exists


def test_foreign_hook_needs_force(repo):
    hook = hook_of(repo)
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho somebody else's\n")
    proc = pgtool("hook", "install", "--repo", str(repo))
    assert proc.returncode == 2
    assert "already exists (use --force" in one_error_line(proc)
    assert "somebody else's" in hook.read_text()
    assert pgtool("hook", "install", "--repo", str(repo), "--force").returncode == 0
    assert is_ours(hook)


def test_own_hook_is_replaced_without_force(repo):
    assert pgtool("hook", "install", "--repo", str(repo)).returncode == 0
    again = pgtool("hook", "install", "--repo", str(repo))
    assert again.returncode == 0, again.stderr
    assert is_ours(hook_of(repo))
    assert [p.name for p in hook_of(repo).parent.iterdir() if p.name.startswith(".pre-commit")] == []


def test_missing_hooks_folder_is_created(repo):
    hooks = repo / ".git" / "hooks"
    for entry in hooks.iterdir():
        entry.unlink()
    hooks.rmdir()
    proc = pgtool("hook", "install", "--repo", str(repo))
    assert proc.returncode == 0, proc.stderr
    assert is_ours(hook_of(repo))


def test_hooks_path_that_is_a_file_is_one_line(repo):
    hooks = repo / ".git" / "hooks"
    for entry in hooks.iterdir():
        entry.unlink()
    hooks.rmdir()
    hooks.write_text("not a folder\n")
    proc = pgtool("hook", "install", "--repo", str(repo))
    assert proc.returncode == 2
    assert f"{hooks}: git's hooks path is not a folder" in one_error_line(proc)


def test_worktree_git_file_uses_the_hooks_git_runs(repo, tmp_path):
    git(repo, "commit", "-q", "--allow-empty", "-m", "base")
    worktree = tmp_path / "wt"
    git(repo, "worktree", "add", "-q", str(worktree))
    assert (worktree / ".git").is_file()
    proc = pgtool("hook", "install", "--repo", str(worktree))
    assert proc.returncode == 0, proc.stderr
    where = Path(git(worktree, "rev-parse", "--path-format=absolute", "--git-path", "hooks")) / "pre-commit"
    assert is_ours(where) and where == hook_of(repo)


def test_submodule_git_file_uses_the_hooks_git_runs(tmp_path):
    sub, top = tmp_path / "sub", tmp_path / "top"
    for path in (sub, top):
        subprocess.run(["git", "init", "-q", str(path)], check=True)
    git(sub, "commit", "-q", "--allow-empty", "-m", "sub")
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "sub")
    module = top / "sub"
    assert (module / ".git").is_file()
    proc = pgtool("hook", "install", "--repo", str(module))
    assert proc.returncode == 0, proc.stderr
    where = Path(git(module, "rev-parse", "--path-format=absolute", "--git-path", "hooks")) / "pre-commit"
    assert is_ours(where)
    assert where.is_relative_to(top / ".git" / "modules")


def test_not_a_repository_and_no_git_are_one_line(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    proc = pgtool("hook", "install", "--repo", str(plain), env=dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path)))
    assert proc.returncode == 2
    assert "not a git repository" in one_error_line(proc)
    no_git = pgtool("hook", "install", "--repo", str(plain), env=dict(os.environ, PATH=str(tmp_path / "empty")))
    assert no_git.returncode == 2
    assert "git not found" in one_error_line(no_git)


def test_hook_run_lints_a_staged_name_not_utf8(repo):
    name = os.fsencode(repo / "mm") + b"/caf\xe9.c"
    os.makedirs(os.path.dirname(name))
    with open(name, "wb") as handle:
        handle.write(b"void f(void)\n{\n\tspin_lock(&l);\n\tspin_unlock(&l);\n}\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    with open(name, "wb") as handle:
        handle.write(b"void f(void)\n{\n\tspin_lock(&l);\n\tif (x)\n\t\treturn;\n\tspin_unlock(&l);\n}\n")
    git(repo, "add", "-A")
    proc = pgtool("hook", "run", "--repo", str(repo), env=dict(os.environ, XDG_CACHE_HOME=str(repo.parent / "c")))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.decode("utf-8")
    assert "mm/caf\\xe9.c:5:3: warning: f: " in out and "[inconsistent-exit]" in out
    assert "Traceback" not in proc.stderr.decode("utf-8")



# -- pgtool check: its JSON report path -----------------------------------------------------------------

@pytest.fixture
def small_queue(tmp_path) -> tuple[Path, Path]:
    """A tree of one C file and a series of one patch that keeps it balanced."""
    tree = tmp_path / "tree"
    (tree / "mm").mkdir(parents=True)
    (tree / "mm" / "a.c").write_text("void f(void)\n{\n\tspin_lock(&l);\n\tspin_unlock(&l);\n}\n")
    patches = tmp_path / "patches"
    patches.mkdir()
    (patches / "one.patch").write_text(
        "--- a/mm/a.c\n+++ b/mm/a.c\n@@ -1,5 +1,6 @@\n void f(void)\n {\n \tspin_lock(&l);\n"
        "+\tx++;\n \tspin_unlock(&l);\n }\n")
    (patches / "series").write_text("one.patch\n")
    return tree, patches / "series"


def test_check_json_that_cannot_be_written_is_refused_before_pushing(small_queue, tmp_path):
    tree, series = small_queue
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    target = blocker / "report.json"
    proc = pgtool("check", "--tree", str(tree), "--series", str(series), "--no-boot", "--json", str(target))
    assert proc.returncode == 2
    assert f"{target}: cannot write the JSON report" in one_error_line(proc)
    assert not (tree / ".pc").exists() and b"result:" not in proc.stdout


def test_check_json_in_a_new_folder_is_written(small_queue, tmp_path):
    tree, series = small_queue
    target = tmp_path / "reports" / "today" / "report.json"
    proc = pgtool("check", "--tree", str(tree), "--series", str(series), "--no-boot", "--json", str(target))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(target.read_text())["patches"][0]["applied"] == "applied"
