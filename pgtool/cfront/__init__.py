"""The C front-end: kernel C files (2.x and 6.x) into pycparser ASTs, header-free.

Re-exports only; see frontend.py (entry points), model.py (results),
hints.py (rules/macros.toml), config.py (settings).
"""

from pgtool.cfront.config import FrontendConfig
from pgtool.cfront.frontend import default_cache_dir, parse_file, parse_files
from pgtool.cfront.hints import MacroEffect, MacroHints, load_hints, macro_effect
from pgtool.cfront.model import Annotation, FileDecls, Function, ParsedFile, ParseFailure

__all__ = [
    "Annotation",
    "FileDecls",
    "FrontendConfig",
    "Function",
    "MacroEffect",
    "MacroHints",
    "ParseFailure",
    "ParsedFile",
    "default_cache_dir",
    "load_hints",
    "macro_effect",
    "parse_file",
    "parse_files",
]
