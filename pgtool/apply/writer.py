"""Write all of a change's files, or none: a journal, then in-place writes and renames.

Protocol. Before anything else the journal is written (state "prepare"):
for every file its pre-image digest (what was there: a file's bytes, a
link's target, or nothing) and its post-image digest, plus the tree's
identity and the format version. Then the data file beside it receives the
pre-image of every existing file the change touches (so the change can be
undone) and the new contents of files rewritten in place; files that need a
new inode (new files, symlinks, mode changes, hard-linked files, files that
would need new disk blocks) get temp files; new directories are made. The
journal flips to "commit" with one atomic rename. Then, in git's order,
deletions, emptied directories, directories that replace a deleted file,
and the writes themselves are done; the data file and the journal go last.

Recovery (the next changing command, under the tree lock) validates the
journal before obeying it: a journal that is not this format, not for this
tree (device and inode of its root), not this user's, or that names a path
the policy refuses, is refused, never obeyed. A "prepare" journal is rolled
back (only its own temp files, data file and empty new directories go; no
target was touched). A "commit" journal is rolled forward, but only over
files whose content is the recorded pre-image, the post-image (done), or a
rewrite cut short by the kill (the post-image's head on the pre-image's
tail); any other content is a user's edit: recovery then stops, names the
files, and leaves the choice to `--continue` (finish, keeping those files as
they are) or `--abort-recovery` (undo, keeping them too). Durability
against power loss (fsync) is not attempted: the guarantee is against a
killed process, which the page cache survives.

Why in place: creating an inode is the dominant cost of a large apply (on
ext4 a create plus rename costs ~0.5 ms, an overwrite ~20 us), so an
existing regular file with one link, an unchanged mode and room for the new
contents in the blocks it already has (no new block, so a full disk cannot
cut it short) is rewritten through its own inode. A program reading the file
during the microseconds of its rewrite can see it torn (git apply's window,
where the file is missing, is of the same kind); the journal covers a
killed pgtool.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import re
import signal
import stat
from dataclasses import dataclass
from pathlib import Path

from pgtool import treefs
from pgtool.errors import InfraError, Interrupted, UserError

JOURNAL = ".pgtool-apply.journal"
DATA = JOURNAL + ".data"
FORMAT = "pgtool-apply-journal"
VERSION = 2
UNCHECKED = "unchecked"     # FileWrite.expect: no pre-image to verify (a .rej file)
_TOKEN = re.compile(r"^[0-9a-f]{8}$")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
LINK = 0o120000


@dataclass
class FileWrite:
    path: str                 # tree-relative
    content: bytes | None     # None: delete; a symlink's target when `mode` is a link
    mode: int | None = None   # git mode (0o100644, 0o100755, 0o120000); None keeps the old file's
    # the file as the change was computed from it: treefs.signature() of what was read, None when
    # absent; UNCHECKED for a file written whatever is there (a .rej file)
    expect: tuple | None | str = UNCHECKED

    @property
    def link(self) -> bool:
        return self.mode is not None and stat.S_IFMT(self.mode) == LINK


class RecoveryConflict(UserError):
    """An interrupted change whose files were edited since: nothing is done without the user's word."""


class ForeignJournal(UserError):
    """A journal pgtool did not write for this tree: refused, not obeyed."""


class Conflict(UserError):
    """The change cannot be written as planned (a type clash, a file changed meanwhile)."""

    exit_code = 1


# --- small helpers ----------------------------------------------------------------------

def _token() -> str:
    return os.urandom(4).hex()


def _dump(t: treefs.Tree, journal: dict) -> None:
    tmp = JOURNAL + ".tmp"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp, dir_fd=t.root_fd)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=t.root_fd)
    try:
        treefs.write_all(fd, json.dumps(journal).encode())  # json.dump() streams through the pure-Python encoder
    finally:
        os.close(fd)
    os.rename(tmp, JOURNAL, src_dir_fd=t.root_fd, dst_dir_fd=t.root_fd)


def _file_mode(mode: int | None, umask: int) -> int:
    """Permission bits of a file git creates for `mode`: 0777 or 0666 less the umask."""
    return (0o777 if mode and mode & 0o100 else 0o666) & ~umask


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_name(path: str, token: str, i: int, beside: bool) -> str:
    if beside:
        parent, _, name = path.rpartition("/")
        return f"{parent}/.{name}.pgtool-{token}" if parent else f".{name}.pgtool-{token}"
    return f".pgtool-apply.{token}.{i}"


