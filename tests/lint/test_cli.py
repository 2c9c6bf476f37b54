"""`pgtool lint-locks` end to end: exit codes, bad input, diff mode on a real
git history, rules added as data, the flags hook, cache and -j agreement."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner


REPO = Path(__file__).resolve().parents[2]
CASES = Path(__file__).parent / "cases"
SEED = REPO / "tests" / "fixtures" / "seed-2.1.132"


def pgtool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / ".venv" / "bin" / "pgtool"), *args], capture_output=True, text=True)


def test_exit_codes_and_error_line(tmp_path):
    clean = tmp_path / "clean.c"
    clean.write_text("void f(spinlock_t *l)\n{\n\tspin_lock(l);\n\tspin_unlock(l);\n}\n")
    assert pgtool("lint-locks", "--no-cache", str(clean)).returncode == 0
    buggy = pgtool("lint-locks", "--no-cache", str(SEED / "mm" / "memory.c"))
    assert buggy.returncode == 1
    assert "do_wp_page: 'kernel_lock' released on some paths but not others [inconsistent-exit]" in buggy.stdout
    missing = pgtool("lint-locks", str(tmp_path / "nope.c"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"pgtool: error: {tmp_path / 'nope.c'}: no such file or directory"
    assert "Traceback" not in missing.stderr
    both = pgtool("lint-locks", "--base", "HEAD", "--patch", "x.patch")
    assert both.returncode == 2 and "exclusive" in both.stderr


def test_bad_rules_file_is_a_one_line_error(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    (rules / "locks.toml").write_text('[class.x]\nkind = "sometimes"\narg = 0\n')
    run = pgtool("lint-locks", "--no-cache", "--rules", str(rules), str(CASES / "bkl.c"))
    assert run.returncode == 2
    assert "locks.toml" in run.stderr and "kind must be" in run.stderr and "Traceback" not in run.stderr


def test_user_adds_a_lock_api_as_data(tmp_path):
    """A lock API the defaults do not know becomes checkable by editing TOML only."""
    src = tmp_path / "drv.c"
    src.write_text(
        "int f(struct dev *d)\n{\n\tmy_dev_lock(d);\n\tif (d->err)\n\t\treturn -EIO;\n"
        "\tmy_dev_unlock(d);\n\treturn 0;\n}\n")
    assert pgtool("lint-locks", "--no-cache", str(src)).returncode == 0
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    with open(rules / "locks.toml", "a") as handle:
        handle.write('\n[class.mydev]\nkind = "binary"\narg = 0\n'
                     '[[op]]\nclass = "mydev"\naction = "acquire"\nnames = ["my_dev_lock"]\n'
                     '[[op]]\nclass = "mydev"\naction = "release"\nnames = ["my_dev_unlock"]\n')
    run = pgtool("lint-locks", "--no-cache", "--rules", str(rules), str(src))
    assert run.returncode == 1
    assert f"{src}:5:3: warning: f: 'd' held on some return paths but not others [inconsistent-exit]" in run.stdout


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"})


def test_base_reports_introduced_and_fixed(tmp_path):
    repo = tmp_path / "k"
    (repo / "mm").mkdir(parents=True)
    good = (CASES / "goto_unwind.c").read_text()
    (repo / "mm" / "a.c").write_text(good)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    # introduce a leak in unwind_ok, and fix early_return_leak; an untouched
    # function's existing bug (unwind_missing_unlock) must not be reported
    text = good.replace("\t\tgoto out_unlock;\n\terr = start(d);",
                        "\t\treturn err;\n\terr = start(d);", 1)
    text = text.replace("\tif (d->state < 0)\n\t\treturn -EINVAL;\t/* expect: inconsistent-exit &d->lock */",
                        "\tif (d->state < 0) {\n\t\tspin_unlock(&d->lock);\n\t\treturn -EINVAL;\n\t}", 1)
    assert text != good
    (repo / "mm" / "a.c").write_text(text)
    run = CliRunner().invoke(main_cmd(), ["lint-locks", "--tree", str(repo), "--base", "HEAD", "--format", "json",
                                          "--no-cache"])
    assert run.exit_code == 1, run.output
    doc = json.loads(run.stdout)
    assert [(f["function"], f["check"]) for f in doc["findings"]] == [("unwind_ok", "inconsistent-exit")]
    assert [(f["function"], f["check"]) for f in doc["fixed"]] == [("early_return_leak", "inconsistent-exit")]
    # a new file is part of the change once git knows of it (git add -N), not while untracked:
    # a scratch file must not block a commit it is not part of
    (repo / "mm" / "new.c").write_text("int leak(struct dev *d)\n{\n\tspin_lock(&d->lock);\n"
                                       "\tif (d->state)\n\t\treturn -EIO;\n\tspin_unlock(&d->lock);\n"
                                       "\treturn 0;\n}\n")
    for add, want in ((False, [("unwind_ok", "inconsistent-exit")]),
                      (True, [("leak", "inconsistent-exit"), ("unwind_ok", "inconsistent-exit")])):
        if add:
            _git(repo, "add", "-N", "mm/new.c")
        run = CliRunner().invoke(main_cmd(), ["lint-locks", "--tree", str(repo), "--base", "HEAD", "--format",
                                              "json", "--no-cache"])
        assert sorted((f["function"], f["check"]) for f in json.loads(run.stdout)["findings"]) == want


def main_cmd():
    from pgtool.cli import cli
    return cli


def test_only_flags_goes_through_the_family_hook():
    from pgtool.lint import checks
    assert checks.load_family("flags") is not None
    run = pgtool("lint-locks", "--no-cache", "--only", "flags", str(SEED / "mm" / "memory.c"))
    assert run.returncode in (0, 1)
    assert "[inconsistent-exit]" not in run.stdout     # the lock family did not run


def test_cache_and_jobs_give_identical_results(tmp_path):
    from pgtool.lint.run import Settings, lint_paths

    files = [str(p) for p in sorted(CASES.glob("*.c"))]
    plain = lint_paths(files, Settings(jobs=1))
    cold = lint_paths(files, Settings(jobs=2, cache_dir=str(tmp_path)))
    warm = lint_paths(files, Settings(jobs=2, cache_dir=str(tmp_path)))
    key = lambda r: sorted(f.to_dict()["fingerprint"] + str(f.line) for f in r.findings)  # noqa: E731
    assert key(plain) == key(cold) == key(warm)
    assert plain.functions == warm.functions > 40
    assert any(tmp_path.rglob("*.pickle"))


def _unlock_deleted(tmp_path: Path, kernel_tree: Path, rel: str, func: str, unlock: str) -> tuple[Path, Path]:
    """A git repo holding the real `rel`, committed, then `unlock` deleted from
    `func` in the working tree (a release forgotten by an edit)."""
    repo = tmp_path / "k"
    path = repo / rel
    path.parent.mkdir(parents=True)
    real = (kernel_tree / rel).read_text(errors="surrogateescape")
    at = real.index(func)
    cut = real.index(unlock, at)
    assert cut < real.index("\n}\n", at), "the release must be inside the function"
    path.write_text(real, errors="surrogateescape")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    path.write_text(real[:cut] + real[cut + len(unlock):], errors="surrogateescape")
    return repo, path


def _lock_findings(*args: str) -> tuple[int, list[dict]]:
    run = pgtool("lint-locks", "--no-cache", "--format", "json", "--only", "locks", *args)
    assert "Traceback" not in run.stderr
    return run.returncode, json.loads(run.stdout)["findings"]


def test_diff_confirms_a_contract_note_the_change_brings(tmp_path, kernel_tree):
    """A deleted unlock that leaves a real function returning with its
    argument's lock held: a whole-file run cannot tell it from a lock wrapper
    (a note); the diff, where the function was balanced before, warns."""
    repo, path = _unlock_deleted(tmp_path, kernel_tree, "mm/swapfile.c",
                                 "static void reinsert_swap_info(struct swap_info_struct *p)\n{\n",
                                 "\tspin_unlock(&p->lock);\n")
    _, whole = _lock_findings(str(path))
    mine = [f for f in whole if f["function"] == "reinsert_swap_info"]
    assert [(f["check"], f["severity"], f["subject"]) for f in mine] == [("held-at-exit", "note", "&p->lock")]

    code, found = _lock_findings("--tree", str(repo), "--base", "HEAD")
    assert code == 1
    assert [(f["function"], f["check"], f["severity"], f["subject"]) for f in found] == \
        [("reinsert_swap_info", "held-at-exit", "warning", "&p->lock")]
    assert any("no such finding before this change" in d for d in found[0]["details"])


def test_diff_reports_a_function_named_like_a_wrapper_that_now_holds_a_lock(tmp_path, kernel_tree):
    """get_partial_node() ('get', returning an object) reads like a lookup that
    may return holding the lock, so a whole-file run takes the mutant for a
    lock-on-success function and says nothing. The diff knows better: the
    base function handed no lock to its callers."""
    repo, path = _unlock_deleted(tmp_path, kernel_tree, "mm/slub.c", "static void *get_partial_node(",
                                 "\tspin_unlock_irqrestore(&n->list_lock, flags);\n")
    _, whole = _lock_findings(str(path))
    assert not [f for f in whole if f["function"] == "get_partial_node"]

    code, found = _lock_findings("--tree", str(repo), "--base", "HEAD")
    assert code == 1
    assert [(f["function"], f["check"], f["severity"], f["subject"]) for f in found] == \
        [("get_partial_node", "held-at-exit", "warning", "&n->list_lock")]
    assert "it was not before this change" in found[0]["message"]


def test_local_header_helpers_are_summarised_not_reported(tmp_path):
    """Static inline lock helpers in a header the file includes with quotes are the file's
    code: a leak through them is found and a balanced use is clean. The helper reaches its lock
    through a getter call (ext4_lock_group's shape), so both helpers must name the same lock.
    The header's own findings are not reported: it is not one of the files linted."""
    (tmp_path / "grp.h").write_text(
        "struct grp { spinlock_t lock; };\n"
        "struct sbi { struct grp *groups; int x; };\n"
        "static inline spinlock_t *grp_lock_ptr(struct sbi *sb, int group)\n"
        "{\n\treturn &sb->groups[group].lock;\n}\n"
        "static inline void grp_lock(struct sbi *sb, int group)\n"
        "{\n\tspinlock_t *lock = grp_lock_ptr(sb, group);\n\n"
        "\tif (!spin_trylock(lock))\n\t\tspin_lock(lock);\n}\n"
        "static inline void grp_unlock(struct sbi *sb, int group)\n"
        "{\n\tspin_unlock(grp_lock_ptr(sb, group));\n}\n"
        "static inline int header_leak(spinlock_t *l, int x)\n"
        "{\n\tspin_lock(l);\n\tif (x)\n\t\treturn 1;\n\tspin_unlock(l);\n\treturn 0;\n}\n")
    source = tmp_path / "grp.c"
    source.write_text(
        '#include "grp.h"\n\n'
        "int balanced(struct sbi *sb, int g)\n"
        "{\n\tgrp_lock(sb, g);\n\tsb->x = 1;\n\tgrp_unlock(sb, g);\n\treturn 0;\n}\n\n"
        "int leaks(struct sbi *sb, int g)\n"
        "{\n\tgrp_lock(sb, g);\n\tif (sb->x)\n\t\treturn -EIO;\n\tgrp_unlock(sb, g);\n\treturn 0;\n}\n")
    code, findings = _lock_findings(str(source))
    got = {(f["function"], f["check"], f["severity"]) for f in findings}
    assert got == {("leaks", "inconsistent-exit", "warning")}, findings
    assert code == 1
    assert all(f["file"].endswith("grp.c") for f in findings)


def test_sched_core_pairs_task_rq_lock_with_the_header_unlock(kernel_tree):
    """kernel/sched/core.c takes p->pi_lock with task_rq_lock() (its own) and drops it with
    task_rq_unlock(), a static inline of the "sched.h" it includes: no finding on those."""
    code, findings = _lock_findings("--tree", str(kernel_tree), "kernel/sched/core.c")
    named = {f["function"] for f in findings if f["severity"] == "warning"}
    for func in ("set_user_nice", "task_sched_runtime", "sched_rr_get_interval", "__sched_setscheduler"):
        assert func not in named, [f for f in findings if f["function"] == func]
