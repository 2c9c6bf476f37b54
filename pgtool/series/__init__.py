"""Patch queues in quilt's format: `patches/<queue>/series` plus `.pc/` state.

queue.py   the series file and the applied stack (`.pc/applied-patches`),
           backups of pre-push files (`.pc/<patch>/...`), exactly as quilt
           keeps them, so quilt and pgtool can push and pop each other's work;
refresh.py rewrites the top patch from the tree, keeping its header;
ops.py     push / pop / import on top of the apply engine;
check.py   `pgtool check`: push, diff-scoped lint, boot, one summary;
hook.py    the pre-commit hook and `pgtool hook install`.
"""