def _is_our_temp(tmp: str, path: str, token: str, i: int) -> bool:
    return tmp in (_temp_name(path, token, i, True), _temp_name(path, token, i, False))


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:k]) for k in range(1, len(parts))]


# --- planning -----------------------------------------------------------------------------

@dataclass
class _Plan:
    ops: list[dict]
    data: list[bytes]          # chunks of the data file, in order
    temps: list[tuple[str, bytes, int | None, bool]]  # (temp, content, mode, link)
    mkdirs: list[str]          # made before the commit point
    late_mkdirs: list[str]     # made after deletions (a deleted file stood in their place)
    rmdirs: list[str]          # emptied by deletions


def _plan(t: treefs.Tree, writes: list[FileWrite], token: str) -> _Plan:
    seen: set[str] = set()
    for w in writes:
        treefs.check_rel(w.path, source=t.root)
        if w.link and w.content is not None:
            treefs.check_link_target(w.path, w.content)
        if w.path in seen:
            raise UserError(f"'{treefs.printable(w.path)}' is written twice in one change", path=t.root)
        seen.add(w.path)
    entries = {w.path: t.entry(w.path) for w in writes}  # raises PathRefused beyond a symlink
    for w in writes:
        e = entries[w.path]
        if w.expect != UNCHECKED and e.signature != w.expect and not (w.expect is None and e.kind == "dir"):
            raise Conflict(f"{treefs.printable(w.path)}: changed on disk while the patch was being applied; "
                           "nothing written")
        if e.kind == "other":
            raise Conflict(f"{treefs.printable(w.path)}: not a regular file, a symlink or a directory; "
                           "nothing written")
    deleted = {w.path for w in writes if w.content is None and entries[w.path].kind != "absent"}
    created = [w for w in writes if w.content is not None]
    # the directories a created file needs, and what stands in their way
    need_dirs: set[str] = set()
    for w in created:
        need_dirs.update(_ancestors(w.path))
    # each directory a created file needs: there ("dir"), to make ("absent"), or where a file the
    # change deletes stands ("deleted": made after the deletion)
    dir_state: dict[str, str] = {}
    for d in sorted(need_dirs, key=len):
        if dir_state.get(d.rpartition("/")[0], "dir") != "dir":
            dir_state[d] = "absent"
            continue
        st = t.lstat(d)
        if st is None:
            dir_state[d] = "absent"
        elif stat.S_ISDIR(st.st_mode):
            dir_state[d] = "dir"
        elif d in deleted:
            dir_state[d] = "deleted"
        else:
            what = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "a file"
            under = next(w.path for w in created if w.path.startswith(d + "/"))
            raise Conflict(f"{treefs.printable(under)}: {treefs.printable(d)} is {what} the change keeps, "
                           "so it cannot hold a new file; nothing written")
    # a directory where a file is created goes if the deletions empty it, or if it is empty already (git)
    in_way = {w.path for w in created if entries[w.path].kind == "dir"}
    rmdirs = _emptied_dirs(t, deleted | in_way, need_dirs)
    for w in created:
        if entries[w.path].kind == "dir" and w.path not in rmdirs:
            raise Conflict(f"{treefs.printable(w.path)}: a directory the change keeps is in the way of the "
                           "file it creates; nothing written")
    blocked = {d for d, s in dir_state.items() if s == "deleted"}
    mkdirs, late = [], []
    for d in sorted(need_dirs, key=len):
        if dir_state[d] == "deleted" or any(a in blocked for a in _ancestors(d)):
            late.append(d)
        elif dir_state[d] == "absent":
            mkdirs.append(d)
    early_ok = set(mkdirs) | {d for d, s in dir_state.items() if s == "dir" and d not in rmdirs}

    umask = _umask()
    ops: list[dict] = []
    data: list[bytes] = []
    temps = []
    at = 0
    for i, w in enumerate(writes):
        e = entries[w.path]
        op: dict = {"path": w.path, "pre": e.state(), "pre_kind": e.kind,
                    "post": treefs.digest("link" if w.link else "file", w.content)}
        if e.kind == "file":
            op["pre_at"], op["pre_size"], op["pre_mode"] = at, len(e.data or b""), stat.S_IMODE(e.mode)
            data.append(e.data or b"")
            at += len(e.data or b"")
        elif e.kind == "link":
            op["pre_link"] = (e.data or b"").hex()
        if w.content is None:
            op["how"] = "delete"
        elif not w.link and e.kind == "file" and _fits_in_place(t, w, e, umask):
            op["how"] = "rewrite"
            op["at"], op["size"] = at, len(w.content)
            data.append(w.content)
            at += len(w.content)
        else:
            parent = w.path.rpartition("/")[0]
            beside = parent == "" or parent in early_ok
            op["how"] = "rename"
            op["tmp"] = _temp_name(w.path, token, i, beside)
            mode = None
            if not w.link:
                mode = (_file_mode(w.mode, umask) if w.mode is not None or e.kind != "file"
                        else stat.S_IMODE(e.mode))
                op["mode"] = mode
            temps.append((op["tmp"], w.content, mode, w.link))
        ops.append(op)
    return _Plan(ops, data, temps, mkdirs, late, rmdirs)


