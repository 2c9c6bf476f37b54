"""Import-on-use of "module:attribute" targets (CLI commands, check families).

A target whose module is not there (an optional plug-in) resolves to None;
an import error inside a module that is there is a bug and propagates.
"""

from __future__ import annotations

import importlib


def resolve(target: str):
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, attr, None)
