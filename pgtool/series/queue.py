"""The quilt data model: series file, applied stack and backups, read as hostile input.

Layout (quilt's patchfns, DB_VERSION 2):
  <patches>/series              one patch per line, optional options (-pN, -R), '#' comments
  <tree>/.pc/.version           "2"
  <tree>/.pc/.quilt_patches     the patches folder, as quilt will look it up from the tree
  <tree>/.pc/.quilt_series      "series"
  <tree>/.pc/applied-patches    applied patch names, top of stack last
  <tree>/.pc/<patch>/<file>     pre-push copy of each file the patch touches;
                                an empty copy means the file did not exist
  <tree>/.pc/<patch>/.timestamp stamped after the push, so `quilt pop` trusts
                                the backups unless a file is newer
  <tree>/.pc/.pgtool-queue      pgtool's own record (not quilt's): for each
                                patch it pushed, the digest of every backup and
                                of every file as the push left it, so that pop
                                compares content, not times

Everything under `.pc/` may come from elsewhere (a tarball, a colleague's
copy) or be damaged: each name passes the path policy of `pgtool.treefs`,
every read goes through `treefs.Tree` (no symbolic link is followed, a
backup that is one is an error), and a damaged file is a one-line error
naming it and its line. The record is trusted only when it names this tree
(device and inode of its root); otherwise pop falls back to quilt's own
check, re-applying the patch to the backups and comparing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from pgtool import treefs
from pgtool.apply.writer import LINK, FileWrite
from pgtool.errors import UserError

DB_VERSION = "2"
PC = ".pc"
RECORD = ".pgtool-queue"
RECORD_FORMAT = "pgtool-queue"
_TIMESTAMP = ".timestamp"


@dataclass(frozen=True)
class SeriesEntry:
    name: str                 # patch file name relative to the patches folder
    strip: int = 1            # -pN, quilt's default -p1
    reverse: bool = False     # -R
    line: int = 0             # line in the series file, for messages


@dataclass
class Series:
    path: Path                # the series file
    entries: list[SeriesEntry] = field(default_factory=list)

    @property
    def patches_dir(self) -> Path:
        return self.path.parent

    def patch_path(self, entry: SeriesEntry) -> Path:
        return self.patches_dir / entry.name

    def index(self, name: str) -> int:
        for i, entry in enumerate(self.entries):
            if entry.name == name:
                return i
        raise UserError(f"patch {name} is not in the series", path=str(self.path))

    @classmethod
    def load(cls, path: Path) -> "Series":
        path = Path(path)
        if not path.is_file():
            raise UserError("series file not found", path=str(path))
        series = cls(path)
        seen: set[str] = set()
        for lineno, text in enumerate(_read_lines(path.read_bytes(), str(path)), 1):
            text = text.split("#", 1)[0].strip()
            if not text:
                continue
            words = text.split()
            name, strip, reverse = words[0], 1, False
            # the name becomes .pc/<name>/ in the tree: the path policy applies
            treefs.check_rel(name, source=str(path), line=lineno, what="patch name")
            for opt in words[1:]:
                if opt.startswith("-p") and opt[2:].isdigit() and int(opt[2:]) < 64:
                    strip = int(opt[2:])
                elif opt in ("-R", "--reverse"):
                    reverse = True
                else:
                    raise UserError(f"unsupported patch option '{treefs.printable(opt)}'", path=str(path),
                                    line=lineno)
            if name in seen:
                raise UserError(f"patch {name} is listed twice", path=str(path), line=lineno)
            seen.add(name)
            series.entries.append(SeriesEntry(name, strip, reverse, lineno))
        return series

    def append(self, name: str, strip: int = 1) -> SeriesEntry:
        """Add a patch at the end of the series file (created if missing)."""
        treefs.check_rel(name, source=str(self.path), what="patch name")
        if any(e.name == name for e in self.entries):
            raise UserError(f"patch {name} is already in the series", path=str(self.path))
        line = name if strip == 1 else f"{name} -p{strip}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        write_atomic(self.path, (text + line + "\n").encode())
        entry = SeriesEntry(name, strip, False, text.count("\n") + 1)
        self.entries.append(entry)
        return entry


def _read_lines(data: bytes, where: str) -> list[str]:
    """A text file of names, one per line; binary or undecodable content is a one-line error."""
    if b"\0" in data:
        raise UserError("binary content where a list of patch names belongs", path=where,
                        line=data[:data.index(b"\0")].count(b"\n") + 1)
    try:
        return data.decode("utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise UserError("not valid UTF-8 text", path=where, line=data[:exc.start].count(b"\n") + 1) from None


@dataclass
class Backup:
    """One file's pre-push state, as `.pc/<patch>/<file>` keeps it."""

    rel: str
    data: bytes | None        # None: the file did not exist (quilt's empty copy)
    mode: int                 # st_mode of the backup (its permission bits are the file's)
    link: bool = False