def _fits_in_place(t: treefs.Tree, w: FileWrite, e: treefs.Entry, umask: int) -> bool:
    """Whether `w` may rewrite its file through the inode (see the module docstring)."""
    if e.nlink != 1 or (w.mode is not None and _file_mode(w.mode, umask) != stat.S_IMODE(e.mode)):
        return False
    if len(w.content or b"") > e.blocks * 512:
        return False  # new blocks: a full disk could cut the rewrite short after the commit point
    try:
        fd_dir, name = t.parent(w.path)
        os.close(os.open(name, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd_dir))
    except OSError:
        return False  # not writable by us, a running program: a new inode gets the content
    return True


def _emptied_dirs(t: treefs.Tree, deleted: set[str], keep: set[str]) -> list[str]:
    """Directories that deleting files leaves empty (git apply removes them), deepest first."""
    out: list[str] = []
    gone = set(deleted)
    for path in sorted(deleted, key=lambda p: -p.count("/")):
        parent = path.rpartition("/")[0]
        st = t.lstat(path)
        if st is not None and stat.S_ISDIR(st.st_mode):
            parent = path  # a directory in a created file's way: it goes too, if empty
        while parent and parent not in out and parent not in keep:
            try:
                names = os.listdir(t.dir_fd(parent))
            except (OSError, UserError):
                break
            if any(f"{parent}/{n}" not in gone for n in names):
                break
            out.append(parent)
            gone.add(parent)
            parent = parent.rpartition("/")[0]
    return sorted(out, key=lambda d: -d.count("/"))


# --- commit ---------------------------------------------------------------------------------

def commit(tree: Path, writes: list[FileWrite]) -> None:
    """Apply `writes` to `tree` atomically with respect to a killed or interrupted process."""
    with treefs.lock(tree), treefs.Tree(tree) as t:
        recover(tree, t=t)
        token = _token()
        plan = _plan(t, writes, token)
        journal = {"format": FORMAT, "version": VERSION, "tree": t.identity(), "uid": os.getuid(),
                   "token": token, "state": "prepare", "ops": plan.ops, "mkdirs": plan.mkdirs,
                   "late_mkdirs": plan.late_mkdirs, "rmdirs": plan.rmdirs}
        try:
            _dump(t, journal)
            _prepare(t, plan)
        except KeyboardInterrupt:
            _rollback_prepared(t, journal)
            raise Interrupted("interrupted before anything was written: the tree is unchanged",
                              path=str(tree)) from None
        except OSError as exc:
            _rollback_prepared(t, journal)
            raise InfraError(f"could not write ({exc.strerror}); nothing written",
                             path=str(exc.filename or tree)) from None
        journal["state"] = "commit"
        done = [0]
        with _deferred_interrupt() as interrupted:
            _dump(t, journal)  # the commit point
            try:
                _forward(t, journal, [w.content for w in writes], done, interrupted)
            except KeyboardInterrupt:
                raise Interrupted(
                    f"interrupted while writing: {done[0]} of {len(writes)} files written; the journal is kept "
                    "and the next pgtool apply, push or pop completes the change "
                    "(or 'pgtool apply --abort-recovery' undoes it)", path=str(tree)) from None
            except OSError as exc:
                # past the commit point: the journal stays, and the next run finishes the job
                raise InfraError(f"could not finish writing ({exc.strerror}); the journal is kept and the next "
                                 "pgtool apply completes it", path=str(exc.filename or tree)) from None
        _finish(t)


