"""`pgtool refresh`: rewrite the top patch from the tree, keeping its header.

The diff is taken between the pushed patch's backups (`.pc/<patch>/`) and
the tree, file by file, with GNU diff as quilt does, in the `a/`/`b/` form
that `git apply` and `patch -p1` both accept. Both sides are read through
`treefs.Tree` (never through a link) and handed to diff as private copies.
A backup that is missing, not a regular file, or binary, is refused: a
refresh never turns a damaged `.pc/` into an emptied patch.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from pgtool import treefs
from pgtool.apply import writer
from pgtool.errors import InfraError, UserError
from pgtool.series.queue import Backup, Stack, write_atomic

# Where the diff part of a patch file starts: the first file header.
_DIFF_START = re.compile(r"^(Index: |diff |--- )", re.M)


def split_header(text: str) -> tuple[str, str]:
    """(header, diff) of a patch file; the header is kept by refresh."""
    for match in _DIFF_START.finditer(text):
        rest = text[match.end():]
        if match.group(1) != "--- " or rest.split("\n", 1)[-1].startswith("+++ "):
            return text[:match.start()], text[match.start():]
    return text, ""


def file_diff(old: bytes | None, new: bytes | None, rel: str, context: int = 3) -> str:
    """Unified diff of one file's two states (None: absent), labelled a/ and b/."""
    with tempfile.TemporaryDirectory(prefix="pgtool-refresh-") as scratch:
        sides = []
        for name, data in (("old", old), ("new", new)):
            if data is None:
                sides.append("/dev/null")
                continue
            path = Path(scratch) / name
            path.write_bytes(data)
            sides.append(str(path))
        cmd = ["diff", f"-U{context}", "--label", f"a/{rel}" if old is not None else "/dev/null",
               "--label", f"b/{rel}" if new is not None else "/dev/null", *sides]
        proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode > 1:
        raise InfraError(f"diff failed: {proc.stderr.decode(errors='replace').strip()}", path=rel)
    return proc.stdout.decode("utf-8", errors="surrogateescape")


def _checked(stack: Stack, patch: str, backups: list[Backup]) -> None:
    where = stack.backup_dir(patch)
    if not backups:
        raise UserError(f"patch {patch} has no backups in .pc/: refresh would empty it; refusing", path=str(where))
    for b in backups:
        if b.link:
            raise UserError(f"the backup of {b.rel} is a symbolic link; refresh diffs regular files only",
                            path=str(where / b.rel))
        if b.data is not None and b"\0" in b.data:
            raise UserError(f"the backup of {b.rel} is binary; refresh cannot diff it", path=str(where / b.rel))


def refreshed_text(tree: Path, patch_file: Path, stack: Stack, patch: str) -> str:
    header, _old_diff = split_header(patch_file.read_text(encoding="utf-8", errors="surrogateescape"))
    backups = stack.complete_backups(patch)
    _checked(stack, patch, backups)
    diffs = []
    with treefs.Tree(tree) as t:
        for b in backups:
            e = t.entry(b.rel)
            if e.kind not in ("file", "absent"):
                raise UserError(f"{b.rel} is not a regular file ({e.kind}); refresh diffs regular files only",
                                path=str(tree / b.rel))
            if e.data is not None and b"\0" in e.data:
                raise UserError(f"{b.rel} is binary; refresh cannot diff it", path=str(tree / b.rel))
            text = file_diff(b.data, e.data, b.rel)
            if text:
                diffs.append(text)
    if header and not header.endswith("\n\n") and not header.endswith("---\n"):
        header = header.rstrip("\n") + "\n\n"
    return header + "".join(diffs)


def refresh_top(tree: Path, patches_dir: Path) -> tuple[str, Path, bool]:
    """Rewrite the top patch; returns (name, file, whether it changed)."""
    with treefs.lock(tree):
        writer.recover(tree)
        stack = Stack(tree)
        top = stack.top()
        if top is None:
            raise UserError("no patches applied", path=str(tree))
        patch_file = patches_dir / top
        if not patch_file.is_file():
            raise UserError(f"patch file of {top} not found", path=str(patch_file))
        new_text = refreshed_text(tree, patch_file, stack, top)
        old_text = patch_file.read_text(encoding="utf-8", errors="surrogateescape")
        changed = new_text != old_text
        if changed:
            write_atomic(patch_file, new_text.encode("utf-8", "surrogateescape"))
        # the files as they are now are what the patch makes: the record and the stamp say so
        record = stack.record()
        with treefs.Tree(tree) as t:
            files = stack.files_of(top)
            if top in record and isinstance(record[top], dict):
                record[top]["post"] = {rel: t.entry(rel).state() for rel in files}
        writer.commit(tree, [writer.FileWrite(f".pc/{top}/.timestamp", b""), stack.record_write(record)])
        stack.stamp(top)
        return top, patch_file, changed
