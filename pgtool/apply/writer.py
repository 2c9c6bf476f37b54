"""Write all of a patch's files, or none: temp files, a journal, renames.

Protocol: the journal is written (state "prepare", naming every temp file
and new directory) before any temp file exists; the temp files are written
beside their targets; the journal flips to "commit" with one atomic rename;
then each temp file is renamed over its target and deletions are done; the
journal goes last. A run killed before the flip is rolled back by the next
run (temp files and new directories removed, no target was touched); a run
killed after it is rolled forward (the remaining renames and deletions
done). Either way the tree is never left half-patched. Durability against
power loss (fsync) is not attempted: the guarantee is against a killed
process, which the page cache survives.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pgtool.errors import InfraError

JOURNAL = ".pgtool-apply.journal"


@dataclass
class FileWrite:
    path: str                 # tree-relative
    content: bytes | None     # None: delete the file
    mode: int | None = None   # permission bits to set; None keeps the old file's


def _dump(tree: Path, journal: dict) -> None:
    tmp = tree / (JOURNAL + ".tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(journal))  # json.dump() streams through the pure-Python encoder
    os.replace(tmp, tree / JOURNAL)


def recover(tree: Path) -> str | None:
    """Finish or undo an interrupted write; a message saying which, or None."""
    path = tree / JOURNAL
    try:
        (tree / (JOURNAL + ".tmp")).unlink()
    except FileNotFoundError:
        pass
    try:
        with open(path, encoding="utf-8") as handle:
            journal = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InfraError(f"unreadable apply journal ({exc}); inspect and remove it", path=str(path)) from None
    ops = journal.get("ops", [])
    if journal.get("state") == "commit":
        root = str(tree)
        for op in ops:
            target = os.path.join(root, op["path"])
            try:
                if op.get("delete"):
                    os.unlink(target)
                elif op.get("tmp"):
                    os.replace(os.path.join(root, op["tmp"]), target)
            except FileNotFoundError:
                pass  # done before the interruption
        for d in sorted(journal.get("rmdirs", []), key=len, reverse=True):
            try:
                (tree / d).rmdir()
            except OSError:
                pass
        what = f"rolled forward an interrupted apply ({len(ops)} files)"
    else:
        for op in ops:
            if op.get("tmp"):
                try:
                    (tree / op["tmp"]).unlink()
                except FileNotFoundError:
                    pass
        for d in sorted(journal.get("mkdirs", []), key=len, reverse=True):
            try:
                (tree / d).rmdir()
            except OSError:
                pass
        what = f"rolled back an interrupted apply ({len(ops)} files untouched)"
    path.unlink()
    return what


def commit(tree: Path, writes: list[FileWrite]) -> None:
    """Apply `writes` to `tree` atomically with respect to a killed process."""
    recover(tree)
    token = os.urandom(4).hex()  # what secrets.token_hex does, without importing hmac
    ops, mkdirs = [], []
    known_dirs: set[str] = set()
    for w in writes:
        op = {"path": w.path, "delete": w.content is None}
        if w.content is not None:
            parent, _, name = w.path.rpartition("/")
            op["tmp"] = f"{parent}/.{name}.pgtool-{token}" if parent else f".{name}.pgtool-{token}"
            missing = []
            while parent and parent not in known_dirs and not os.path.isdir(os.path.join(tree, parent)):
                missing.append(parent)
                parent = parent.rpartition("/")[0]
            known_dirs.add(parent)
            mkdirs.extend(m for m in missing if m not in mkdirs)
        ops.append(op)
    rmdirs = _emptied_dirs(tree, writes)
    journal = {"state": "prepare", "ops": ops, "mkdirs": mkdirs, "rmdirs": rmdirs}
    _dump(tree, journal)
    try:
        for d in sorted(mkdirs, key=len):
            (tree / d).mkdir(exist_ok=True)
        umask = os.umask(0o022)
        os.umask(umask)
        root = str(tree)
        for w, op in zip(writes, ops):
            if w.content is None:
                continue
            mode = w.mode
            if mode is None:
                try:
                    mode = stat.S_IMODE(os.stat(os.path.join(root, w.path)).st_mode)
                except FileNotFoundError:
                    mode = None
            tmp = os.path.join(root, op["tmp"])
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
            try:
                view = memoryview(w.content)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            if mode is not None and mode & ~umask != mode:
                os.chmod(tmp, mode)  # bits the umask took away
    except OSError as exc:
        recover(tree)  # journal still says "prepare": this rolls back
        raise InfraError(f"could not write ({exc.strerror})", path=str(exc.filename or tree)) from None
    journal["state"] = "commit"
    _dump(tree, journal)
    recover(tree)  # the roll-forward path is the one and only way to finish


def _emptied_dirs(tree: Path, writes: list[FileWrite]) -> list[str]:
    """Directories that deleting files would leave empty (git apply removes them)."""
    deleted = {w.path for w in writes if w.content is None}
    out = []
    for path in deleted:
        parent = Path(path).parent
        while str(parent) not in ("", "."):
            try:
                entries = {str(parent / e) for e in os.listdir(tree / parent)}
            except OSError:
                break
            if entries - deleted - set(out):
                break
            out.append(str(parent))
            parent = parent.parent
    return out