class Stack:
    """The applied stack of one tree (`.pc/`), read without trusting it."""

    def __init__(self, tree: Path):
        self.tree = Path(tree)
        self.pc = self.tree / PC

    def _tree(self) -> treefs.Tree:
        return treefs.Tree(self.tree)

    def _entry(self, rel: str) -> treefs.Entry:
        with self._tree() as t:
            return t.entry(rel)

    def _text(self, name: str) -> str | None:
        """A `.pc/` file's text; None when absent; an error when it is not a regular file."""
        rel = f"{PC}/{name}"
        e = self._entry(rel)
        if e.kind == "absent":
            return None
        if e.kind != "file":
            raise UserError(f"not a regular file ({e.kind})", path=str(self.tree / rel))
        lines = _read_lines(e.data or b"", str(self.tree / rel))
        return "\n".join(lines)

    # --- reading -------------------------------------------------------
    def applied(self) -> list[str]:
        where = str(self.pc / "applied-patches")
        text = self._text("applied-patches")
        if text is None:
            return []
        out: list[str] = []
        for lineno, line in enumerate(text.split("\n"), 1):
            name = line.strip()
            if not name:
                continue
            treefs.check_rel(name, source=where, line=lineno, what="patch name")
            if name in out:
                raise UserError(f"patch {name} is listed twice", path=where, line=lineno)
            out.append(name)
        return out

    def applied_lines(self) -> dict[str, int]:
        """Applied patch -> its line in `.pc/applied-patches` (for messages)."""
        text = self._text("applied-patches") or ""
        return {line.strip(): i for i, line in enumerate(text.split("\n"), 1) if line.strip()}

    def top(self) -> str | None:
        applied = self.applied()
        return applied[-1] if applied else None

    def patches_setting(self) -> str | None:
        """The patches folder recorded in `.pc/.quilt_patches`, if any."""
        text = self._text(".quilt_patches")
        return text.strip() if text is not None and text.strip() else None

    def backup_dir(self, patch: str) -> Path:
        return self.pc / patch

    def files_of(self, patch: str) -> list[str]:
        """Tree-relative paths the applied `patch` touched (from its backups)."""
        return [b.rel for b in self.backups(patch, read=False)]

    def backups(self, patch: str, read: bool = True) -> list[Backup]:
        """The backups of `patch`, each checked: a regular file (or a link pgtool saved), a path the
        policy accepts."""
        base = f"{PC}/{patch}"
        treefs.check_rel(base)
        out: list[Backup] = []
        with self._tree() as t:
            e = t.entry(base, read=False)
            if e.kind == "absent":
                return []
            if e.kind != "dir":
                raise UserError(f"backup folder of {patch} is not a folder ({e.kind})", path=str(self.tree / base))
            self._walk(t, base, "", out, read)
        return sorted(out, key=lambda b: b.rel)

    def complete_backups(self, patch: str) -> list[Backup]:
        """backups(), and an error when one that pgtool's record says the push saved is missing."""
        backups = self.backups(patch)
        mine = self.record().get(patch)
        if isinstance(mine, dict) and isinstance(mine.get("post"), dict):
            missing = sorted(set(mine["post"]) - {b.rel for b in backups})
            if missing:
                raise UserError(f"the backup of {treefs.printable(missing[0])} is missing (the queue's {PC}/ "
                                "state is damaged); refusing", path=str(self.backup_dir(patch)))
        return backups

    def _walk(self, t: treefs.Tree, base: str, sub: str, out: list[Backup], read: bool) -> None:
        folder = f"{base}/{sub}" if sub else base
        with os.scandir(t.dir_fd(folder)) as entries:
            names = sorted(e.name for e in entries)
        for name in names:
            rel = f"{sub}/{name}" if sub else name
            if not sub and name == _TIMESTAMP:
                continue
            where = str(self.tree / base / rel)
            why = treefs.refusal(rel)
            if why:
                raise UserError(f"refusing a backup whose name {why}", path=where)
            e = t.entry(f"{base}/{rel}", read=read)
            if e.kind == "dir":
                self._walk(t, base, rel, out, read)
            elif e.kind == "file":
                empty = (e.data == b"") if read else not (e.signature and e.signature[1])
                out.append(Backup(rel, None if empty else e.data, e.mode))
            elif e.kind == "link":
                out.append(Backup(rel, e.data, e.mode, link=True))
            else:
                raise UserError(f"backup is not a regular file ({e.kind})", path=where)

    def record(self) -> dict[str, dict]:
        """pgtool's record of the patches it pushed (see the module docstring); {} when absent,
        damaged, or written for another tree."""
        with self._tree() as t:
            e = t.entry(f"{PC}/{RECORD}")
            identity = t.identity()
        if e.kind != "file":
            return {}
        try:
            data = json.loads(e.data or b"")
        except (ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT or data.get("tree") != identity:
            return {}
        patches = data.get("patches")
        return patches if isinstance(patches, dict) else {}

    def record_write(self, patches: dict[str, dict]) -> FileWrite:
        with self._tree() as t:
            identity = t.identity()
        if not patches:
            return FileWrite(f"{PC}/{RECORD}", None)
        text = json.dumps({"format": RECORD_FORMAT, "version": 1, "tree": identity, "patches": patches},
                          sort_keys=True)
        return FileWrite(f"{PC}/{RECORD}", text.encode() + b"\n")

    def stamp(self, patch: str) -> None:
        """Date `.timestamp` after the files the push wrote: quilt pop then trusts the backups."""
        with self._tree() as t:
            t.touch(f"{PC}/{patch}/{_TIMESTAMP}")

    # --- the writes of a push and a pop ------------------------------------
    def db_writes(self, patches_dir: Path) -> list[FileWrite]:
        """`.pc/`'s own files as quilt's create_db makes them, where missing."""
        writes = []
        rel = os.path.relpath(Path(patches_dir).resolve(), self.tree.resolve())  # quilt resolves it from the top
        for name, text in ((".version", DB_VERSION), (".quilt_patches", rel), (".quilt_series", "series")):
            with self._tree() as t:
                if t.entry(f"{PC}/{name}", read=False).kind == "absent":
                    writes.append(FileWrite(f"{PC}/{name}", (text + "\n").encode(), None, None))
        return writes

    def applied_write(self, names: list[str]) -> FileWrite:
        rel = f"{PC}/applied-patches"
        # as quilt's remove_from_db: no empty DB file
        return FileWrite(rel, ("\n".join(names) + "\n").encode() if names else None)

    def backup_writes(self, patch: str, entries: dict[str, treefs.Entry]) -> list[FileWrite]:
        """Backups of each file's pre-push state (an empty copy: it did not exist) and the stamp."""
        writes = []
        for rel, e in sorted(entries.items()):
            target = f"{PC}/{patch}/{rel}"
            if e.kind == "link":
                writes.append(FileWrite(target, e.data, LINK, None))
            elif e.kind == "file":
                exec_bit = 0o100755 if e.mode & 0o100 else 0o100644
                writes.append(FileWrite(target, e.data or b"", exec_bit, None))
            else:
                writes.append(FileWrite(target, b"", None, None))
        writes.append(FileWrite(f"{PC}/{patch}/{_TIMESTAMP}", b"", None, None))
        return writes

    def restore_writes(self, patch: str, backups: list[Backup], current: dict[str, treefs.Entry]) -> list[FileWrite]:
        """The writes that put back each backup (an empty one: delete the file) and drop the backups."""
        writes = []
        for b in backups:
            sig = current[b.rel].signature if current[b.rel].kind != "absent" else None
            if b.data is None:
                writes.append(FileWrite(b.rel, None, None, sig))
            elif b.link:
                writes.append(FileWrite(b.rel, b.data, LINK, sig))
            else:
                writes.append(FileWrite(b.rel, b.data, 0o100755 if b.mode & 0o100 else 0o100644, sig))
            writes.append(FileWrite(f"{PC}/{patch}/{b.rel}", None))
        writes.append(FileWrite(f"{PC}/{patch}/{_TIMESTAMP}", None))
        for extra in (f"{PC}/{patch}~refresh",):
            if self._entry(extra).kind == "file":
                writes.append(FileWrite(extra, None))
        return writes


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` (outside any tree pgtool patches: a series or patch file) atomically."""
    tmp = path.with_name(f".{path.name}.pgtool-tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        try:
            treefs.write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", path=str(path)) from None
