"""Push, pop and import: the queue operations on top of the apply engine.

A push is one atomic change: the apply engine plans the patch's writes
(repair, match) without writing, and the writer commits them together with
quilt's bookkeeping (the backups in `.pc/<patch>/`, its stamp, the new
`applied-patches`, pgtool's record of what the push left) in one journal,
so a killed push leaves the tree fully before or fully after it. A pop is
the same, backwards: the backups go back, the bookkeeping goes, in one
change. Both hold the tree lock from their first read to their last write,
and both first let the writer finish or undo an interrupted change.

Pop refuses to lose work (quilt: "does not remove cleanly"): a file that no
longer holds what the push left (by content: the record's digests; for a
patch quilt pushed, quilt's own check of re-applying the patch to the
backups) is kept unless -f.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pgtool import treefs
from pgtool.apply import engine, mail, writer
from pgtool.errors import UserError
from pgtool.series.queue import PC, Series, SeriesEntry, Stack

Progress = Callable[[str], None]


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
    lines = stack.applied_lines() if applied else {}
    for name in applied:
        if name not in names:
            raise UserError(f"applied patch {name} is not in the series {series.path} (wrong --series?)",
                            path=str(stack.pc / "applied-patches"), line=lines.get(name))
    if applied and names[:len(applied)] != applied:
        raise UserError("the applied patches are not the first ones of the series", path=str(series.path))
    return series.entries[len(applied):]


def push(tree: Path, series: Series, count: int | None = 1, *, fuzz: int = 0, commit: bool = False,
         progress: Progress | None = None) -> PushOutcome:
    """Push the next `count` patches (None: all) onto `tree`."""
    with treefs.lock(tree):
        outcome = PushOutcome()
        message = writer.recover(tree)
        if message:
            outcome.recovered.append(message)
        stack = Stack(tree)
        todo = unapplied(series, stack)
        if not todo:
            raise UserError("no patches to push: the series is fully applied", path=str(series.path))
        if count is not None:
            todo = todo[:count]
        if commit and not (tree / ".git").exists():
            raise UserError("--commit needs a git tree", path=str(tree))
        for entry in todo:
            pushed = _push_one(tree, series, stack, entry, fuzz, commit, progress)
            if pushed.result.status != "applied":
                outcome.failed = pushed
                break
            outcome.pushed.append(pushed)
        return outcome


def _push_one(tree: Path, series: Series, stack: Stack, entry: SeriesEntry, fuzz: int, commit: bool,
              progress: Progress | None) -> Pushed:
    patch_file = series.patch_path(entry)
    if not patch_file.is_file():
        raise UserError(f"patch {entry.name} does not exist", path=str(series.path), line=entry.line)
    if progress:
        progress(f"Applying patch {entry.name}")
    opts = engine.Options(strip=entry.strip, fuzz=fuzz, reverse=entry.reverse, commit=commit)
    planned, writes = engine.plan_patches([str(patch_file)], tree, opts, write=False)
    result = planned.patches[0]
    files = _touched(result)
    if result.status != "applied":
        return Pushed(entry.name, result, files)
    if commit:
        engine.refuse_dirty_commit(tree, result)
        if result.status != "applied":
            return Pushed(entry.name, result, files)
    with treefs.Tree(tree) as t:
        before = {rel: t.entry(rel) for rel in files}
    applied = stack.applied()
    record = stack.record()
    post = {w.path: treefs.digest("link" if w.link else "file", w.content) for w in writes}
    record[entry.name] = {
        "post": {rel: post.get(rel, before[rel].state()) for rel in files},
        "backups": {rel: before[rel].state() for rel in files},
    }
    bookkeeping = (stack.db_writes(series.patches_dir) + stack.backup_writes(entry.name, before)
                   + [stack.applied_write(applied + [entry.name]), stack.record_write(record)])
    writer.commit(tree, writes + bookkeeping)
    stack.stamp(entry.name)
    pushed = Pushed(entry.name, result, files)
    if commit:
        pushed.commit = result.commit = engine.git_commit(tree, str(patch_file), files)
        _record_commit(tree, stack, entry.name, pushed.commit)
    return pushed


def pop(tree: Path, count: int | None = 1, *, force: bool = False, commit: bool = False) -> list[str]:
    """Pop the top `count` patches (None: all); returns their names."""
    with treefs.lock(tree):
        writer.recover(tree)
        stack = Stack(tree)
        applied = stack.applied()
        if not applied:
            raise UserError("no patches applied", path=str(tree))
        todo = list(reversed(applied))
        if count is not None:
            todo = todo[:count]
        popped = []
        for name in todo:
            _pop_one(tree, stack, name, force, commit)
            popped.append(name)
        return popped


def _pop_one(tree: Path, stack: Stack, name: str, force: bool, commit: bool) -> None:
    backups = stack.complete_backups(name)
    if not backups and not stack.backup_dir(name).is_dir():
        raise UserError(f"patch {name} has no backups in {PC}/; cannot pop it", path=str(stack.backup_dir(name)))
    with treefs.Tree(tree) as t:
        current = {b.rel: t.entry(b.rel) for b in backups}
    if not force:
        _check_removes_cleanly(tree, stack, name, backups, current)
    sha = _recorded_commit(stack, name)
    if commit and sha:
        _uncommit(tree, sha, name)
    record = stack.record()
    record.pop(name, None)
    writes = stack.restore_writes(name, backups, current)
    writes += [stack.applied_write(stack.applied()[:-1]), stack.record_write(record)]
    writer.commit(tree, writes)


def _check_removes_cleanly(tree: Path, stack: Stack, name: str, backups, current: dict) -> None:
    """Refuse to pop over edits made after the push (quilt: 'does not remove cleanly')."""
    mine = stack.record().get(name)
    if isinstance(mine, dict) and isinstance(mine.get("post"), dict) and isinstance(mine.get("backups"), dict):
        for b in backups:
            saved = treefs.digest("link" if b.link else "file", b.data) if b.data is not None else None
            if mine["backups"].get(b.rel, "?") != saved:
                raise UserError(f"patch {name}: the backup of {b.rel} changed since the push; not restoring it "
                                "(enforce with -f)", path=str(stack.backup_dir(name) / b.rel))
            if current[b.rel].state() != mine["post"].get(b.rel, "?"):
                raise UserError(f"patch {name} does not remove cleanly: {b.rel} changed since the push "
                                "(refresh it or enforce with -f)", path=str(tree / b.rel))
        return
    # pushed by quilt (or the record is not this tree's): quilt's own check, the patch re-applied
    # to the backups must give the files as they are now
    expected = _reapplied(stack, name, backups)
    for b in backups:
        e = current[b.rel]
        now = e.data if e.kind in ("file", "link") else None
        if expected is None or expected.get(b.rel) != now:
            raise UserError(f"patch {name} does not remove cleanly: {b.rel} differs from what the patch "
                            "makes of its backup (refresh it or enforce with -f)", path=str(tree / b.rel))


def _reapplied(stack: Stack, name: str, backups) -> dict[str, bytes | None] | None:
    """The files as the patch makes them from the backups (quilt's check_for_pending_changes)."""
    setting = stack.patches_setting()
    if setting is None:
        return None
    patches = Path(setting) if setting.startswith("/") else stack.tree / setting
    try:
        series = Series.load(patches / "series")
        entry = series.entries[series.index(name)]
    except UserError:
        return None
    with tempfile.TemporaryDirectory(prefix="pgtool-pop-") as scratch:
        root = Path(scratch)
        with treefs.Tree(root) as t:
            for b in backups:
                if b.data is not None and not b.link:
                    t.create(b.rel, b.data)
                elif b.link:
                    t.replace_link(b.rel, b.data or b"")
        opts = engine.Options(strip=entry.strip, reverse=entry.reverse)
        try:
            result = engine.apply_patches([str(series.patch_path(entry))], root, opts)
        except UserError:
            return None
        if result.exit_code:
            return None
        with treefs.Tree(root) as t:
            return {b.rel: t.entry(b.rel).data for b in backups}


# --- git (--commit): push like `git am`, pop like resetting that commit -----

def _git(tree: Path, *args: str, env: dict | None = None) -> str:
    proc = subprocess.run(["git", "--literal-pathspecs", "-C", str(tree), *args], capture_output=True, text=True,
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


def _record_commit(tree: Path, stack: Stack, name: str, sha: str) -> None:
    record = stack.record()
    record.setdefault(name, {})["commit"] = sha
    writer.commit(tree, [stack.record_write(record)])


def _recorded_commit(stack: Stack, name: str) -> str | None:
    sha = stack.record().get(name, {}).get("commit")
    return sha if isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{40,64}", sha) else None


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
            series.patches_dir.mkdir(parents=True, exist_ok=True)
            try:  # a new file, never through a link: an existing one is the user's
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
            except FileExistsError:
                raise UserError("patch file already exists", path=str(path)) from None
            try:
                treefs.write_all(fd, text.encode("utf-8", "surrogateescape"))
            finally:
                os.close(fd)
            series.append(name)
            added.append((name, note))
    return added