@contextlib.contextmanager
def _deferred_interrupt():
    """Ctrl-C between two file writes stops the run there (the journal completes it later), not mid-file."""
    flag = [False]
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield flag  # the host program handles SIGINT its own way
        return

    def handler(signum, frame):
        flag[0] = True
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _prepare(t: treefs.Tree, plan: _Plan) -> None:
    if plan.data:
        fd = os.open(DATA, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                     dir_fd=t.root_fd)
        try:
            for start in range(0, len(plan.data), 512):  # IOV_MAX is 1024
                chunk = plan.data[start:start + 512]
                done, total = os.writev(fd, chunk), sum(map(len, chunk))
                if done < total:  # a short write: finish the chunk the slow way
                    treefs.write_all(fd, b"".join(chunk)[done:])
        finally:
            os.close(fd)
    for d in plan.mkdirs:
        fd_dir, name = t.parent(d)
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o777, dir_fd=fd_dir)
    for tmp, content, mode, link in plan.temps:
        fd_dir, name = t.parent(tmp)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=fd_dir)
        if link:
            os.symlink(content, name, dir_fd=fd_dir)
            continue
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                     dir_fd=fd_dir)
        try:
            treefs.write_all(fd, content)
            os.fchmod(fd, mode if mode is not None else 0o644)
        finally:
            os.close(fd)


def _forward(t: treefs.Tree, journal: dict, contents: list | None, done: list[int], interrupted: list[bool],
             skip: set[int] | None = None) -> None:
    """Every step after the commit point, in git's order; `contents` (by op) spares the data file."""
    ops = journal["ops"]
    data = _open_data(t) if contents is None else None
    try:
        for i, op in enumerate(ops):
            if op["how"] == "delete" and not (skip and i in skip):
                t.unlink(op["path"])
                done[0] += 1
        for d in journal["rmdirs"]:
            t.rmdir(d)
        for d in journal["late_mkdirs"]:
            t.dir_fd(d, create=True)
        for i, op in enumerate(ops):
            if interrupted[0]:
                raise KeyboardInterrupt
            if op["how"] == "delete" or (skip and i in skip):
                continue
            fd_dir, name = t.parent(op["path"], create=True)
            if op["how"] == "rename":
                tfd, tname = t.parent(op["tmp"])
                try:
                    os.rename(tname, name, src_dir_fd=tfd, dst_dir_fd=fd_dir)
                except FileNotFoundError:
                    pass  # done before the interruption
            else:
                content = contents[i] if contents is not None else _slice(data, op["at"], op["size"])
                _rewrite(fd_dir, name, content)
            done[0] += 1
        if interrupted[0]:
            raise KeyboardInterrupt
    finally:
        if isinstance(data, mmap.mmap):
            data.close()


def _rewrite(fd_dir: int, name: str, content) -> None:
    """Rewrite an existing file through its inode: overwrite, then cut to length."""
    fd = os.open(name, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd_dir)
    try:
        treefs.write_all(fd, content)
        os.ftruncate(fd, len(content))  # not O_TRUNC: ext4 then forces the new blocks out at close
    finally:
        os.close(fd)


def _finish(t: treefs.Tree) -> None:
    for name in (DATA, JOURNAL):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=t.root_fd)


def _open_data(t: treefs.Tree):
    try:
        fd = os.open(DATA, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=t.root_fd)
    except FileNotFoundError:
        return None
    try:
        size = os.fstat(fd).st_size
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ) if size else b""
    finally:
        os.close(fd)


def _slice(data, at: int, size: int) -> bytes:
    if data is None or at + size > len(data):
        raise ForeignJournal("the apply journal's data file is missing or short; inspect the tree, then "
                             "'pgtool apply --abort-recovery' drops the journal")
    return data[at:at + size]


# --- recovery -------------------------------------------------------------------------------

@dataclass
class Recovery:
    """What recovery did: a message for the user, and the files it left as the user had them."""

    message: str
    kept: list[str]


def pending(tree: Path) -> bool:
    """Whether an interrupted change's journal is waiting in `tree`."""
    return os.path.lexists(os.path.join(tree, JOURNAL))


def recover(tree: Path, mode: str = "auto", t: treefs.Tree | None = None) -> str | None:
    """Finish or undo an interrupted write; a message saying which, or None when there was none.

    mode "auto" rolls a committed change forward unless files changed since
    (then RecoveryConflict), "continue" finishes it keeping changed files as
    they are, "abort" undoes it keeping them too.
    """
    with treefs.lock(tree), contextlib.ExitStack() as stack:
        if t is None:
            t = stack.enter_context(treefs.Tree(tree))
        try:
            got = _recover(t, mode)
        except OSError as exc:
            raise InfraError(f"could not finish the interrupted apply ({exc.strerror}); its journal is kept, "
                             "run again once that is fixed", path=str(exc.filename or tree)) from None
        return got.message if got else None


