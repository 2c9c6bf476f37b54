"""Generate realistic edits of real kernel files and damage their diffs as a mail archive does.

Edits (as a kernel author would make them, in kernel style): change a token
in a line, delete statements, insert a statement before an existing one at
its indentation (new code, or a statement duplicated from elsewhere in the
file), wrap a new `if (...) { ... }` check before a statement.

Damage (the seed mail's): every context line loses its diff prefix and its
leading whitespace; '+'/'-' lines keep their prefix but their indentation
collapses to one space; runs of blanks inside lines collapse to one space;
trailing blanks go; paths become inconsistent (`Index: dir//f.c`,
`--- f.c`, `+++ linux/dir/f.c`); prose is wrapped around the diff and a
list footer starting with a lone '-' follows it.
"""

from __future__ import annotations

import difflib
import random
import re

_STMT = re.compile(r"^(\t+)[a-z_][\w>.\-\[\]]*.*;\s*$")
_IDENT = re.compile(r"\b[a-z_][a-z0-9_]{2,}\b")
_KEYWORDS = {"return", "if", "else", "for", "while", "struct", "unsigned", "int", "long", "const", "static",
             "void", "char", "sizeof", "goto", "break", "continue", "switch", "case", "default", "do"}


def split_lines(text: str) -> list[str]:
    """Lines with their '\n' (not str.splitlines: kernel files hold form feeds)."""
    parts = text.split("\n")
    last = parts.pop()
    return [p + "\n" for p in parts] + ([last] if last else [])


def _statements(lines: list[str]) -> list[int]:
    """Indices of simple one-line statements (safe places to edit around)."""
    out = []
    for i, line in enumerate(lines):
        if not _STMT.match(line) or "\\" in line or "/*" in line:
            continue
        prev = lines[i - 1].rstrip() if i else ""
        if prev.endswith(("\\", ",", "(", "&&", "||", "=", "+", "?", ":")) or prev.lstrip().startswith(("if", "for",
                                                                                                  "while", "else")):
            continue
        if prev.count("(") != prev.count(")") or prev.endswith("*/"):
            continue
        out.append(i)
    return out


def edit_file(text: str, rng: random.Random) -> str | None:
    """The file after 1-3 edits at distinct places; None when the file has no room."""
    lines = split_lines(text)
    stmts = _statements(lines)
    if len(stmts) < 12:
        return None
    original = list(lines)
    sites = sorted(rng.sample(stmts, rng.randint(1, 3)), reverse=True)
    for i in sites:
        line = lines[i]
        indent = line[: len(line) - len(line.lstrip("\t"))]
        kind = rng.choice(["modify", "modify", "delete", "insert", "insert_copy", "wrap"])
        if kind == "modify":
            idents = [m for m in _IDENT.finditer(line) if m.group() not in _KEYWORDS]
            if not idents:
                continue
            m = rng.choice(idents)
            lines[i] = line[: m.start()] + m.group() + "_pg" + line[m.end():]
        elif kind == "delete":
            del lines[i]
        elif kind == "insert":
            var = rng.choice(_IDENT.findall(line) or ["ret"])
            new = rng.choice([f"pgtool_note({var}, {rng.randint(1, 99)});",
                              f"WARN_ON_ONCE(!{var});",
                              f"{var}_seen++;"])
            lines.insert(i, indent + new + "\n")
        elif kind == "insert_copy":
            donor = original[rng.choice(stmts)]
            lines.insert(i, indent + donor.strip(" \t\n") + "\n")
        else:
            var = rng.choice(_IDENT.findall(line) or ["ret"])
            block = [f"if (unlikely(!{var})) {{", f"\tpr_err(\"pgtool: no {var}\\n\");", "\treturn -EINVAL;", "}"]
            lines[i:i] = [indent + b + "\n" for b in block]
    new_text = "".join(lines)
    return new_text if new_text != text else None


def clean_diff(path: str, old: str, new: str) -> str:
    diff = difflib.unified_diff(split_lines(old), split_lines(new),
                                f"a/{path}", f"b/{path}", n=3)
    return "".join(diff)


def _squash_blanks(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text).rstrip()


def damage(diff: str, path: str, rng: random.Random) -> str:
    """The archive-damaged mail around `diff` (a clean unified diff of one file)."""
    out = [f"Subject: [PATCH] {path}: small fix", "", "Hi,", "",
           "here is a small fix I made while reading this code. Tested here.", ""]
    d, base = path.rsplit("/", 1) if "/" in path else ("", path)
    for line in diff.split("\n")[:-1]:
        if line.startswith("--- "):
            out += [f"Index: {d}//{base}" if d else f"Index: {base}", "=" * 67,
                    f"--- {base} 2023/01/01 10:00:00 1.1", f"+++ linux/{path} 2023/01/02 11:00:00"]
        elif line.startswith(("+++ ",)):
            continue
        elif line.startswith("@@"):
            out.append(line)
        elif line.startswith(("+", "-")):
            body = line[1:]
            indented = body[:1] in (" ", "\t")
            body = _squash_blanks(body.strip(" \t"))
            out.append(line[0] + (" " + body if indented and body else body))
        else:
            out.append(_squash_blanks(line[1:].strip(" \t")))
    out += ["", "Seems to work here.", "", "Somebody", "", "-",
            "To unsubscribe from this list: send the line \"unsubscribe linux-kernel\" in",
            "the body of a message to majordomo@vger.rutgers.edu"]
    return "\n".join(out) + "\n"
