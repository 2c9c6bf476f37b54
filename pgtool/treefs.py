"""One path policy for everything pgtool writes or deletes, and the tree lock.

Every path pgtool writes, deletes or reads back for recovery (a patch's
files, series entries, `.pc/` backups, journal entries, `.rej` files) is a
tree-relative name that must pass `check_rel` before anything is read or
written, the rules of git's `verify_path`:

- relative, non-empty, no empty, `.` or `..` component;
- no control characters;
- no component that names git's own folder: `.git` in any case, and the
  spellings other file systems fold into it (`.git.`, `.git `, `git~1`).

And every access goes through `Tree`, which walks each directory component
from an open descriptor of the tree root with O_NOFOLLOW: a symbolic link
anywhere in the path is refused by the kernel itself ("beyond a symbolic
link"), so a directory replaced by a link to the outside cannot be written
through, whatever was checked before.

`lock(tree)` serialises the commands that change a tree (apply, push, pop,
refresh, recovery) for their whole run: a flock on the tree directory,
re-entrant within one process so that push can hold it around the apply
engine, which takes it too.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import posixpath
import re
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from pgtool.errors import UserError
from pgtool.printable import printable

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class PathRefused(UserError):
    """A path pgtool will not write, read back or delete (exit 2)."""




def is_git_dir_name(component: str) -> bool:
    """`.git` as git's verify_path sees it on any file system (case, NTFS dots and spaces, 8.3 name)."""
    low = component.lower()
    return low.rstrip(". ") == ".git" or low == "git~1"


def refusal(rel: str) -> str | None:
    """Why `rel` breaks the path policy ("it ..."), or None when it may be used."""
    if not rel:
        return "is empty"
    if _CONTROL.search(rel):
        return "has control characters"
    if rel.startswith("/"):
        return "is absolute"
    parts = rel.split("/")
    if ".." in parts:
        return "has a '..' component"
    if "" in parts or "." in parts:
        return "has an empty or '.' component"
    low = rel.lower()
    if ("git" in low) and any(is_git_dir_name(p) for p in parts):
        return "is inside git's own folder (.git)"
    return None


def check_rel(rel: str, *, source: str | None = None, line: int | None = None, what: str = "file name") -> str:
    """`rel` when it passes the policy; else a PathRefused naming `source` and `line`."""
    why = refusal(rel)
    if why:
        raise PathRefused(f"refusing {what} '{printable(rel)}': it {why}", path=source, line=line)
    return rel


def check_link_target(rel: str, target: bytes, *, source: str | None = None, line: int | None = None) -> None:
    """A symlink pgtool creates at `rel` must point inside the tree, and not into `.git`."""
    text = target.decode("utf-8", "surrogateescape")
    where = posixpath.normpath(posixpath.join(posixpath.dirname(rel), text)) if text else ""
    why = None
    if not text or _CONTROL.search(text):
        why = "an empty target or one with control characters"
    elif text.startswith("/"):
        why = "an absolute target"
    elif where == ".." or where.startswith("../"):
        why = "a target outside the tree"
    elif any(is_git_dir_name(p) for p in where.split("/")):
        why = "a target inside git's own folder (.git)"
    if why:
        raise PathRefused(f"refusing symbolic link '{printable(rel)}' -> '{printable(text)}': {why}",
                          path=source, line=line)


def digest(kind: str, data: bytes | None) -> str | None:
    """The identity of a file's state: its type and bytes (a link: its target). None: absent."""
    if data is None:
        return None
    h = hashlib.sha256(b"l\0" if kind == "link" else b"f\0")
    h.update(data)
    return h.hexdigest()


@dataclass(frozen=True)
class Entry:
    """What one tree-relative path holds, seen without following links."""

    kind: str                 # file | link | dir | other | absent
    data: bytes | None = None  # a file's bytes, a link's target
    mode: int = 0             # st_mode (0 when absent)
    nlink: int = 0
    blocks: int = 0           # st_blocks: 512-byte units the file holds on disk
    signature: tuple | None = None  # what changes whenever the file does: see `signature()`

    def digest(self) -> str | None:
        return digest(self.kind, self.data) if self.kind in ("file", "link") else None

    def state(self) -> str | None:
        """The digest of a file or link, None when absent, else the kind ('dir', 'other')."""
        if self.kind in ("file", "link"):
            return self.digest()
        return None if self.kind == "absent" else self.kind