def _recover(t: treefs.Tree, mode: str) -> Recovery | None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(JOURNAL + ".tmp", dir_fd=t.root_fd)
    where = os.path.join(t.root, JOURNAL)
    try:
        fd = os.open(JOURNAL, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=t.root_fd)
    except FileNotFoundError:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(DATA, dir_fd=t.root_fd)  # left by a run killed while removing its journal
        if mode != "auto":
            raise UserError("no interrupted apply to recover (no journal)", path=where)
        return None
    except OSError as exc:
        if mode == "abort":
            _finish(t)
            return Recovery("removed an apply journal that was not a regular file; nothing else touched", [])
        raise ForeignJournal(f"unusable apply journal ({exc.strerror}); 'pgtool apply --abort-recovery' "
                             "removes it", path=where) from None
    try:
        st = os.fstat(fd)
        raw = os.read(fd, 64 << 20) if stat.S_ISREG(st.st_mode) else b""
    finally:
        os.close(fd)
    why = None
    try:
        journal = json.loads(raw)
        why = _invalid(journal, t, st)
    except (ValueError, UnicodeDecodeError):
        journal, why = None, "not a pgtool journal (unreadable)"
    if why:
        if mode == "abort":
            _finish(t)  # the journal and its data file only: nothing it names is touched
            return Recovery(f"removed an apply journal pgtool did not write for this tree ({why}); "
                            "nothing else touched", [])
        raise ForeignJournal(f"{why}: refusing to act on it; 'pgtool apply --abort-recovery' removes the journal "
                             "and touches nothing else", path=where)
    assert journal is not None
    if journal["state"] == "prepare":
        _rollback_prepared(t, journal)
        return Recovery(f"rolled back an interrupted apply ({len(journal['ops'])} files untouched)", [])
    return _recover_committed(t, journal, mode, where)


def _invalid(journal, t: treefs.Tree, st: os.stat_result) -> str | None:
    """Why `journal` is not one pgtool wrote for this tree, or None."""
    if not isinstance(journal, dict) or journal.get("format") != FORMAT:
        return "not a pgtool apply journal"
    if journal.get("version") != VERSION:
        return f"an apply journal of another format version ({journal.get('version')!r})"
    if journal.get("tree") != t.identity():
        return "an apply journal written for another tree (copied or unpacked here)"
    if journal.get("uid") != os.getuid() or st.st_uid != os.getuid():
        return "an apply journal written by another user"
    token = journal.get("token")
    if not isinstance(token, str) or not _TOKEN.match(token) or journal.get("state") not in ("prepare", "commit"):
        return "a malformed apply journal"
    ops = journal.get("ops")
    if not isinstance(ops, list):
        return "a malformed apply journal"
    for key in ("mkdirs", "late_mkdirs", "rmdirs"):
        dirs = journal.get(key)
        if not isinstance(dirs, list) or any(not isinstance(d, str) or treefs.refusal(d) for d in dirs):
            return f"a journal entry the path policy refuses ({key})"
    for i, op in enumerate(ops):
        if not isinstance(op, dict) or not isinstance(op.get("path"), str) or treefs.refusal(op["path"]):
            return "a journal entry the path policy refuses"
        if op.get("how") not in ("delete", "rewrite", "rename"):
            return "a malformed apply journal"
        for key in ("pre", "post"):
            if op.get(key) not in (None, "dir") and not (isinstance(op[key], str) and _DIGEST.match(op[key])):
                return "a malformed apply journal"
        if op.get("pre_kind") not in ("file", "link", "dir", "absent"):
            return "a malformed apply journal"
        for key in ("at", "size", "pre_at", "pre_size"):
            if key in op and not (isinstance(op[key], int) and op[key] >= 0):
                return "a malformed apply journal"
        if op["how"] == "rename" and not (isinstance(op.get("tmp"), str) and _is_our_temp(op["tmp"], op["path"],
                                                                                              token, i)):
            return "a journal entry names a temp file pgtool would not make"
        if "pre_link" in op and not (isinstance(op["pre_link"], str) and re.fullmatch(r"[0-9a-f]*", op["pre_link"])):
            return "a malformed apply journal"
    return None


