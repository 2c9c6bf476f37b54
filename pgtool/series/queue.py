"""The quilt data model: series file, applied stack and backups.

Layout (quilt's patchfns, DB_VERSION 2):
  <patches>/series              one patch per line, optional options (-pN, -R), '#' comments
  <tree>/.pc/.version           "2"
  <tree>/.pc/.quilt_patches     the patches folder, as quilt will look it up from the tree
  <tree>/.pc/.quilt_series      "series"
  <tree>/.pc/applied-patches    applied patch names, top of stack last
  <tree>/.pc/<patch>/<file>     pre-push copy of each file the patch touches;
                                an empty copy means the file did not exist
  <tree>/.pc/<patch>/.timestamp newer than the patch and the touched files, so
                                `quilt pop` trusts the backups without re-patching
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from pgtool.errors import UserError

DB_VERSION = "2"
PC = ".pc"


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
        for lineno, raw in enumerate(path.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
            text = raw.split("#", 1)[0].strip()
            if not text:
                continue
            words = text.split()
            name, strip, reverse = words[0], 1, False
            for opt in words[1:]:
                if opt.startswith("-p") and opt[2:].isdigit():
                    strip = int(opt[2:])
                elif opt in ("-R", "--reverse"):
                    reverse = True
                else:
                    raise UserError(f"unsupported patch option '{opt}'", path=str(path), line=lineno)
            if name in seen:
                raise UserError(f"patch {name} is listed twice", path=str(path), line=lineno)
            seen.add(name)
            series.entries.append(SeriesEntry(name, strip, reverse, lineno))
        return series

    def append(self, name: str, strip: int = 1) -> SeriesEntry:
        """Add a patch at the end of the series file (created if missing)."""
        if any(e.name == name for e in self.entries):
            raise UserError(f"patch {name} is already in the series", path=str(self.path))
        line = name if strip == 1 else f"{name} -p{strip}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        _write_atomic(self.path, (text + line + "\n").encode())
        entry = SeriesEntry(name, strip, False, text.count("\n") + 1)
        self.entries.append(entry)
        return entry


class Stack:
    """The applied stack of one tree (`.pc/`)."""

    def __init__(self, tree: Path):
        self.tree = Path(tree)
        self.pc = self.tree / PC

    # --- reading -------------------------------------------------------
    def applied(self) -> list[str]:
        db = self.pc / "applied-patches"
        if not db.exists():
            return []
        return [line.strip() for line in db.read_text(encoding="utf-8").splitlines() if line.strip()]

    def top(self) -> str | None:
        applied = self.applied()
        return applied[-1] if applied else None

    def patches_setting(self) -> str | None:
        """The patches folder recorded in `.pc/.quilt_patches`, if any."""
        setting = self.pc / ".quilt_patches"
        return setting.read_text(encoding="utf-8").strip() if setting.exists() else None

    def backup_dir(self, patch: str) -> Path:
        return self.pc / patch

    def files_of(self, patch: str) -> list[str]:
        """Tree-relative paths the applied `patch` touched (from its backups)."""
        root = self.backup_dir(patch)
        if not root.is_dir():
            return []
        files = []
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                if name == ".timestamp" and Path(dirpath) == root:
                    continue
                files.append(str((Path(dirpath) / name).relative_to(root)))
        return sorted(files)

    # --- writing -------------------------------------------------------
    def ensure_db(self, patches_dir: Path) -> None:
        """Create `.pc/` like quilt's create_db, recording where the patches are."""
        self.pc.mkdir(exist_ok=True)
        if not (self.pc / ".version").exists():
            (self.pc / ".version").write_text(DB_VERSION + "\n")
        if not (self.pc / ".quilt_patches").exists():
            # quilt resolves it from the tree's top: relative when possible
            rel = os.path.relpath(Path(patches_dir).resolve(), self.tree.resolve())
            (self.pc / ".quilt_patches").write_text(rel + "\n")
        if not (self.pc / ".quilt_series").exists():
            (self.pc / ".quilt_series").write_text("series\n")

    def backup(self, patch: str, relpaths: list[str]) -> None:
        """Save the pre-push state of each file (an empty copy: did not exist)."""
        root = self.backup_dir(patch)
        for rel in relpaths:
            src = self.tree / rel
            dst = root / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_file():
                shutil.copy2(src, dst)
            else:
                dst.write_bytes(b"")

    def push_done(self, patch: str, patch_file: Path | None = None) -> None:
        """Record `patch` as applied (top of the stack) and stamp it."""
        self.backup_dir(patch).mkdir(parents=True, exist_ok=True)
        self.stamp(patch, patch_file)
        applied = self.applied() + [patch]
        _write_atomic(self.pc / "applied-patches", ("\n".join(applied) + "\n").encode())

    def stamp(self, patch: str, patch_file: Path | None = None) -> None:
        """Make `.timestamp` newer than the patch file and every file it touched,
        which is how quilt pop knows the backups are trustworthy."""
        newest = patch_file.stat().st_mtime if patch_file and patch_file.exists() else 0.0
        for rel in self.files_of(patch):
            target = self.tree / rel
            if target.exists():
                newest = max(newest, target.stat().st_mtime)
        stamp = self.backup_dir(patch) / ".timestamp"
        stamp.write_bytes(b"")
        when = max(newest + 1.0, stamp.stat().st_mtime)
        os.utime(stamp, (when, when))

    def restore(self, patch: str) -> list[str]:
        """Put back the pre-push files of `patch` and drop it from the stack."""
        if self.top() != patch:
            raise UserError(f"patch {patch} is not the top of the stack", path=str(self.pc))
        files = self.files_of(patch)
        root = self.backup_dir(patch)
        for rel in files:
            backup = root / rel
            target = self.tree / rel
            if backup.stat().st_size == 0:
                # quilt's convention: an empty backup means the file was new
                if target.exists() or target.is_symlink():
                    target.unlink()
                _prune_empty_dirs(target.parent, self.tree)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(target.name + ".pgtool-tmp")
                shutil.copy2(backup, tmp)
                os.replace(tmp, target)
        shutil.rmtree(root)
        refresh_mark = self.pc / f"{patch}~refresh"
        if refresh_mark.exists():
            refresh_mark.unlink()
        applied = self.applied()[:-1]
        db = self.pc / "applied-patches"
        if applied:
            _write_atomic(db, ("\n".join(applied) + "\n").encode())
        else:
            db.unlink()  # as quilt's remove_from_db: no empty DB file
        return files


def _prune_empty_dirs(path: Path, stop: Path) -> None:
    while path != stop and path.is_dir() and not any(path.iterdir()):
        path.rmdir()
        path = path.parent


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".pgtool-tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
