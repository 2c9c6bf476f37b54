"""Fast checks of the boot-check stages on real inputs (no kernel build)."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from pgtool.boot import config as kconfig
from pgtool.boot.build import check_tree, first_error
from pgtool.boot.initramfs import MARKER, Entry, compile_init, newc
from pgtool.boot.toolchain import find_toolchain
from pgtool.boot.verdict import ConsoleRules, classify
from pgtool.errors import UserError

from .conftest import DATA, PGTOOL


def test_newc_archive_is_read_by_gnu_cpio(tmp_path):
    archive = newc([Entry("dev", stat.S_IFDIR | 0o755),
                    Entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)),
                    Entry("init", stat.S_IFREG | 0o755, b"#!x\n12345")])
    listing = subprocess.run(["cpio", "-itv"], input=archive, capture_output=True, check=True).stdout.decode()
    lines = listing.splitlines()
    assert [line.split()[-1] for line in lines] == ["dev", "dev/console", "init"]
    assert lines[1].startswith("crw-------") and "5,   1" in lines[1]
    subprocess.run(["cpio", "-id", "--no-absolute-filenames", "init"], input=archive, cwd=tmp_path,
                   capture_output=True, check=True)
    assert (tmp_path / "init").read_bytes() == b"#!x\n12345"


def test_init_is_a_static_i386_executable_carrying_the_marker(tmp_path):
    init = compile_init(find_toolchain(), tmp_path / "init")
    data = init.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 1          # ELF, 32-bit
    assert int.from_bytes(data[18:20], "little") == 3        # EM_386
    assert MARKER.encode() in data
    readelf = subprocess.run(["readelf", "-l", str(init)], capture_output=True, text=True).stdout
    assert "INTERP" not in readelf and "DYNAMIC" not in readelf


def test_fragment_lines_are_parsed_and_bad_ones_named(tmp_path):
    frag = tmp_path / "extra.config"
    frag.write_text('# comment\nCONFIG_FOO=y\n# CONFIG_BAR is not set\nCONFIG_CMDLINE="a b"\nrubbish\n')
    with pytest.raises(UserError) as err:
        kconfig.parse_fragment(frag)
    assert err.value.path == str(frag) and err.value.line == 5
    frag.write_text('CONFIG_FOO=y\n# CONFIG_BAR is not set\nCONFIG_CMDLINE="a b"\n')
    options = {o.name: o for o in kconfig.parse_fragment(frag)}
    assert options["CONFIG_FOO"].value == "y" and options["CONFIG_BAR"].value == "n"
    assert options["CONFIG_CMDLINE"].line == 3


def test_verify_reports_dropped_options_by_name(tmp_path):
    frag = tmp_path / "want.config"
    frag.write_text("CONFIG_PRINTK=y\nCONFIG_KASAN=y\nCONFIG_LOG_BUF_SHIFT=17\n# CONFIG_SMP is not set\n")
    dotconfig = tmp_path / ".config"
    dotconfig.write_text("CONFIG_PRINTK=y\n# CONFIG_KASAN is not set\nCONFIG_LOG_BUF_SHIFT=14\nCONFIG_SMP=y\n")
    spec = kconfig.ConfigSpec("want", [frag])
    bad = {m.option.name: m for m in kconfig.verify(dotconfig, kconfig.requested(spec))}
    assert set(bad) == {"CONFIG_KASAN", "CONFIG_LOG_BUF_SHIFT", "CONFIG_SMP"}
    assert bad["CONFIG_LOG_BUF_SHIFT"].actual == "14"
    assert f"{frag}:2: CONFIG_KASAN=y requested" in bad["CONFIG_KASAN"].message()


def test_unknown_config_name_is_a_user_error():
    with pytest.raises(UserError, match="unknown config 'huge'"):
        kconfig.resolve("huge")


def test_named_configs_ship_their_fragments():
    debug = kconfig.requested(kconfig.resolve("debug"))
    assert debug["CONFIG_PROVE_LOCKING"].strict and debug["CONFIG_PANIC_TIMEOUT"].value == "-1"
    assert not debug["CONFIG_PRINTK"].strict  # base fragment: reported, not fatal


def test_old_tree_is_refused_with_one_line(tmp_path):
    # The top of the real 2.1.132 Makefile.
    (tmp_path / "Makefile").write_text("VERSION = 2\nPATCHLEVEL = 1\nSUBLEVEL = 132\n\nARCH = i386\n")
    with pytest.raises(UserError, match=r"Linux 2\.1\.132 cannot be built here"):
        check_tree(tmp_path)
    proc = subprocess.run([*PGTOOL, "boot-check", "--tree", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"pgtool: error: {tmp_path}/Makefile:1: Linux 2.1.132 cannot be built")
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_first_error_prefers_the_compiler_and_strips_the_tree(tmp_path):
    tree = tmp_path / "linux"
    log = (f"  CC      mm/filemap.o\n"
           f"{tree}/mm/filemap.c: In function 'x':\n"
           f"{tree}/mm/filemap.c:120:9: error: expected ';' before 'return'\n"
           f"make[3]: *** [{tree}/scripts/Makefile.build:250: mm/filemap.o] Error 1\n")
    err = first_error(log, tree)
    assert err.headline == "mm/filemap.c:120:9: error: expected ';' before 'return'"
    assert (err.file, err.line) == ("mm/filemap.c", 120)
    link = first_error("ld: vmlinux.o: in function `f':\nfoo.c:(.text+0x1): undefined reference to `bar'\n", tree)
    assert link.file is None and "undefined reference to `bar'" in link.headline


CONSOLE = DATA / "console"


@pytest.mark.parametrize("log, cls, headline", [
    ("panic.log", "panic", "Kernel panic - not syncing: pgtool_test: panic requested"),
    ("bug.log", "bug", "kernel BUG at init/pgtool_test.c"),
    ("warn.log", "warning", "WARNING: CPU: 0 PID: 1 at init/pgtool_test.c"),
    ("lockdep_double.log", "lockdep", "WARNING: possible recursive locking detected"),
    ("lockdep_unbalanced.log", "lockdep", "WARNING: bad unlock balance detected!"),
    ("oops.log", "oops", "BUG: kernel NULL pointer dereference"),
    ("bad_page.log", "bad-page-state", "BUG: Bad page state in process swapper/0"),
    ("sleep_atomic.log", "sleep-in-atomic", "BUG: scheduling while atomic"),
])
def test_recorded_consoles_are_classified(log, cls, headline):
    """Consoles recorded from real boots of the test kernel (tests/boot/data/console)."""
    rules = ConsoleRules.load()
    lines = (CONSOLE / log).read_text().splitlines(keepends=True)
    verdict = classify(lines, rules, MARKER, ended="exited")
    assert (verdict.verdict, verdict.cls) == ("fail", cls)
    assert verdict.headline.startswith(headline)
    assert "pgtool_test_init" in verdict.excerpt  # the call trace comes with it


def test_root_report_wins_over_the_panic_it_causes():
    rules = ConsoleRules.load()
    lines = (CONSOLE / "bug.log").read_text().splitlines(keepends=True)
    assert any("Kernel panic - not syncing" in line for line in lines)
    assert classify(lines, rules, MARKER, ended="exited").cls == "bug"


def test_marker_without_report_passes_and_silence_is_no_console():
    rules = ConsoleRules.load()
    good = ["[    0.000000] Linux version 6.1\n", f"{MARKER} reached userspace on Linux 6.1\n"]
    assert classify(good, rules, MARKER, ended="exited").verdict == "pass"
    assert classify([], rules, MARKER, ended="no-output").cls == "no-console"
    hang = classify(good[:1], rules, MARKER, ended="timeout")
    assert (hang.cls, hang.verdict) == ("hang", "fail")
    assert classify(good[:1], rules, MARKER, ended="exited", guest_panicked=True).cls == "panic"


def test_a_user_rule_file_adds_a_pattern(tmp_path):
    text = (Path(__file__).resolve().parents[2] / "rules" / "console.toml").read_text()
    (tmp_path / "console.toml").write_text(text + '\n[[pattern]]\nclass = "oom"\nregex = "Out of memory: Killed process"\n')
    rules = ConsoleRules.load(tmp_path)
    lines = ["[    1.0] Out of memory: Killed process 1 (init)\n", f"{MARKER}\n"]
    assert classify(lines, rules, MARKER, ended="exited").cls == "oom"


def test_error_inside_a_header_macro_names_the_use_site(tmp_path):
    """Real gcc output: the error is reported in the header, the patch is in the .c file."""
    tree = tmp_path / "linux"
    (tree / "include").mkdir(parents=True)
    (tree / "mm").mkdir()
    (tree / "include" / "state.h").write_text("#define STATE(name) struct state name = { 1 } 2\n")
    (tree / "mm" / "user.c").write_text('#include "state.h"\nstruct state { int x; };\n'
                                        "void f(void)\n{\n\tSTATE(s);\n}\n")
    proc = subprocess.run([*find_toolchain().cc_argv(), "-c", "-I", str(tree / "include"),
                           "-o", "/dev/null", str(tree / "mm" / "user.c")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode != 0
    err = first_error(proc.stderr, tree)
    assert (err.file, err.line) == ("include/state.h", 1)
    assert err.headline.endswith("(in macro STATE used at mm/user.c:5)")
