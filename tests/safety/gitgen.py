"""Clean git patches of real changes to real Linux 6.1 files, from a seed.

A scratch git repository holds a fixed handful of files of the baseline
(regular files, executables and symlinks as the kernel has them). Each case
makes a real change there with file operations (edits, new files in new
directories, deletions, renames, copies, mode and type changes, symlinks,
names git has to quote, a missing final newline), stages it, lets git write
the patch (`git diff --binary -M -C --find-copies-harder`, or `git
format-patch` of a commit), and resets the repository.

Every other case also carries a Breakage: a precondition of the patch that
the target tree breaks before the patch is applied (a rename target already
there, a file where a directory is needed, a symlink on the way, a dirty
edit, ...). `make_target` builds that tree from the base repository.

Everything is derived from the seed and the case number: the same seed gives
the same patches, byte for byte, on every machine with the same git.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Real files of the baseline: C sources and headers, small dirs, executables, symlinks.
FILES = [
    "mm/page_idle.c", "mm/mmzone.c", "mm/percpu-km.c", "mm/debug_page_ref.c", "mm/msync.c", "mm/mincore.c",
    "kernel/up.c", "kernel/range.c", "kernel/utsname.c", "kernel/uid16.c", "kernel/ksysfs.c",
    "include/linux/bcd.h", "include/linux/kref.h", "include/linux/hash.h", "include/linux/llist.h",
    "include/linux/list_sort.h",
    "lib/math/gcd.c",                       # alone in its directory here
    "include/linux/sched/idle.h",           # alone in its directory here
    "scripts/dummy-tools/ld", "scripts/dummy-tools/pahole", "scripts/mkuboot.sh", "scripts/xz_wrap.sh",
    "scripts/dummy-tools/nm", "scripts/dummy-tools/objcopy",   # symlinks to ld
    "include/dt-bindings/clock/qcom,dispcc-sm8250.h",
    "include/dt-bindings/clock/qcom,dispcc-sm8150.h",          # symlink to the one above
]
SINGLE_FILE_DIRS = ["lib/math", "include/linux/sched"]
# names git writes C-quoted (core.quotePath is on by default), and one with a space it leaves bare
SPECIAL_NAMES = ["pagé_idle.c", "page idle.c", "page\tidle.c", 'page"idle.c', "naïve list.h"]

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Gen Erator",
    "GIT_AUTHOR_EMAIL": "gen@example.org",
    "GIT_COMMITTER_NAME": "Gen Erator",
    "GIT_COMMITTER_EMAIL": "gen@example.org",
    "GIT_AUTHOR_DATE": "2023-01-02T03:04:05Z",
    "GIT_COMMITTER_DATE": "2023-01-02T03:04:05Z",
}
DIFF_OPTS = ["--binary", "-M", "-C", "--find-copies-harder"]

# precondition breakages, and the operation kinds whose facts they need
BREAKAGES = {
    "dest-exists-tracked": ("rename", "copy"),
    "dest-exists-untracked": ("rename", "copy"),
    "dest-exists-dirty": ("rename", "copy"),
    "created-exists": ("add", "symlink-new"),
    "created-exists-same": ("add", "symlink-new"),
    "deleted-differs": ("delete", "file-to-symlink", "dir-to-file", "file-to-dir"),
    "context-differs": ("modify", "rename", "copy", "mode"),
    "context-whitespace": ("modify", "rename", "copy", "mode"),
    "dirty-nonconflicting": ("modify", "rename", "copy"),
    "dir-where-file": ("add", "symlink-new", "rename", "copy"),
    "empty-dir-where-file": ("add", "rename", "copy"),
    "file-where-dir": ("add", "rename", "copy", "symlink-new"),
    "symlink-for-file": ("modify", "delete", "rename", "copy", "mode"),
    "symlink-for-file-outside": ("modify", "delete", "rename", "copy", "mode"),
    "symlink-component": ("modify", "delete", "rename", "copy", "mode", "add"),
    "symlink-component-outside": ("modify", "delete", "rename", "copy", "mode", "add"),
    "symlink-new-dir-outside": ("add", "rename", "copy"),
}
OP_WEIGHTS = {
    "modify": 6, "add": 4, "delete": 3, "rename": 4, "copy": 3, "mode": 2, "eof": 1,
    "file-to-symlink": 1, "symlink-to-file": 1, "dir-to-file": 1, "file-to-dir": 1, "symlink-new": 2,
    "symlink-retarget": 1, "symlink-delete": 1,
}


def git(cwd: Path, *args: str, check: bool = True, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                          env=dict(os.environ, **GIT_ENV))
    if check and proc.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace')}")
    return proc


@dataclass
class Facts:
    """What a change touches, for breaking its preconditions in a target tree."""

    edited: list[tuple[str, int, int | None]] = field(default_factory=list)  # (path, context line, far line)
    created: list[tuple[str, bytes, bool]] = field(default_factory=list)     # (path, content, is link)
    new_dirs: list[str] = field(default_factory=list)    # outermost directories the patch creates
    deleted: list[str] = field(default_factory=list)     # regular files the patch deletes
    targets: list[str] = field(default_factory=list)     # rename and copy destinations
    regular: list[str] = field(default_factory=list)     # pre-image regular files the patch reads


@dataclass
class Breakage:
    kind: str
    path: str
    line: int | None = None
    committed: bool = False
    payload: bytes = b""
    is_link: bool = False

    def describe(self) -> str:
        where = f"{self.path!r}" + (f" line {self.line + 1}" if self.line is not None else "")
        return f"{self.kind} at {where}" + (" (committed)" if self.committed else "")


@dataclass
class Case:
    id: str
    kinds: list[str]
    fmt: str                     # "diff" or "mail"
    patch: bytes
    breakage: Breakage | None

    def describe(self) -> str:
        brk = self.breakage.describe() if self.breakage else "clean tree"
        return f"{self.id} [{'+'.join(self.kinds)}; {self.fmt}; {brk}]"


def make_base(kernel_tree: Path, dest: Path) -> Path:
    """A git repository holding FILES exactly as the baseline has them (modes and links included)."""
    dest.mkdir(parents=True)
    # the modes a checkout under umask 022 has (git archive's own default would be 0664/0775)
    archive = subprocess.run(["git", "-C", str(kernel_tree), "-c", "tar.umask=0022", "archive", "--format=tar",
                              "baseline", "--", *FILES], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    os.chmod(dest, 0o755)
    git(dest, "init", "-q", "-b", "master")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "base")
    git(dest, "tag", "base")
    return dest


# ---------------------------------------------------------------------------------------------
# line edits


def _mutate(rng: random.Random, line: str) -> str:
    body = line[:-1] if line.endswith("\n") else line
    if not body.strip():
        return f"/* pg: blank {rng.randrange(1000)} */\n"
    choice = rng.randrange(3)
    if choice == 0:
        return f"{body} /* pg {rng.randrange(1000)} */\n"
    if choice == 1 and any(c.isalpha() for c in body):
        i = max(i for i, c in enumerate(body) if c.isalpha())
        return body[:i] + body[i].swapcase() + body[i + 1:] + "\n"
    return f"{body.rstrip()}  // pg-{rng.randrange(1000)}\n"


def edit_lines(rng: random.Random, text: str, max_spots: int = 3) -> tuple[str, int, int | None]:
    """Edit 1..max_spots places at least 12 lines apart; (new text, a context line, a line far from all)."""
    lines = text.splitlines(keepends=True)
    n = len(lines)
    spots: list[int] = []
    for _ in range(rng.randint(1, max_spots)):
        s = rng.randrange(4, max(5, n - 1))
        if all(abs(s - t) >= 12 for t in spots):
            spots.append(s)
    spots.sort()
    for s in reversed(spots):
        action = rng.choice(["replace", "insert", "delete", "replace2"])
        if action == "replace" or s >= n:
            lines[min(s, n - 1)] = _mutate(rng, lines[min(s, n - 1)])
        elif action == "replace2":
            lines[s:s + 2] = [_mutate(rng, x) for x in lines[s:s + 2]]
        elif action == "insert":
            lines[s:s] = [f"\t/* pg: added line {k} of {rng.randrange(1000)} */\n" for k in range(rng.randint(1, 3))]
        else:
            del lines[s:s + rng.randint(1, 2)]
    # a context line of the first hunk: the non-blank one nearest above the first spot
    context = next((i for i in (spots[0] - 1, spots[0] - 2, spots[0] - 3) if i >= 0 and text.splitlines()[i].strip()),
                   spots[0] - 1)
    far = [i for i in range(1, n) if all(abs(i - s) >= 10 for s in spots)]
    return "".join(lines), context, (rng.choice(far) if far else None)


# ---------------------------------------------------------------------------------------------
# the generator


class Generator:
    def __init__(self, base: Path, scratch: Path, seed: int):
        self.base = base
        self.seed = seed
        shutil.copytree(base, scratch, symlinks=True)
        self.root = scratch
        self.claims: set[str] = set()
        self.rng = random.Random(0)
        self.counter = 0

    # -- tree queries ------------------------------------------------------------------------

    def _claimed(self, path: str) -> bool:
        return any(path == c or path.startswith(c + "/") or c.startswith(path + "/") for c in self.claims)

    def _entries(self, want: str) -> list[str]:
        out = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            rel_dir = os.path.relpath(dirpath, self.root)
            if rel_dir == ".git" or rel_dir.startswith(".git/"):
                continue
            for name in filenames + dirnames:
                rel = os.path.normpath(os.path.join(rel_dir, name))
                if rel == ".git":
                    continue
                p = self.root / rel
                is_link = p.is_symlink()
                if want == "link" and is_link or want == "file" and not is_link and p.is_file():
                    out.append(rel)
        return sorted(out)

    def _free(self, want: str, pred=None) -> list[str]:
        return [p for p in self._entries(want) if not self._claimed(p) and (pred is None or pred(p))]

    def _dirs(self) -> list[str]:
        out = []
        for dirpath, dirnames, _ in os.walk(self.root):
            rel = os.path.relpath(dirpath, self.root)
            if rel != "." and not rel.startswith(".git"):
                out.append(rel)
            dirnames[:] = [d for d in dirnames if d != ".git" and not (Path(dirpath) / d).is_symlink()]
        return sorted(out)

    def _lines(self, rel: str) -> int:
        return (self.root / rel).read_text(encoding="utf-8").count("\n")

    def _new_name(self, special: float = 0.3, new_dir: bool | None = None,
                  suffix: str = ".c") -> tuple[str, str | None]:
        """(a path no file has, the outermost new directory it needs or None)."""
        rng = self.rng
        self.counter += 1
        free = [d for d in self._dirs() if not any(d == c or d.startswith(c + "/") for c in self.claims)]
        parent = rng.choice(free or ["mm"])
        made = None
        if new_dir if new_dir is not None else rng.random() < 0.35:
            made = f"{parent}/pg_dir{self.counter}" + (" x" if rng.random() < 0.15 else "")
            parent = made + (f"/sub{self.counter}" if rng.random() < 0.4 else "")
        if rng.random() < special:
            name = rng.choice(SPECIAL_NAMES)
            stem, dot, ext = name.rpartition(".")
            name = f"{stem}{self.counter}.{ext}"
        else:
            name = f"pg_new{self.counter}{suffix}"
        return f"{parent}/{name}", made

    def _write(self, rel: str, data: str | bytes) -> None:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    def _rel_link(self, link: str, target: str) -> str:
        return os.path.relpath(target, os.path.dirname(link) or ".")

    def _new_content(self) -> str:
        rng = self.rng
        src = rng.choice(self._entries("file"))
        lines = (self.root / src).read_text(encoding="utf-8").splitlines(keepends=True)
        k = rng.randint(3, 12)
        start = rng.randrange(0, max(1, len(lines) - k))
        head = f"// SPDX-License-Identifier: GPL-2.0\n/* pg: generated {self.counter} */\n"
        return head + "".join(lines[start:start + k]) + f"int pg_value_{self.counter} = {rng.randrange(99)};\n"

    # -- operations: each makes its change and returns its facts, or None when it cannot ------

    def op_modify(self, force: str | None = None) -> Facts | None:
        cands = self._free("file", lambda p: self._lines(p) >= 14)
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        text, ctx, far = edit_lines(self.rng, (self.root / p).read_text(encoding="utf-8"))
        self._write(p, text)
        return Facts(edited=[(p, ctx, far)], regular=[p])

    def op_eof(self, force: str | None = None) -> Facts | None:
        cands = self._free("file", lambda p: self._lines(p) >= 14)
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        text = (self.root / p).read_text(encoding="utf-8")
        if self.rng.random() < 0.5:
            self._write(p, text.rstrip("\n"))
        else:
            self._write(p, text + "/* pg: no newline after this */")
        return Facts(regular=[p])

    def op_add(self, force: str | None = None) -> Facts | None:
        p, made = self._new_name(new_dir=True if force in ("file-where-dir", "symlink-new-dir-outside") else None)
        self.claims.add(made or p)
        text = self._new_content()
        if self.rng.random() < 0.2:
            text = text.rstrip("\n")
        self._write(p, text)
        return Facts(created=[(p, text.encode("utf-8"), False)], new_dirs=[made] if made else [])

    def op_delete(self, force: str | None = None) -> Facts | None:
        cands = self._free("file")
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        os.remove(self.root / p)
        return Facts(deleted=[p], regular=[p])

    def _move(self, kind: str, force: str | None) -> Facts | None:
        cands = self._free("file", lambda p: self._lines(p) >= 20)
        if not cands:
            return None
        src = self.rng.choice(cands)
        self.claims.add(src)
        new_dir = True if force in ("file-where-dir", "symlink-new-dir-outside") else None
        if new_dir is None and self.rng.random() < 0.3:
            stem, dot, ext = os.path.basename(src).rpartition(".")
            self.counter += 1
            dst, made = f"{os.path.dirname(src)}/{stem or ext}_pg{self.counter}{dot}{ext if stem else ''}", None
        else:
            dst, made = self._new_name(new_dir=new_dir, suffix=os.path.splitext(src)[1] or "")
        self.claims.add(made or dst)
        text = (self.root / src).read_text(encoding="utf-8")
        facts = Facts(targets=[dst], regular=[src], new_dirs=[made] if made else [])
        edit = force in ("context-differs", "context-whitespace", "dirty-nonconflicting") or self.rng.random() < 0.5
        if edit:
            text, ctx, far = edit_lines(self.rng, text, max_spots=2)
            facts.edited.append((src, ctx, far))
        mode = (self.root / src).stat().st_mode & 0o777
        if kind == "rename":
            os.remove(self.root / src)
        self._write(dst, text)
        os.chmod(self.root / dst, mode)
        return facts

    def op_rename(self, force: str | None = None) -> Facts | None:
        return self._move("rename", force)

    def op_copy(self, force: str | None = None) -> Facts | None:
        return self._move("copy", force)

    def op_mode(self, force: str | None = None) -> Facts | None:
        cands = self._free("file")
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        path = self.root / p
        facts = Facts(regular=[p])
        if force in ("context-differs", "context-whitespace") or self.rng.random() < 0.3 and self._lines(p) >= 14:
            text, ctx, far = edit_lines(self.rng, path.read_text(encoding="utf-8"), max_spots=1)
            self._write(p, text)
            facts.edited.append((p, ctx, far))
        os.chmod(path, 0o644 if path.stat().st_mode & 0o100 else 0o755)
        return facts

    def op_file_to_symlink(self, force: str | None = None) -> Facts | None:
        cands = self._free("file")
        if len(cands) < 2:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        target = self.rng.choice([c for c in self._entries("file") if c != p])
        os.remove(self.root / p)
        link = self._rel_link(p, target)
        os.symlink(link, self.root / p)
        return Facts(deleted=[p], regular=[p])

    def op_symlink_to_file(self, force: str | None = None) -> Facts | None:
        cands = self._free("link")
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        data = (self.root / p).read_text(encoding="utf-8") if (self.root / p).exists() else ""
        os.remove(self.root / p)
        if self.rng.random() < 0.5 and data:
            data, _, _ = edit_lines(self.rng, data, max_spots=1)
        self._write(p, data or f"pg: was a link {self.counter}\n")
        return Facts()

    def op_dir_to_file(self, force: str | None = None) -> Facts | None:
        cands = [d for d in SINGLE_FILE_DIRS if (self.root / d).is_dir() and not self._claimed(d)
                 and len(os.listdir(self.root / d)) == 1]
        if not cands:
            return None
        d = self.rng.choice(cands)
        self.claims.add(d)
        inner = f"{d}/{os.listdir(self.root / d)[0]}"
        os.remove(self.root / inner)
        os.rmdir(self.root / d)
        self._write(d, f"pg: {d} is a file now\n")
        return Facts(deleted=[inner], regular=[inner])

    def op_file_to_dir(self, force: str | None = None) -> Facts | None:
        cands = self._free("file")
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        text = (self.root / p).read_text(encoding="utf-8")
        os.remove(self.root / p)
        self._write(f"{p}/sub.c", f"/* pg: {p} is a directory now */\n" + text[:400].rpartition("\n")[0] + "\n")
        return Facts(deleted=[p], regular=[p])

    def op_symlink_new(self, force: str | None = None) -> Facts | None:
        p, made = self._new_name(special=0.15, new_dir=True if force == "file-where-dir" else None, suffix=".h")
        self.claims.add(made or p)
        target = self.rng.choice(self._entries("file"))
        link = self._rel_link(p, target)
        (self.root / p).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(link, self.root / p)
        return Facts(created=[(p, link.encode("utf-8"), True)], new_dirs=[made] if made else [])

    def op_symlink_retarget(self, force: str | None = None) -> Facts | None:
        cands = self._free("link")
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        current = os.readlink(self.root / p)
        links = [self._rel_link(p, c) for c in self._entries("file")]
        link = self.rng.choice([x for x in links if x != current])
        os.remove(self.root / p)
        os.symlink(link, self.root / p)
        return Facts()

    def op_symlink_delete(self, force: str | None = None) -> Facts | None:
        cands = self._free("link")
        if not cands:
            return None
        p = self.rng.choice(cands)
        self.claims.add(p)
        os.remove(self.root / p)
        return Facts()

    # -- cases -------------------------------------------------------------------------------

    def _reset(self) -> None:
        git(self.root, "reset", "-q", "--hard", "base")
        git(self.root, "clean", "-q", "-fdx")
        self.claims = set()

    def case(self, number: int) -> Case:
        self.rng = rng = random.Random(f"{self.seed}:{number}")
        self._reset()
        brk_kind = None
        if number % 2:
            kinds = sorted(BREAKAGES)
            brk_kind = kinds[(number // 2) % len(kinds)]
        want = rng.choice([1, 1, 2, 2, 3, 4])
        done: list[tuple[str, Facts]] = []
        names = sorted(OP_WEIGHTS)
        tries = 0
        while len(done) < want and tries < 40:
            tries += 1
            if brk_kind and not done:
                kind = rng.choice(BREAKAGES[brk_kind])
            else:
                kind = rng.choices(names, [OP_WEIGHTS[k] for k in names])[0]
            facts = getattr(self, "op_" + kind.replace("-", "_"))(brk_kind if not done else None)
            if facts is not None:
                done.append((kind, facts))
        git(self.root, "add", "-A")
        fmt = "mail" if rng.random() < 0.25 else "diff"
        if fmt == "mail":
            git(self.root, "commit", "-q", "-m", f"pg: generated change {number}\n\nMade from a seed.")
            patch = git(self.root, "format-patch", "-1", "--stdout", *DIFF_OPTS).stdout
        else:
            patch = git(self.root, "diff", "--cached", *DIFF_OPTS).stdout
        breakage = self._breakage(brk_kind, done[0][1]) if brk_kind else None
        self._reset()
        return Case(f"c{number:03d}", [k for k, _ in done], fmt, patch, breakage)

    def _breakage(self, kind: str, facts: Facts) -> Breakage | None:
        rng = self.rng
        committed = rng.random() < 0.5
        if kind.startswith("dest-exists"):
            return Breakage(kind, rng.choice(facts.targets), committed=kind == "dest-exists-tracked")
        if kind.startswith("created-exists"):
            path, payload, is_link = rng.choice(facts.created)
            return Breakage(kind, path, payload=payload, is_link=is_link)
        if kind == "deleted-differs":
            return Breakage(kind, rng.choice(facts.deleted), committed=committed)
        if kind in ("context-differs", "context-whitespace"):
            path, ctx, _ = rng.choice(facts.edited)
            return Breakage(kind, path, line=ctx, committed=committed)
        if kind == "dirty-nonconflicting":
            cands = [(p, far) for p, _, far in facts.edited if far is not None]
            if not cands:
                return None
            path, far = rng.choice(cands)
            return Breakage(kind, path, line=far)
        if kind in ("dir-where-file", "empty-dir-where-file"):
            paths = [p for p, _, _ in facts.created] + facts.targets
            return Breakage(kind, rng.choice(paths))
        if kind in ("file-where-dir", "symlink-new-dir-outside"):
            return Breakage(kind, rng.choice(facts.new_dirs)) if facts.new_dirs else None
        if kind.startswith("symlink-for-file"):
            return Breakage(kind, rng.choice(facts.regular))
        if kind.startswith("symlink-component"):
            paths = facts.regular or [p for p, _, _ in facts.created]
            parent = os.path.dirname(rng.choice(paths))
            while parent and not (self.base / parent).is_dir():
                parent = os.path.dirname(parent)
            return Breakage(kind, parent) if parent else None
        raise AssertionError(kind)


def generate(base: Path, scratch: Path, count: int, seed: int) -> list[Case]:
    gen = Generator(base, scratch, seed)
    return [gen.case(i) for i in range(count)]


# ---------------------------------------------------------------------------------------------
# target trees


def make_target(base: Path, sandbox: Path, brk: Breakage | None) -> None:
    """sandbox/tree: a copy of the base repository with `brk` applied; sandbox/outside: a directory beside it."""
    tree, outside = sandbox / "tree", sandbox / "outside"
    shutil.copytree(base, tree, symlinks=True)
    outside.mkdir()
    (outside / "keep.txt").write_text("outside the tree\n")
    if brk is None:
        return
    p = tree / brk.path
    kind = brk.kind

    def commit() -> None:
        git(tree, "add", "-A")
        git(tree, "commit", "-q", "-m", f"local: {kind}")

    if kind.startswith("dest-exists"):
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("/* a local file already at the destination */\n")
        if kind in ("dest-exists-tracked", "dest-exists-dirty"):
            commit()
        if kind == "dest-exists-dirty":
            with open(p, "a") as handle:
                handle.write("/* and a local edit */\n")
    elif kind.startswith("created-exists"):
        p.parent.mkdir(parents=True, exist_ok=True)
        same = kind == "created-exists-same"
        if brk.is_link:
            os.symlink(brk.payload.decode("utf-8") if same else "elsewhere.h", p)
        else:
            p.write_bytes(brk.payload if same else b"/* a local file of the same name */\n")
    elif kind == "deleted-differs":
        with open(p, "a") as handle:
            handle.write("/* a local line the patch does not know */\n")
        if brk.committed:
            commit()
    elif kind in ("context-differs", "context-whitespace", "dirty-nonconflicting"):
        lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
        assert brk.line is not None
        if kind == "dirty-nonconflicting":
            lines.insert(brk.line, "/* a local note, far from the patch */\n")
        elif kind == "context-differs":
            lines[brk.line] = lines[brk.line].rstrip("\n") + " /* local */\n"
        else:
            line = lines[brk.line]
            if line.startswith("\t"):
                line = "        " + line[1:]
            elif " " in line.strip():
                line = line.replace(" ", "  ", 1)
            else:
                line = line.rstrip("\n") + "   \n"
            lines[brk.line] = line
        p.write_text("".join(lines), encoding="utf-8")
        if brk.committed:
            commit()
    elif kind in ("dir-where-file", "empty-dir-where-file"):
        p.mkdir(parents=True)
        if kind == "dir-where-file":
            (p / "local.c").write_text("/* a local file in a directory of that name */\n")
    elif kind == "file-where-dir":
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("/* a local file where the patch needs a directory */\n")
    elif kind.startswith("symlink-for-file"):
        if kind.endswith("outside"):
            real = outside / brk.path.replace("/", "_")
        else:
            real = tree / "shadow" / brk.path.replace("/", "_")
            real.parent.mkdir(exist_ok=True)
        shutil.copy2(p, real)
        os.remove(p)
        os.symlink(os.path.relpath(real, p.parent), p)
    elif kind.startswith("symlink-component"):
        if kind.endswith("outside"):
            real = outside / brk.path.replace("/", "_")
        else:
            real = p.parent / (p.name + ".real")
        shutil.move(p, real)
        os.symlink(os.path.relpath(real, p.parent), p)
    elif kind == "symlink-new-dir-outside":
        real = outside / ("made_" + brk.path.replace("/", "_"))
        real.mkdir()
        os.symlink(os.path.relpath(real, p.parent), p)
    else:
        raise AssertionError(kind)
