"""`pgtool boot-check` on a careless or hostile machine: every problem is found
before a build starts, reported as one line with exit 2, and `--json` still
gets a result with verdict `error`.

The tree here is a stand-in (a top-level Makefile and arch/x86): every check
under test runs before make would ever read it, and if one did not, make
would start in a build folder the tests look for.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .sandbox import one_error_line

REPO = Path(__file__).resolve().parents[2]
PGTOOL = [sys.executable, "-m", "pgtool"]
BIN_DIRS = ("/usr/local/bin", "/usr/bin", "/bin")


def fake_tree(where: Path) -> Path:
    where.mkdir(parents=True)
    (where / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\n")
    (where / "arch" / "x86").mkdir(parents=True)
    return where


def boot_check(*args: str, cache: Path, path: str | None = None, cwd: Path | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, PGTOOL_CACHE=os.fsdecode(cache))
    env.pop("PGTOOL_RULES", None)
    if path is not None:
        env["PATH"] = path
    return subprocess.run([*PGTOOL, "boot-check", "-q", *args], capture_output=True, env=env, cwd=cwd,
                          timeout=timeout)


def error_json(path: Path) -> dict:
    doc = json.loads(path.read_bytes().decode("utf-8"))   # strict UTF-8
    assert doc["verdict"] == "error" and doc["exit_code"] == 2
    return doc


def nothing_built(cache: Path) -> bool:
    return not (cache / "build").exists() or not any((cache / "build").iterdir())


def path_without(tmp_path: Path, *left_out: str) -> str:
    """A PATH of one folder holding links to every program of this machine but `left_out`."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for directory in BIN_DIRS:
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            if entry.name in left_out or os.path.lexists(folder / entry.name):
                continue
            os.symlink(entry.path, folder / entry.name)
    return str(folder)


# -- an unusable cache folder is a machine problem ---------------------------------------------------

@pytest.mark.parametrize("shape", ["parent-is-a-file", "cache-is-a-file"])
def test_unusable_cache_folder_is_exit_2_with_json(tmp_path, shape):
    tree = fake_tree(tmp_path / "linux")
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file\n")
    cache = blocker / "cache" if shape == "parent-is-a-file" else blocker
    out = tmp_path / "result.json"
    proc = boot_check("--tree", str(tree), "--json", str(out), cache=cache)
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert str(cache) in line and "cannot be used" in line
    doc = error_json(out)
    assert doc["class"] == "infrastructure" and str(cache) in doc["headline"]


# -- every program is checked before anything is built ------------------------------------------------

MISSING = [("qemu-system-i386", "qemu-system-x86"), ("make", "make"), ("bc", "bc"), ("flex", "flex")]


@pytest.mark.parametrize("program,package", MISSING, ids=[m[0] for m in MISSING])
def test_missing_program_is_named_before_any_build(tmp_path, program, package):
    tree = fake_tree(tmp_path / "linux")
    cache = tmp_path / "cache"
    out = tmp_path / "result.json"
    started = time.monotonic()
    proc = boot_check("--tree", str(tree), "--json", str(out), cache=cache, path=path_without(tmp_path, program))
    assert time.monotonic() - started < 30
    assert proc.returncode == 2
    line = one_error_line(proc)
    assert line == f"pgtool: error: {program} not found (install Debian's {package})"
    assert error_json(out)["class"] == "infrastructure"
    assert nothing_built(cache)


def test_missing_cross_binutils_are_named(tmp_path):
    from pgtool.boot.toolchain import find_toolchain

    toolchain = find_toolchain()
    assert toolchain.cross_compile, "the set-up installs gcc-i686-linux-gnu, the cross compiler boot-check uses"
    objcopy = toolchain.cross_compile + "objcopy"
    tree = fake_tree(tmp_path / "linux")
    cache = tmp_path / "cache"
    proc = boot_check("--tree", str(tree), cache=cache, path=path_without(tmp_path, objcopy))
    assert proc.returncode == 2
    assert f"{objcopy} not found (install Debian's binutils-" in one_error_line(proc)
    assert nothing_built(cache)