def signature(st: os.stat_result | None) -> tuple | None:
    """Inode, size and change times: equal before and after only when nothing touched the file."""
    if st is None:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, stat.S_IFMT(st.st_mode))


class Tree:
    """A tree's files, reached only through its directories, never through a link.

    Directory descriptors are cached for the object's life; `close()` (or a
    `with` block) releases them. Every method takes a path that already passed
    `check_rel`; it raises PathRefused when a component on the way is a link
    or not a directory.
    """

    def __init__(self, root: str | Path):
        self.root = str(root)
        try:
            self.root_fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise UserError(f"tree not usable: {exc.strerror}", path=self.root) from None
        self._dirs: dict[str, int] = {"": self.root_fd}

    def __enter__(self) -> "Tree":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for fd in self._dirs.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._dirs = {}

    def identity(self) -> list[int]:
        st = os.fstat(self.root_fd)
        return [st.st_dev, st.st_ino]

    def forget_dir(self, rel_dir: str) -> None:
        """Drop cached descriptors of `rel_dir` and below (it was removed or replaced)."""
        for key in [k for k in self._dirs if k and (k == rel_dir or k.startswith(rel_dir + "/"))]:
            with contextlib.suppress(OSError):
                os.close(self._dirs.pop(key))

    # --- walking -------------------------------------------------------------
    def dir_fd(self, rel_dir: str, create: bool = False) -> int:
        """An open descriptor of the directory `rel_dir` ('' is the root), reached without links."""
        fd = self._dirs.get(rel_dir)
        if fd is not None:
            return fd
        head, _, name = rel_dir.rpartition("/")
        parent = self.dir_fd(head, create)
        try:
            fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
        except FileNotFoundError:
            if not create:
                raise
            os.mkdir(name, 0o777, dir_fd=parent)
            fd = os.open(name, _DIR_FLAGS, dir_fd=parent)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                st = _lstat_at(parent, name)
                if st is not None and stat.S_ISLNK(st.st_mode):
                    raise PathRefused(f"refusing '{printable(rel_dir)}/...': it is beyond a symbolic link",
                                      path=self.root) from None
                raise NotADirectoryError(errno.ENOTDIR, "Not a directory", rel_dir) from None
            raise
        self._dirs[rel_dir] = fd
        return fd

    def parent(self, rel: str, create: bool = False) -> tuple[int, str]:
        head, _, name = rel.rpartition("/")
        return self.dir_fd(head, create), name

    # --- reading -------------------------------------------------------------
    def lstat(self, rel: str) -> os.stat_result | None:
        """lstat of `rel`, None when absent (or under something that is not a directory)."""
        try:
            fd, name = self.parent(rel)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return _lstat_at(fd, name)

    def entry(self, rel: str, read: bool = True) -> Entry:
        """What `rel` holds now, read without following any link (without `read`: a file's bytes unread)."""
        try:
            fd, name = self.parent(rel)
        except (FileNotFoundError, NotADirectoryError):
            return Entry("absent")
        st = _lstat_at(fd, name)
        if st is None:
            return Entry("absent")
        sig = signature(st)
        if stat.S_ISLNK(st.st_mode):
            return Entry("link", os.fsencode(os.readlink(name, dir_fd=fd)), st.st_mode, st.st_nlink, 0, sig)
        if stat.S_ISDIR(st.st_mode):
            return Entry("dir", None, st.st_mode, st.st_nlink, 0, sig)
        if not stat.S_ISREG(st.st_mode):
            # never opened: a FIFO or device may block or act
            return Entry("other", None, st.st_mode, st.st_nlink, 0, sig)
        data = self._read_at(fd, name) if read else None
        return Entry("file", data, st.st_mode, st.st_nlink, st.st_blocks, sig)

    def read(self, rel: str) -> bytes | None:
        """A regular file's bytes; None when `rel` is absent or is not a regular file."""
        e = self.entry(rel)
        return e.data if e.kind == "file" else None

    @staticmethod
    def _read_at(dir_fd: int, name: str) -> bytes:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise PathRefused(f"'{printable(name)}' is not a regular file")
            chunks = []
            size = st.st_size + 1  # one read past the size sees a file that grew meanwhile
            while True:
                chunk = os.read(fd, max(size, 65536))
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)

    # --- writing -------------------------------------------------------------
    def create(self, rel: str, data: bytes, mode: int = 0o666, exclusive: bool = True) -> None:
        """Create `rel` (a new name; its directories are made as needed) holding `data`."""
        fd_dir, name = self.parent(rel, create=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | (os.O_EXCL if exclusive else os.O_TRUNC)
        fd = os.open(name, flags, mode, dir_fd=fd_dir)
        try:
            write_all(fd, data)
        finally:
            os.close(fd)

    def replace(self, rel: str, data: bytes, mode: int | None = None) -> None:
        """Give `rel` new contents through a new inode (temp file and rename), atomically."""
        fd_dir, name = self.parent(rel, create=True)
        tmp = f".{name}.pgtool-tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=fd_dir)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                     0o666 if mode is None else mode, dir_fd=fd_dir)
        try:
            write_all(fd, data)
            if mode is not None:
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.rename(tmp, name, src_dir_fd=fd_dir, dst_dir_fd=fd_dir)

    def replace_link(self, rel: str, target: bytes) -> None:
        """Make `rel` a symbolic link to `target`, atomically (a temp link and a rename)."""
        fd_dir, name = self.parent(rel, create=True)
        tmp = f".{name}.pgtool-tmp"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp, dir_fd=fd_dir)
        os.symlink(target, tmp, dir_fd=fd_dir)
        os.rename(tmp, name, src_dir_fd=fd_dir, dst_dir_fd=fd_dir)

    def touch(self, rel: str) -> None:
        """Set the mtime of the existing file `rel` to now (never through a link)."""
        fd_dir, name = self.parent(rel)
        os.utime(name, dir_fd=fd_dir, follow_symlinks=False)

    def unlink(self, rel: str, missing_ok: bool = True) -> None:
        try:
            fd_dir, name = self.parent(rel)
            os.unlink(name, dir_fd=fd_dir)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def rmdir(self, rel: str) -> bool:
        """Remove the directory `rel` if it is empty; whether it is gone."""
        try:
            fd_dir, name = self.parent(rel)
            os.rmdir(name, dir_fd=fd_dir)
        except FileNotFoundError:
            pass
        except OSError:
            return False
        self.forget_dir(rel)
        return True


