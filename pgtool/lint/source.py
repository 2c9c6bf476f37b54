"""Where the lint gets its parsed functions: the C front-end (`pgtool.cfront`).

`parse_text` is the single call site of the front-end, so the lint depends
only on its contract (Function, ParseFailure, FileDecls, ParsedFile).
"""

from __future__ import annotations

import sys

# pycparser 3's recursive-descent parser and c_generator are recursive;
# kernel expressions nest deeply (see the front-end notes)
sys.setrecursionlimit(max(sys.getrecursionlimit(), 100000))


def parse_text(path: str, text: str, rules_dir: str | None = None):
    """Parse one file's text into a `pgtool.cfront.ParsedFile`, with the
    macro hints of `rules_dir` (the lint's --rules) when one is given."""
    from pgtool.cfront import parse_file
    from pgtool.cfront.config import FrontendConfig

    return parse_file(path, text=text, config=FrontendConfig(rules=rules_dir) if rules_dir else None)
