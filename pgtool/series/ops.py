"""Push, pop and import: the queue operations on top of the apply engine.

Push is the apply engine (repair, match, one atomic write) wrapped in quilt's
bookkeeping: the files a patch will touch are backed up in `.pc/<patch>/`
before it is written, and it is recorded as applied only after the write.
A crash between the two leaves a backup folder that is not on the stack;
`recover()` puts those files back, so the next command starts from the
pre-push tree. Pop restores the backups, exactly the pre-push bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pgtool.apply import engine, mail
from pgtool.errors import UserError
from pgtool.series.queue import Series, SeriesEntry, Stack

Progress = Callable[[str], None]
_COMMITS = ".pgtool-commits"   # in .pc/: patch name -> commit, for --commit pops


@dataclass
class Pushed:
    name: str
    result: engine.PatchResult
    files: list[str]
    commit: str | None = None


@dataclass
class PushOutcome:
    pushed: list[Pushed] = field(default_factory=list)
    failed: Pushed | None = None         # the patch that stopped the push, if any
    recovered: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def recover(stack: Stack) -> list[str]:
    """Undo a push that died between its backup and its stack entry."""
    if not stack.pc.is_dir():
        return []
    applied = set(stack.applied())
    undone = []
    for entry in sorted(stack.pc.iterdir()):
        if not entry.is_dir() or entry.name.startswith(".") or entry.name in applied:
            continue
        name = entry.name
        stack_applied = stack.applied()
        # restore() works on the top of the stack: make it the top for a moment
        (stack.pc / "applied-patches").write_text("\n".join(stack_applied + [name]) + "\n")
        stack.restore(name)
        undone.append(name)
    return undone


def _touched(result: engine.PatchResult) -> list[str]:
    files = set()
    for fr in result.files:
        for rel in (fr.path, fr.old_path):
            if rel:
                files.add(rel)
    return sorted(files)


def unapplied(series: Series, stack: Stack) -> list[SeriesEntry]:
    applied = stack.applied()
    names = [e.name for e in series.entries]
    for name in applied:
        if name not in names:
            raise UserError(f"applied patch {name} is not in the series (wrong --series?)",
                            path=str(series.path))
    if applied and names[:len(applied)] != applied:
        raise UserError("the applied patches are not the first ones of the series", path=str(series.path))
    return series.entries[len(applied):]


def push(tree: Path, series: Series, count: int | None = 1, *, fuzz: int = 0, commit: bool = False,
         progress: Progress | None = None) -> PushOutcome:
    """Push the next `count` patches (None: all) onto `tree`."""
    stack = Stack(tree)
    outcome = PushOutcome(recovered=recover(stack))
    todo = unapplied(series, stack)
    if not todo:
        raise UserError("no patches to push: the series is fully applied", path=str(series.path))
    if count is not None:
        todo = todo[:count]
    if commit and not (tree / ".git").exists():
        raise UserError("--commit needs a git tree", path=str(tree))
    for entry in todo:
        patch_file = series.patch_path(entry)
        if not patch_file.is_file():
            raise UserError(f"patch {entry.name} does not exist", path=str(series.path), line=entry.line)
        if progress:
            progress(f"Applying patch {entry.name}")
        opts = engine.Options(strip=entry.strip, fuzz=fuzz, reverse=entry.reverse, check=True)
        checked = engine.apply_patches([str(patch_file)], tree, opts).patches[0]
        files = _touched(checked)
        if checked.status != "checked":
            outcome.failed = Pushed(entry.name, checked, files)
            break
        stack.ensure_db(series.patches_dir)
        stack.backup(entry.name, files)
        opts.check = False
        opts.commit = commit  # the engine commits like `git am` right after its write
        result = engine.apply_patches([str(patch_file)], tree, opts).patches[0]
        if result.status != "applied":
            # the tree changed between the check and the write: nothing was written
            shutil.rmtree(stack.backup_dir(entry.name))
            outcome.failed = Pushed(entry.name, result, files)
            break
        stack.push_done(entry.name, patch_file)
        pushed = Pushed(entry.name, result, files, result.commit)
        if result.commit:
            _record_commit(stack, entry.name, result.commit)
        outcome.pushed.append(pushed)
    return outcome


def pop(tree: Path, count: int | None = 1, *, force: bool = False, commit: bool = False) -> list[str]:
    """Pop the top `count` patches (None: all); returns their names."""
    stack = Stack(tree)
    recover(stack)
    applied = stack.applied()
    if not applied:
        raise UserError("no patches applied", path=str(tree))
    todo = list(reversed(applied))
    if count is not None:
        todo = todo[:count]
    popped = []
    for name in todo:
        if not force:
            _check_unchanged(stack, name)
        sha = _recorded_commit(stack, name)
        if commit and sha:
            _uncommit(tree, sha, name)
        stack.restore(name)
        _forget_commit(stack, name)
        popped.append(name)
    return popped


def _check_unchanged(stack: Stack, name: str) -> None:
    """Refuse to pop over edits made after the push (quilt: 'does not remove cleanly')."""
    stamp = stack.backup_dir(name) / ".timestamp"
    if not stamp.exists():
        return
    limit = stamp.stat().st_mtime
    for rel in stack.files_of(name):
        target = stack.tree / rel
        if target.exists() and target.stat().st_mtime > limit:
            raise UserError(f"patch {name} does not remove cleanly: {rel} changed since the push "
                            "(refresh it or enforce with -f)", path=str(target))


# --- git (--commit): push like `git am`, pop like resetting that commit -----

def _git(tree: Path, *args: str, env: dict | None = None) -> str:
    import os
    proc = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})))
    if proc.returncode:
        raise UserError(f"git {args[0]} failed: {proc.stderr.strip().splitlines()[-1:] or ''}", path=str(tree))
    return proc.stdout.strip()


def _uncommit(tree: Path, sha: str, name: str) -> None:
    head = _git(tree, "rev-parse", "HEAD")
    if head != sha:
        raise UserError(f"patch {name} was committed as {sha[:12]}, which is not HEAD; "
                        "pop it by hand (git revert) or without --commit", path=str(tree))
    _git(tree, "reset", "-q", "--soft", "HEAD~1")
    files = _git(tree, "diff", "--cached", "--name-only")
    if files:
        _git(tree, "reset", "-q", "--", *files.splitlines())


def _commits(stack: Stack) -> dict[str, str]:
    path = stack.pc / _COMMITS
    if not path.exists():
        return {}
    pairs = (line.split(" ", 1) for line in path.read_text().splitlines() if " " in line)
    return {name: sha for sha, name in pairs}


def _save_commits(stack: Stack, commits: dict[str, str]) -> None:
    path = stack.pc / _COMMITS
    if commits:
        path.write_text("".join(f"{sha} {name}\n" for name, sha in commits.items()))
    elif path.exists():
        path.unlink()


def _record_commit(stack: Stack, name: str, sha: str) -> None:
    commits = _commits(stack)
    commits[name] = sha
    _save_commits(stack, commits)


def _recorded_commit(stack: Stack, name: str) -> str | None:
    return _commits(stack).get(name)


def _forget_commit(stack: Stack, name: str) -> None:
    commits = _commits(stack)
    if commits.pop(name, None) and stack.pc.is_dir():
        _save_commits(stack, commits)


# --- import ------------------------------------------------------------------

_SLUG = re.compile(r"[^A-Za-z0-9]+")


def patch_name(number: int, subject: str) -> str:
    """git format-patch's file name: 0001-mm-fix-the-thing.patch."""
    slug = _SLUG.sub("-", subject).strip("-")[:52].rstrip("-") or "patch"
    return f"{number:04d}-{slug}.patch"


