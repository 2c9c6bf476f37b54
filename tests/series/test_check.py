"""`pgtool check` and the pre-commit hook, on the real tree and real pre-commit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import yaml

from tests.series.conftest import DEMO, DEMO_BAD, REPO, git, tree_changes

PGTOOL = [sys.executable, "-m", "pgtool"]


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, cwd=cwd,
                          env=dict(os.environ, **(env or {})))


def test_check_names_the_patch_that_adds_a_lock_imbalance(tree: Path, tmp_path: Path) -> None:
    report_path = tmp_path / "report.json"
    res = run(*PGTOOL, "check", "--no-boot", "--tree", str(tree), "--series", str(DEMO_BAD / "series"),
              "--json", str(report_path))
    assert res.returncode == 1, res.stdout + res.stderr
    report = json.loads(report_path.read_text())
    by_name = {p["name"]: p for p in report["patches"]}
    culprit = by_name["0003-mm-report_free_orders-bail-out-on-a-corrupted-free-list.patch"]
    assert culprit["applied"] == "applied"
    assert [(f["function"], f["subject"]) for f in culprit["new_findings"]] == [("report_free_orders", "&zone->lock")] \
        or [f["function"] for f in culprit["new_findings"]] == ["report_free_orders"]
    finding = culprit["new_findings"][0]
    assert finding["file"] == "mm/page_alloc.c" and "zone->lock" in finding["message"]
    # the two good patches introduce nothing
    assert all(not p["new_findings"] for n, p in by_name.items() if n != culprit["name"])
    assert "(new in 0003-mm-report_free_orders" in res.stdout
    assert "result: FAIL" in res.stdout
    # check pops what it pushed: the tree is as it was
    assert tree_changes(tree) == []


def test_check_clean_series_lints_clean(tree: Path) -> None:
    res = run(*PGTOOL, "check", "--no-boot", "--tree", str(tree), "--series", str(DEMO / "series"))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "result: PASS" in res.stdout
    assert "0001-mm-report-free-blocks-per-order-at-boot.patch" in res.stdout
    assert tree_changes(tree) == []


# --- pre-commit ---------------------------------------------------------------

BALANCED = textwrap.dedent("""\
    static DEFINE_SPINLOCK(stats_lock);
    static unsigned long hits;

    void count_hit(void)
    {
    \tspin_lock(&stats_lock);
    \thits++;
    \tspin_unlock(&stats_lock);
    }
    """)

UNBALANCED_ADDITION = textwrap.dedent("""\

    int take_hit(int limit)
    {
    \tspin_lock(&stats_lock);
    \tif (hits > limit)
    \t\treturn -1;
    \thits--;
    \tspin_unlock(&stats_lock);
    \treturn 0;
    }
    """)

OLD_BUG = textwrap.dedent("""\
    static DEFINE_MUTEX(cfg_lock);

    int legacy_reconfigure(int x)
    {
    \tmutex_lock(&cfg_lock);
    \tif (x < 0)
    \t\treturn -22;
    \tmutex_unlock(&cfg_lock);
    \treturn 0;
    }
    """)


def _precommit_repo(tmp_path: Path) -> Path:
    """A git repository whose pre-commit config runs our hook definition."""
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "pgtool-lint-locks")
    # language: system runs the same entry with this interpreter: no network
    local = dict(hook, language="system", entry=f"{sys.executable} -m pgtool {hook['entry'].split(' ', 1)[1]}")
    repo = tmp_path / "repo"
    repo.mkdir()
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "T"], ["config", "user.email", "t@example.org"]):
        git(repo, *args)
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "config")
    res = run(sys.executable, "-m", "pre_commit", "install", cwd=repo)
    assert res.returncode == 0, res.stderr
    return repo


def _commit(repo: Path, message: str) -> subprocess.CompletedProcess:
    return run("git", "commit", "-m", message, cwd=repo,
               env={"PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home")})


def test_precommit_blocks_an_unbalanced_lock_and_passes_a_clean_commit(tmp_path: Path) -> None:
    repo = _precommit_repo(tmp_path)
    src = repo / "stats.c"
    src.write_text(BALANCED)
    git(repo, "add", "stats.c")
    ok = _commit(repo, "stats: count hits")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "pgtool lint-locks" in ok.stdout + ok.stderr and "Passed" in ok.stdout + ok.stderr

    src.write_text(BALANCED + UNBALANCED_ADDITION)
    git(repo, "add", "stats.c")
    blocked = _commit(repo, "stats: take hits")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, out
    assert "take_hit" in out and "stats_lock" in out and "Failed" in out
    assert git(repo, "log", "--format=%s").splitlines()[0] == "stats: count hits"


def test_precommit_reports_only_findings_the_commit_introduces(tmp_path: Path) -> None:
    repo = _precommit_repo(tmp_path)
    src = repo / "cfg.c"
    src.write_text(OLD_BUG)
    git(repo, "add", "cfg.c")
    # the old bug goes in without the hook (history written before pgtool)
    res = run("git", "commit", "-q", "--no-verify", "-m", "legacy", cwd=repo)
    assert res.returncode == 0
    src.write_text(OLD_BUG + BALANCED)
    git(repo, "add", "cfg.c")
    clean = _commit(repo, "cfg: add stats")
    out = clean.stdout + clean.stderr
    assert clean.returncode == 0, out
    assert "legacy_reconfigure" not in out

    src.write_text(OLD_BUG + BALANCED + UNBALANCED_ADDITION)
    git(repo, "add", "cfg.c")
    blocked = _commit(repo, "cfg: take hits")
    out = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "take_hit" in out and "legacy_reconfigure" not in out


def test_hook_install_writes_a_plain_git_hook(tmp_path: Path) -> None:
    repo = tmp_path / "plain"
    repo.mkdir()
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "T"], ["config", "user.email", "t@example.org"]):
        git(repo, *args)
    res = run(*PGTOOL, "hook", "install", "--repo", str(repo))
    assert res.returncode == 0, res.stderr
    (repo / "a.c").write_text(BALANCED)
    git(repo, "add", "a.c")
    assert run("git", "commit", "-q", "-m", "a", cwd=repo).returncode == 0
    (repo / "a.c").write_text(BALANCED + UNBALANCED_ADDITION)
    git(repo, "add", "a.c")
    blocked = run("git", "commit", "-q", "-m", "b", cwd=repo)
    assert blocked.returncode == 1 and "take_hit" in blocked.stdout + blocked.stderr
    # a second install over a foreign hook is refused, not overwritten
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")
    again = run(*PGTOOL, "hook", "install", "--repo", str(repo))
    assert again.returncode == 2 and "already exists" in again.stderr
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