def test_required_programs_follow_the_kernel_compression(tmp_path):
    from pgtool.boot import config as kconfig
    from pgtool.boot.toolchain import find_toolchain, required_programs

    tree = fake_tree(tmp_path / "linux")
    (tree / "kernel" / "configs").mkdir(parents=True)
    (tree / "kernel" / "configs" / "tiny.config").write_text("# CONFIG_KERNEL_GZIP is not set\nCONFIG_KERNEL_XZ=y\n")
    assert kconfig.compression(tree, kconfig.resolve("tiny")) == "XZ"
    fragment = tmp_path / "zstd.config"
    fragment.write_text("CONFIG_KERNEL_ZSTD=y\n")
    spec = kconfig.resolve(str(fragment))
    assert kconfig.compression(tree, spec) == "ZSTD"
    names = [name for name, _ in required_programs(find_toolchain(), tree, "ZSTD")]
    assert "zstd" in names and "xz" not in names and "make" in names


# -- bad input is refused before the build, with the JSON written -------------------------------------

def test_bad_fragment_line_is_refused_before_the_build(tmp_path):
    tree = fake_tree(tmp_path / "linux")
    cache = tmp_path / "cache"
    fragment = tmp_path / "mine.config"
    fragment.write_text("CONFIG_PRINTK=y\nrubbish\n")
    out = tmp_path / "result.json"
    proc = boot_check("--tree", str(tree), "--config", str(fragment), "--json", str(out), cache=cache)
    assert proc.returncode == 2
    assert f"{fragment}:2: not a Kconfig line" in one_error_line(proc)
    assert error_json(out)["class"] == "input"
    assert nothing_built(cache)


def test_unwritable_json_path_is_refused_before_the_build(tmp_path):
    tree = fake_tree(tmp_path / "linux")
    cache = tmp_path / "cache"
    proc = boot_check("--tree", str(tree), "--json", str(tmp_path / "no" / "such" / "r.json"), cache=cache)
    assert proc.returncode == 2
    assert str(tmp_path / "no" / "such") in one_error_line(proc)
    assert not (cache / "build").exists()


def test_unusable_keep_folder_is_refused_before_the_build(tmp_path):
    tree = fake_tree(tmp_path / "linux")
    cache = tmp_path / "cache"
    (tmp_path / "file").write_text("x")
    out = tmp_path / "result.json"
    proc = boot_check("--tree", str(tree), "--keep", str(tmp_path / "file" / "keep"), "--json", str(out),
                      cache=cache)
    assert proc.returncode == 2
    assert "--keep folder cannot be used" in one_error_line(proc)
    assert error_json(out)["class"] == "input"


@pytest.mark.parametrize("damage", ["folder", "not-utf8", "not-toml", "pattern-is-a-string", "bad-regex",
                                    "no-class", "settle-not-a-number"])
def test_damaged_console_rules_are_one_line(tmp_path, damage):
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    console = rules / "console.toml"
    console.unlink()
    if damage == "folder":
        console.mkdir()
    elif damage == "not-utf8":
        console.write_bytes(b'[settings]\nignore = ["caf\xe9"]\n')
    elif damage == "not-toml":
        console.write_text("[[pattern]\n")
    elif damage == "pattern-is-a-string":
        console.write_text('pattern = "panic"\n')
    elif damage == "bad-regex":
        console.write_text("[[pattern]]\nclass = 'panic'\nregex = 'Kernel panic ('\n")
    elif damage == "no-class":
        console.write_text("[[pattern]]\nregex = 'Kernel panic'\n")
    else:
        console.write_text("[settings]\nsettle_seconds = 'soon'\n[[pattern]]\nclass = 'panic'\nregex = 'x'\n")
    env = dict(os.environ, PGTOOL_RULES=str(rules), PGTOOL_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run([*PGTOOL, "boot-check", "-q", "--tree", str(fake_tree(tmp_path / "linux"))],
                          capture_output=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert str(console) in one_error_line(proc)


def test_missing_rules_folder_is_an_error_not_a_fallback(tmp_path):
    env = dict(os.environ, PGTOOL_RULES=str(tmp_path / "nowhere"), PGTOOL_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run([*PGTOOL, "boot-check", "-q", "--tree", str(fake_tree(tmp_path / "linux"))],
                          capture_output=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert f"{tmp_path / 'nowhere'}: rules directory not found" in one_error_line(proc)


# -- a tree whose name is not UTF-8 --------------------------------------------------------------------

def test_tree_name_not_utf8_gives_valid_json(tmp_path):
    tree = fake_tree(Path(os.fsdecode(os.fsencode(tmp_path) + b"/linux-caf\xe9")))
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = tmp_path / "result.json"
    proc = boot_check("--tree", os.fsdecode(tree), "--json", str(out), cache=blocker / "cache")
    assert proc.returncode == 2
    one_error_line(proc)
    doc = error_json(out)
    assert doc["tree"].endswith("linux-caf\\xe9")