def _rollback_prepared(t: treefs.Tree, journal: dict) -> None:
    """Undo a change that never reached its commit point: only what it made goes."""
    for op in journal["ops"]:
        if op.get("tmp"):
            with contextlib.suppress(OSError, UserError):
                st = t.lstat(op["tmp"])
                if st is not None and (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
                    t.unlink(op["tmp"])
    for d in sorted(journal.get("mkdirs", []), key=len, reverse=True):
        with contextlib.suppress(UserError):
            t.rmdir(d)
    _finish(t)


def _state(t: treefs.Tree, op: dict, data) -> str:
    """done | todo | torn | changed | lost: where one file of a committed change stands."""
    e = t.entry(op["path"])
    now = e.state()
    if now == op["post"]:
        return "done"
    if now == op["pre"] or (op["pre_kind"] == "dir" and now is None):
        if op["how"] == "rename":
            return "todo" if t.lstat(op["tmp"]) is not None else "lost"
        return "todo"
    if op["how"] == "rewrite" and e.kind == "file":
        pre = _slice(data, op["pre_at"], op["pre_size"])
        post = _slice(data, op["at"], op["size"])
        if _torn(e.data or b"", bytes(pre), bytes(post)):
            return "torn"
    return "changed"


def _torn(now: bytes, pre: bytes, post: bytes) -> bool:
    """`now` is what an interrupted in-place rewrite of `pre` into `post` leaves: post's head on pre's tail."""
    limit = min(len(now), len(post))
    c, step = 0, 4096
    while c < limit and now[c:c + step] == post[c:c + step]:
        c += step
    c = min(c, limit)
    while c < limit and now[c] == post[c]:  # the first differing byte, inside the block
        c += 1
    return now[c:] == pre[c:]


def _recover_committed(t: treefs.Tree, journal: dict, mode: str, where: str) -> Recovery:
    data = _open_data(t)
    try:
        states = [_state(t, op, data) for op in journal["ops"]]
        changed = [op["path"] for op, s in zip(journal["ops"], states) if s in ("changed", "lost")]
        if changed and mode == "auto":
            shown = ", ".join(treefs.printable(p) for p in changed[:10]) + (" ..." if len(changed) > 10 else "")
            raise RecoveryConflict(
                f"an interrupted apply is pending, but {len(changed)} of its files changed since: {shown}; "
                "nothing done. 'pgtool apply --continue' finishes it and keeps those files as they are; "
                "'pgtool apply --abort-recovery' undoes it and keeps them too", path=where)
        skip = {i for i, s in enumerate(states) if s in ("changed", "lost")}
        if mode == "abort":
            _undo(t, journal, states, data)
            _finish(t)
            return Recovery(f"undid an interrupted apply ({len(journal['ops']) - len(skip)} files restored"
                            + (f", {len(skip)} kept as edited" if skip else "") + ")", changed)
        todo = {i for i, s in enumerate(states) if s == "done"} | skip
        _forward(t, journal, None, [0], [False], skip=todo)
    finally:
        if isinstance(data, mmap.mmap):
            data.close()
    _finish(t)
    return Recovery(f"rolled forward an interrupted apply ({len(journal['ops'])} files"
                    + (f", {len(skip)} kept as edited" if skip else "") + ")", changed)


def _undo(t: treefs.Tree, journal: dict, states: list[str], data) -> None:
    """Put back every pre-image the change replaced, leaving files the user changed as they are."""
    ops = journal["ops"]
    for op in ops:  # the temp files the change did not get to rename
        if op.get("tmp"):
            st = t.lstat(op["tmp"])
            if st is not None and not stat.S_ISDIR(st.st_mode):
                t.unlink(op["tmp"])
    back = [i for i, s in enumerate(states) if s in ("done", "torn")]
    for i in back:
        if ops[i]["pre_kind"] in ("absent", "dir"):
            t.unlink(ops[i]["path"])
    for d in sorted(journal["late_mkdirs"] + journal["mkdirs"], key=len, reverse=True):
        t.rmdir(d)
    for d in sorted(journal["rmdirs"], key=len):
        with contextlib.suppress(OSError):
            t.dir_fd(d, create=True)
    for i in back:
        op = ops[i]
        if op["pre_kind"] == "file":
            t.replace(op["path"], bytes(_slice(data, op["pre_at"], op["pre_size"])), op.get("pre_mode", 0o644))
        elif op["pre_kind"] == "link":
            t.replace_link(op["path"], bytes.fromhex(op["pre_link"]))