def _lstat_at(dir_fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None


def write_all(fd: int, data) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# --- the tree lock ----------------------------------------------------------

_held: dict[tuple[int, int], tuple[int, int]] = {}   # (dev, ino) -> (fd, depth)
_held_guard = threading.Lock()


@contextlib.contextmanager
def lock(tree: str | Path, wait: bool = True):
    """Hold the tree's lock for the block: one changing command at a time per tree.

    Re-entrant within the process (flock would block on a second descriptor
    of the same directory). Without `wait`, a held lock is a UserError.
    """
    try:
        st = os.stat(tree)
    except OSError as exc:
        raise UserError(f"tree not usable: {exc.strerror}", path=str(tree)) from None
    key = (st.st_dev, st.st_ino)
    with _held_guard:
        held = _held.get(key)
        if held is not None:
            _held[key] = (held[0], held[1] + 1)
    if held is not None:
        try:
            yield
        finally:
            with _held_guard:
                fd, depth = _held[key]
                _held[key] = (fd, depth - 1)
        return
    fd = os.open(tree, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise UserError("another pgtool command is changing this tree", path=str(tree)) from None
        with _held_guard:
            _held[key] = (fd, 1)
        try:
            yield
        finally:
            with _held_guard:
                del _held[key]
    finally:
        os.close(fd)
