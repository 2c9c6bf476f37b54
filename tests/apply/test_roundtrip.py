"""Acceptance 2: real 6.1 files, edited, diffed, archive-damaged, applied back.

Each patch is made from 1-3 kernel-style edits of a real file of Debian's
linux-source-6.1 (see damage.py), diffed, and damaged like the seed mail.
Every result must be token-identical to the author's file (or the apply must
be refused with the file untouched); at least 95% must be byte-identical,
which measures the indentation re-inference.
"""

from __future__ import annotations

import random
import shutil

import pytest

from pgtool.apply import engine
from pgtool.errors import PgtoolError

from .damage import clean_diff, damage, edit_file
from .helpers import c_tokens

DIRS = ["mm", "kernel", "fs/ext4", "lib", "net/ipv4", "drivers/base"]
SEEDS = range(0, 1000)  # about 840 patches; seeds 646 and 878 once caught real bugs


@pytest.fixture(scope="module")
def kernel_files(kernel_tree):
    return sorted(str(p.relative_to(kernel_tree)) for d in DIRS for p in (kernel_tree / d).glob("*.c"))


def test_damaged_round_trip(kernel_tree, kernel_files, tmp_path):
    stats = {"patches": 0, "token": 0, "byte": 0, "refused": 0}
    not_byte = []
    for seed in SEEDS:
        rng = random.Random(seed)
        rel = rng.choice(kernel_files)
        old = (kernel_tree / rel).read_text(errors="surrogateescape")
        new = edit_file(old, rng)
        if new is None:
            continue
        stats["patches"] += 1
        mail = damage(clean_diff(rel, old, new), rel, rng)
        tree = tmp_path / f"t{seed}"
        (tree / rel).parent.mkdir(parents=True)
        (tree / rel).write_text(old, errors="surrogateescape")
        patch = tmp_path / f"p{seed}.mail"
        patch.write_text(mail, errors="surrogateescape")
        try:
            code = engine.apply_patches([str(patch)], tree, engine.Options()).exit_code
        except PgtoolError:
            code = 2
        got = (tree / rel).read_text(errors="surrogateescape")
        if code != 0:
            stats["refused"] += 1
            assert got == old, f"seed {seed}: refused but the file changed"
        else:
            assert c_tokens(got) == c_tokens(new), f"seed {seed} ({rel}): wrong result"
            stats["token"] += 1
            if got == new:
                stats["byte"] += 1
            else:
                not_byte.append((seed, rel))
        shutil.rmtree(tree)
    print("round trip:", stats, "not byte-identical:", not_byte)
    assert stats["patches"] >= 200
    assert stats["token"] == stats["patches"], f"refusals: {stats['refused']}"
    assert stats["byte"] >= 0.95 * stats["patches"]


def test_round_trip_through_the_cli_and_emit_fixed(kernel_tree, kernel_files, tmp_path):
    """A few of the same patches through the command: --emit-fixed is clean for git apply."""
    import subprocess

    from .helpers import run_pgtool

    done = 0
    for seed in range(1000, 1040):
        rng = random.Random(seed)
        rel = rng.choice(kernel_files)
        old = (kernel_tree / rel).read_text()
        new = edit_file(old, rng)
        if new is None:
            continue
        tree = tmp_path / f"c{seed}"
        (tree / rel).parent.mkdir(parents=True)
        (tree / rel).write_text(old)
        patch = tmp_path / f"c{seed}.mail"
        patch.write_text(damage(clean_diff(rel, old, new), rel, rng))
        fixed = tmp_path / f"c{seed}.fixed"
        proc = run_pgtool("apply", "--check", "--tree", str(tree), str(patch), "--emit-fixed", str(fixed))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert (tree / rel).read_text() == old
        subprocess.run(["git", "apply", str(fixed)], cwd=tree, check=True)
        assert c_tokens((tree / rel).read_text()) == c_tokens(new)
        done += 1
        if done == 5:
            break
    assert done == 5
