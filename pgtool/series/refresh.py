"""`pgtool refresh`: rewrite the top patch from the tree, keeping its header.

The diff is taken between the pushed patch's backups (`.pc/<patch>/`) and
the tree, file by file, with GNU diff as quilt does, in the `a/`/`b/` form
that `git apply` and `patch -p1` both accept.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pgtool.errors import InfraError, UserError
from pgtool.series.queue import Stack

# Where the diff part of a patch file starts: the first file header.
_DIFF_START = re.compile(r"^(Index: |diff |--- )", re.M)


def split_header(text: str) -> tuple[str, str]:
    """(header, diff) of a patch file; the header is kept by refresh."""
    for match in _DIFF_START.finditer(text):
        rest = text[match.end():]
        if match.group(1) != "--- " or rest.split("\n", 1)[-1].startswith("+++ "):
            return text[:match.start()], text[match.start():]
    return text, ""


def file_diff(tree: Path, backup: Path, rel: str, context: int = 3) -> str:
    """Unified diff of one file, pre-push backup against the tree."""
    new = tree / rel
    old_exists = backup.stat().st_size > 0
    new_exists = new.exists()
    old_label = f"a/{rel}" if old_exists else "/dev/null"
    new_label = f"b/{rel}" if new_exists else "/dev/null"
    cmd = [
        "diff", f"-U{context}", "--label", old_label, "--label", new_label,
        str(backup) if old_exists else "/dev/null",
        str(new) if new_exists else "/dev/null",
    ]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode > 1:
        raise InfraError(f"diff failed: {proc.stderr.decode(errors='replace').strip()}", path=rel)
    return proc.stdout.decode("utf-8", errors="surrogateescape")


def refreshed_text(tree: Path, patch_file: Path, stack: Stack, patch: str) -> str:
    header, _old_diff = split_header(patch_file.read_text(encoding="utf-8", errors="surrogateescape"))
    diffs = []
    for rel in stack.files_of(patch):
        text = file_diff(tree, stack.backup_dir(patch) / rel, rel)
        if text:
            diffs.append(text)
    if header and not header.endswith("\n\n") and not header.endswith("---\n"):
        header = header.rstrip("\n") + "\n\n"
    return header + "".join(diffs)


def refresh_top(tree: Path, patches_dir: Path) -> tuple[str, Path, bool]:
    """Rewrite the top patch; returns (name, file, whether it changed)."""
    stack = Stack(tree)
    top = stack.top()
    if top is None:
        raise UserError("no patches applied", path=str(tree))
    patch_file = patches_dir / top
    if not patch_file.exists():
        raise UserError(f"patch file of {top} not found", path=str(patch_file))
    new_text = refreshed_text(tree, patch_file, stack, top)
    old_text = patch_file.read_text(encoding="utf-8", errors="surrogateescape")
    if new_text == old_text:
        return top, patch_file, False
    tmp = patch_file.with_name(patch_file.name + ".pgtool-tmp")
    tmp.write_text(new_text, encoding="utf-8", errors="surrogateescape")
    tmp.replace(patch_file)
    # The timestamp must stay newer than the patch, or quilt pop re-checks it.
    stack.stamp(top, patch_file)
    return top, patch_file, True