def import_mail(sources: list[str], series: Series, tree: Path | None = None) -> list[tuple[str, str]]:
    """Add each message of the mails/mboxes as a patch file of the series.

    The patch file keeps the mail's From/Date/Subject and prose. With a tree,
    the diff is the repaired clean one the apply engine produces against it
    (each message seeing the ones before it), so quilt and patch(1) can push
    it too; a message that does not apply there is kept as it came. Returns
    (patch name, note) pairs.
    """
    added: list[tuple[str, str]] = []
    for source in sources:
        messages = mail.read_messages(engine.read_input(source), source)
        if not messages:
            raise UserError("no patch found", path=source)
        fixed: list[engine.PatchResult] = []
        if tree is not None:
            fixed = engine.apply_patches([source], tree, engine.Options(check=True)).patches
        for i, msg in enumerate(messages):
            diff, note = msg.diff_text, "as received"
            if i < len(fixed) and fixed[i].status == "checked" and fixed[i].fixed_text:
                diff = fixed[i].fixed_text
                note = f"repaired ({len(fixed[i].repairs)} repairs)" if fixed[i].repairs else "clean"
            elif tree is not None:
                note = "as received: it does not apply to the tree"
            name = patch_name(len(series.entries) + 1, msg.subject or Path(source).stem)
            header = []
            if msg.author:
                header.append(f"From: {msg.author}" + (f" <{msg.email}>" if msg.email else ""))
            if msg.date:
                header.append(f"Date: {msg.date}")
            header.append(f"Subject: {msg.subject}")
            prose = msg.body_prose.strip()
            text = "\n".join(header) + "\n\n" + (prose + "\n\n" if prose else "") + diff
            path = series.patches_dir / name
            if path.exists():
                raise UserError("patch file already exists", path=str(path))
            series.patches_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", errors="surrogateescape")
            series.append(name)
            added.append((name, note))
    return added
