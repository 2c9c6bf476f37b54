"""Flag families recovered from real headers (issue 5, acceptance 2 and part of 1).

The oracles are independent of pgtool's header reader: Universal Ctags lists
the enum members, gcc computes their values, and the generator invocations
(`PAGEFLAG(Uptodate, uptodate, ...)`) are read with a plain regex.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from pgtool.lint.flags import audited_flags, bit_collisions, header_findings, unpaired_accessors
from pgtool.lint.flags_family import load_bitops, load_families, recover_family, scan_header, strip_comments
from pgtool.rules import load_rules

REPO = Path(__file__).resolve().parents[2]
SEED_TREE = REPO / "tests" / "fixtures" / "seed-2.1.132"


@pytest.fixture(scope="module")
def rules():
    return load_rules("flags")


@pytest.fixture(scope="module")
def page61(kernel_tree, rules):
    fams = {f.name: f for f in load_families(rules, kernel_tree, only_era="6.x")}
    return fams["page"]


def _spec(rules, name):
    return next(f for f in rules["family"] if f["name"] == name)


def _ctags_enum(path: Path, tag: str) -> list[str]:
    out = subprocess.run(["ctags", "--output-format=json", "--kinds-C=e", "--fields=+s", "-o", "-", str(path)],
                         check=True, capture_output=True, text=True).stdout
    names = []
    for line in out.splitlines():
        rec = json.loads(line)
        if rec.get("scope") == tag:
            names.append(rec["name"])
    return names


def _gcc_enum_values(header: Path, tag: str, names: list[str], tmp_path: Path) -> dict[str, int]:
    """Compile the enum (every #ifdef branch taken) and print each member's value."""
    text = header.read_text()
    m = re.search(r"enum\s+" + tag + r"\s*\{.*?\n\};", text, re.S)
    body = re.sub(r"^#\s*(ifdef|ifndef|if|elif|else|endif).*$", "", m.group(0), flags=re.M)
    prog = tmp_path / "e.c"
    prog.write_text("#include <stdio.h>\n" + body + "\nint main(void){\n"
                    + "".join(f'printf("{n} %d\\n", (int){n});\n' for n in names) + "return 0;}\n")
    exe = tmp_path / "e"
    subprocess.run(["gcc", "-o", str(exe), str(prog)], check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    return {a: int(b) for a, b in (line.split() for line in out.splitlines())}


@pytest.mark.slow
def test_page_flags_members_match_enum(page61, kernel_tree, tmp_path):
    header = kernel_tree / "include/linux/page-flags.h"
    ctags = [n for n in _ctags_enum(header, "pageflags") if n.startswith("PG_")]
    found = sorted(page61.members)
    print(f"{len(found)} page flags recovered: {' '.join(found)}")
    assert sorted(ctags) == found
    values = _gcc_enum_values(header, "pageflags", found, tmp_path)
    assert {n: m.bit for n, m in page61.members.items()} == values
    # aliases are recorded as such (they share a bit on purpose)
    assert page61.members["PG_checked"].alias_of == "PG_owner_priv_1"
    assert page61.canonical("PG_fscache") == "PG_private_2"


@pytest.mark.slow
def test_generated_accessors_follow_invocations(page61, kernel_tree):
    """Every PAGEFLAG-style invocation yields the accessors its macro defines."""
    text = strip_comments((kernel_tree / "include/linux/page-flags.h").read_text())
    expect = {
        "TESTPAGEFLAG": [("Page{U}", "test"), ("folio_test_{l}", "test")],
        "SETPAGEFLAG": [("SetPage{U}", "set"), ("folio_set_{l}", "set")],
        "CLEARPAGEFLAG": [("ClearPage{U}", "clear"), ("folio_clear_{l}", "clear")],
        "__SETPAGEFLAG": [("__SetPage{U}", "set"), ("__folio_set_{l}", "set")],
        "__CLEARPAGEFLAG": [("__ClearPage{U}", "clear"), ("__folio_clear_{l}", "clear")],
        "TESTSETFLAG": [("TestSetPage{U}", "test_and_set"), ("folio_test_set_{l}", "test_and_set")],
        "TESTCLEARFLAG": [("TestClearPage{U}", "test_and_clear"), ("folio_test_clear_{l}", "test_and_clear")],
    }
    expect["PAGEFLAG"] = expect["TESTPAGEFLAG"] + expect["SETPAGEFLAG"] + expect["CLEARPAGEFLAG"]
    expect["__PAGEFLAG"] = expect["TESTPAGEFLAG"] + expect["__SETPAGEFLAG"] + expect["__CLEARPAGEFLAG"]
    expect["TESTSCFLAG"] = expect["TESTSETFLAG"] + expect["TESTCLEARFLAG"]
    checked = 0
    for m in re.finditer(r"^\s*(__PAGEFLAG|PAGEFLAG|TESTPAGEFLAG|SETPAGEFLAG|CLEARPAGEFLAG|__SETPAGEFLAG|"
                         r"__CLEARPAGEFLAG|TESTSETFLAG|TESTCLEARFLAG|TESTSCFLAG)\((\w+),\s*(\w+),", text, re.M):
        gen, upper, lower = m.groups()
        if upper == "uname":
            continue        # a line of a generator's own definition
        for template, op in expect[gen]:
            name = template.replace("{U}", upper).replace("{l}", lower)
            acc = page61.accessors.get(name)
            assert acc is not None, f"{name} from {gen}({upper}, {lower}) not recovered"
            assert (acc.op, acc.flag, acc.arg) == (op, f"PG_{lower}", 0), name
            checked += 1
    assert checked > 150
    # hand-written inline accessors count too
    assert page61.accessors["folio_mark_uptodate"].op == "set"
    assert page61.accessors["SetPageUptodate"].flag == "PG_uptodate"


@pytest.mark.slow
def test_must_clear_is_page_flags_check_at_free(page61):
    assert page61.must_clear == {"PG_lru", "PG_locked", "PG_private", "PG_private_2", "PG_writeback",
                                 "PG_reserved", "PG_slab", "PG_active", "PG_unevictable", "PG_mlocked"}


@pytest.mark.slow
def test_no_header_false_alarm_on_61(kernel_tree, rules):
    families = load_families(rules, kernel_tree, only_era="6.x")
    assert {f.name for f in families} >= {"page", "buffer-head"}
    findings = header_findings(families)
    assert findings == [], [f.message for f in findings]


def test_2x_family_from_seed_fixture(rules):
    fam = load_families(rules, SEED_TREE, only_era="2.x")[0]
    assert {n: m.bit for n, m in fam.members.items()} == {
        "PG_locked": 0, "PG_error": 1, "PG_referenced": 2, "PG_dirty": 3, "PG_uptodate": 4,
        "PG_free_after": 5, "PG_decr_after": 6, "PG_DMA": 7, "PG_Slab": 8, "PG_swap_cache": 9,
        "PG_skip": 10, "PG_reserved": 31}
    assert fam.accessors["PageSetSwapCache"].op == "set"
    assert fam.accessors["PageTestandClearSwapCache"].op == "test_and_clear"
    assert header_findings([fam]) == []


def _seed_header(extra_define: str) -> str:
    text = (SEED_TREE / "include/linux/mm.h").read_text()
    return re.sub(r"(#define PG_skip\s+10\n)", r"\1" + extra_define + "\n", text)


def test_collision_when_pg_clean_takes_pg_skip_bit(rules):
    spec, bitops = _spec(rules, "page-2.x"), load_bitops(rules)
    ok = recover_family(spec, bitops, {"include/linux/mm.h": _seed_header("#define PG_clean\t\t11")})
    assert bit_collisions(ok) == []
    bad = recover_family(spec, bitops, {"include/linux/mm.h": _seed_header("#define PG_clean\t\t10")})
    found = bit_collisions(bad)
    assert [(f.check, f.subject) for f in found] == [("flag-bit-collision", "PG_clean")]
    assert "PG_skip" in found[0].message and "bit 10" in found[0].message
    skip_line = bad.members["PG_skip"].line
    assert found[0].line == skip_line + 1 and found[0].related[0].line == skip_line
    wide = recover_family(spec, bitops, {"include/linux/mm.h": _seed_header("#define PG_clean\t\t32")})
    assert ["outside the 32-bit" in f.message for f in bit_collisions(wide)] == [True]


def test_alternative_definitions_are_not_collisions(rules):
    header = """
#ifdef CONFIG_A
#define XF_one 1
#else
#define XF_two 1
#endif
#define XF_three 2
#define XF_four 2
#define XF_alias XF_three
#define XSetOne(o) set_bit(XF_one, &(o)->st)
"""
    spec = {"name": "x", "prefix": "XF_", "word_bits": 8}
    fam = recover_family(spec, load_bitops(rules), {"x.h": header})
    assert [f.subject for f in bit_collisions(fam)] == ["XF_four"]
    unpaired = unpaired_accessors(fam)
    assert [(f.check, f.subject) for f in unpaired] == [("flag-accessors-unpaired", "XF_one")]


def test_patch_introduces_pg_clean(seed_mail, rules):
    fam = load_families(rules, SEED_TREE, only_era="2.x")[0]
    audit = audited_flags(seed_mail.read_text(errors="replace"), [fam])
    assert audit == {"page-2.x": {"PG_clean": "new in this change"}}


def test_scan_keeps_lines_through_continuations():
    scan = scan_header("h", "/* c\n */\n#define A(x) \\\n  (x)\nint b;\n#define C 3\n")
    assert scan.defines["A"][0].line == 3 and scan.defines["C"][0].line == 6
    assert scan.code.split("\n")[4] == "int b;"
