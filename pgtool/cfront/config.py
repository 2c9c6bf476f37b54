"""Front-end settings: which preprocessor, which kernel configuration, which hints.

The settings are part of the cache key, so changing any of them re-parses.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FrontendConfig:
    cpp: str = "gcc"  # the C preprocessor driver (gcc -E -undef -nostdinc)
    # Kernel configuration for #if: a generated autoconf.h when the tree has
    # one (found upwards from the file), else every CONFIG_ symbol the file
    # tests is taken as enabled ("all-on"), which reads the code the way
    # ctags and reviewers do; `defines` override both.
    use_tree_config: bool = True
    all_on: bool = True
    defines: tuple[tuple[str, str], ...] = (("__KERNEL__", "1"), ("__SMP__", "1"))
    undefines: tuple[str, ...] = ()
    both_branches: bool = True  # also read the #else side of every #if (see parse_file)
    # The further readings, in order: "forced" (each #if group on a branch the
    # first reading skipped), "forced2" (on the second such branch where there
    # is one), "negated", "all" (tested symbols defined), "off".
    alt_readings: tuple[str, ...] = ("forced",)
    rules: str | None = None  # rules directory holding macros.toml (None: default)
    max_retries: int = 24  # parse retries per function after learning a typedef
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def key(self, hints_digest: str) -> str:
        data = asdict(self)
        data.pop("extra")
        data["hints"] = hints_digest
        data["version"] = FRONTEND_VERSION
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:20]


def _code_version() -> str:
    """A hash of the front-end's own code: any change to it invalidates caches."""
    h = hashlib.sha256()
    for src in sorted(Path(__file__).parent.glob("*.py")):
        h.update(src.name.encode() + b"\0" + src.read_bytes())
    return h.hexdigest()[:16]


# Part of every cache key (ours and the lint's): results of another version
# of the front-end are never reused.
FRONTEND_VERSION = _code_version()


def find_tree_config(path: str | Path) -> Path | None:
    """The kernel tree's generated autoconf.h above `path`, if it was configured."""
    here = Path(path).resolve().parent
    for parent in (here, *here.parents):
        candidate = parent / "include" / "generated" / "autoconf.h"
        if candidate.is_file():
            return candidate
        if (parent / "Kbuild").is_file() and (parent / "Makefile").is_file() and (parent / "MAINTAINERS").exists():
            return None  # the tree's root, unconfigured
    return None
