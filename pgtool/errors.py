"""The two kinds of failure pgtool reports, caught once in `pgtool.cli.main`.

A UserError is the user's input (a bad patch, a path outside the tree, an
unknown option value); an InfraError is the machine (a missing compiler, QEMU,
a full disk). Both carry a one-line message, ideally `file:line: what`.
"""

from __future__ import annotations


class PgtoolError(Exception):
    """Base class: a one-line message and the process exit code."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        super().__init__(message)

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        from pgtool.printable import printable

        return printable(where + " ".join(str(self).split("\n")))


class UserError(PgtoolError):
    """Bad input from the user: exit 2."""


class InfraError(PgtoolError):
    """The machine lacks something or failed (tool missing, disk full): exit 2."""


class Interrupted(PgtoolError):
    """The user stopped the run (Ctrl-C); the message says what state the tree is in."""

    exit_code = 130
