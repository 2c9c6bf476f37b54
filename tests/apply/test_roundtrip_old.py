"""The damaged round trip of test_roundtrip.py on 2.2- and 2.4-era kernel files.

Old code is indented differently from 6.1: 8 spaces mixed with tabs, `if(x)`,
K&R definitions, other brace and continuation styles. The files are real
2.2.1 and 2.4.0 sources (data/old-era, see its README). Each patch is made
by the same edits and damaged the same way as the 6.1 ones; every result must
be token-identical to the author's file (or refused with the file untouched)
and at least 95% byte-identical.
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from pgtool.apply import engine
from pgtool.errors import PgtoolError

from .damage import _IDENT, _KEYWORDS, clean_diff, damage, split_lines
from .helpers import c_tokens

OLD_ERA = Path(__file__).parent / "data" / "old-era"
SEEDS = range(0, 1200)


# a simple statement at any indentation: tabs, 8 or 4 spaces, or a mix
_STMT = re.compile(r"^([ \t]+)[a-z_][\w>.\-\[\]]*.*;\s*$")


def _width(text: str) -> int:
    col = 0
    for ch in text:
        col = (col // 8 + 1) * 8 if ch == "\t" else col + 1
    return col


def _statements(lines: list[str]) -> list[int]:
    """Indices of simple one-line statements (safe places to edit around)."""
    out = []
    for i, line in enumerate(lines):
        if not _STMT.match(line) or "\\" in line or "/*" in line:
            continue
        prev = lines[i - 1].rstrip() if i else ""
        # between complete statements only: not inside an expression continued
        # over lines, nor between a brace-less header and its body
        if prev.strip() and not (prev.endswith((";", "{", "}", "*/")) or re.match(r"\s*\w+:$", prev)):
            continue
        if re.match(r"\s*(\}\s*)?(if|for|while|else)\b", prev) and not prev.endswith(("{", ";")):
            continue
        out.append(i)
    return out


def _lead(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _style(lines: list[str], i: int) -> tuple[int, bool]:
    """How the code around line i indents: the step of the nearest block
    above (its first line against the line that opened it, when that line
    starts its statement), and whether 8 columns are written as a tab."""
    step = 8
    for k in range(i - 1, max(0, i - 80), -1):
        if lines[k].lstrip().startswith("#") or not lines[k].rstrip().endswith("{"):
            continue
        before = next((b for b in reversed(lines[:k]) if b.strip()), ";")
        if (before.rstrip().endswith((",", "&&", "||", "(", "+", "|", "&", "=", "?"))
                or lines[k].count(")") > lines[k].count("(")):
            continue  # a condition continued over lines: its indentation is no step
        nxt = next((b for b in lines[k + 1:i + 1] if b.strip() and not b.lstrip().startswith("#")), None)
        d = _width(_lead(nxt)) - _width(_lead(lines[k])) if nxt else 0
        if 0 < d <= 8:
            step = d
            break
    tabs = next((line.startswith("\t") for line in reversed(lines[:i + 1])
                 if line.startswith(("\t", " " * 8)) and not line.lstrip().startswith("*")), True)
    return step, tabs


def _at(col: int, tabs: bool) -> str:
    return "\t" * (col // 8) + " " * (col % 8) if tabs else " " * col


def edit_file(text: str, rng: random.Random) -> str | None:
    """The file after 1-3 edits at distinct places, each in the style of the
    code around it (its indentation, the file's step); None when no room."""
    lines = split_lines(text)
    stmts = _statements(lines)
    if len(stmts) < 12:
        return None
    original = list(lines)
    sites = sorted(rng.sample(stmts, rng.randint(1, 3)), reverse=True)
    for i in sites:
        line = lines[i]
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        kind = rng.choice(["modify", "modify", "delete", "insert", "insert_copy", "wrap",
                           "guard", "call", "comment", "append"])
        if kind == "modify":
            idents = [m for m in _IDENT.finditer(line) if m.group() not in _KEYWORDS]
            if not idents:
                continue
            m = rng.choice(idents)
            lines[i] = line[: m.start()] + m.group() + "_pg" + line[m.end():].rstrip(" \t\n") + "\n"
        elif kind == "delete":
            del lines[i]
        elif kind == "insert":
            var = rng.choice(_IDENT.findall(line) or ["ret"])
            new = rng.choice([f"pgtool_note({var}, {rng.randint(1, 99)});", f"if (!{var}) BUG();",
                              f"{var}_seen++;"])
            lines.insert(i, indent + new + "\n")
        elif kind in ("guard", "call", "comment", "append"):
            var = rng.choice(_IDENT.findall(line) or ["ret"])
            step, tabs = _style(lines, i)
            inner = _at(_width(indent) + step, tabs)
            if kind == "guard":  # an old-style brace-less check, often `if(x)`
                block = [indent + rng.choice(["if(", "if ("]) + f"!{var})", inner + rng.choice(["goto out;",
                                                                                        "return -EINVAL;"])]
            elif kind == "call":  # a call continued under its open parenthesis
                head = "printk(KERN_DEBUG \"pgtool: %d %d\\n\","
                block = [indent + head, _at(_width(indent) + len("printk("), tabs) + f"{var}, {rng.randint(1, 99)});"]
            elif kind == "comment":
                block = [indent + "/*", indent + f" * {var} is checked by the caller.", indent + " */"]
            else:  # the last statement of its block gains a follower
                if not lines[i + 1:i + 2] or not lines[i + 1].strip().startswith("}"):
                    continue
                lines.insert(i + 1, indent + f"{var}_seen++;\n")
                continue
            lines[i:i] = [b + "\n" for b in block]
        elif kind == "insert_copy":
            donor = original[rng.choice(stmts)]
            lines.insert(i, indent + donor.strip(" \t\n") + "\n")
        else:
            var = rng.choice(_IDENT.findall(line) or ["ret"])
            step, tabs = _style(lines, i)
            inner = _at(_width(indent) + step, tabs)
            block = [indent + f"if (!{var}) {{", inner + f"printk(\"pgtool: no {var}\\n\");",
                     inner + "return -EINVAL;", indent + "}"]
            lines[i:i] = [b + "\n" for b in block]
    new_text = "".join(lines)
    return new_text if new_text != text else None


def old_files() -> list[str]:
    return sorted(str(p.relative_to(OLD_ERA)) for p in OLD_ERA.rglob("*.c"))


def round_trip(seeds, work: Path) -> tuple[dict, list]:
    files = old_files()
    stats = {"patches": 0, "token": 0, "byte": 0, "refused": 0}
    not_byte = []
    for seed in seeds:
        rng = random.Random(seed)
        rel = rng.choice(files)
        old = (OLD_ERA / rel).read_text(encoding="latin-1")
        new = edit_file(old, rng)
        if new is None:
            continue
        stats["patches"] += 1
        # the patch names the file by its path inside the kernel tree
        kpath = rel.split("/", 1)[1]
        mail = damage(clean_diff(kpath, old, new), kpath, rng)
        tree = work / f"t{seed}"
        (tree / kpath).parent.mkdir(parents=True)
        (tree / kpath).write_text(old, encoding="latin-1")
        patch = work / f"p{seed}.mail"
        patch.write_text(mail, encoding="latin-1")
        try:
            code = engine.apply_patches([str(patch)], tree, engine.Options()).exit_code
        except PgtoolError:
            code = 2
        got = (tree / kpath).read_text(encoding="latin-1")
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
        patch.unlink()
    return stats, not_byte


def test_old_era_damaged_round_trip(tmp_path):
    assert len(old_files()) >= 30
    stats, not_byte = round_trip(SEEDS, tmp_path)
    rate = stats["byte"] / stats["patches"]
    print(f"old-era round trip: {stats} byte-identical {rate:.1%}; not byte-identical: {not_byte}")
    assert stats["patches"] >= 300
    assert stats["token"] == stats["patches"], f"refusals: {stats['refused']}"
    assert rate >= 0.95


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def test_a_new_block_steps_as_the_code_above_and_packs_columns_into_tabs():
    from pgtool.apply.indent import infer_indent

    # a 4-column step, and '  \t\t' junk in front of the opener is not copied
    prev = _lines("int f(x)\nint x;\n{\n    if (x) {\n\tg(x);\n  \t    if (x > 1) {\n")
    assert infer_indent("h(x);", prev) == "\t\t"
    # a file written with spaces stays written with spaces
    prev = _lines("int f(int x)\n{\n        if (x) {\n")
    assert infer_indent("g(x);", prev) == " " * 16


def test_an_inserted_statement_takes_the_indentation_of_the_next_one():
    from pgtool.apply.indent import reindent_block

    prev = _lines("{\n        struct super_block *s;\n        struct ustat tmp;\n")
    after = _lines("\tint err = -EINVAL;\n")
    got = reindent_block([" if(!s)\n", " return -EINVAL;\n"], [], prev, None, after)
    assert got == ["\tif(!s)\n", "\t\treturn -EINVAL;\n"]


def test_a_twin_with_other_gaps_is_another_line():
    from pgtool.apply.indent import reindent_block

    prev = _lines("{\n\tint a;\n")
    got = reindent_block([" if(!a)\n", " return;\n"], [], prev, lambda sq: "\tif (!a)\n", _lines("\ta++;\n"))
    assert got == ["\tif(!a)\n", "\t\treturn;\n"]


def test_a_header_over_several_lines_is_measured_from_its_first_line():
    from pgtool.apply.indent import infer_indent

    prev = _lines("void f(void)\n{\n\tfor (sb = first;\n\t     sb != last;\n\t     sb = sb->next) {\n"
                  "\t\tif (!sb->dev)\n")
    assert infer_indent("continue;", prev) == "\t\t\t"
    prev = _lines("\tif ((a != 0)\n\t    && b) {\n\t\treturn a;\n")
    assert infer_indent("}", prev) == "\t"
