"""The kernel configuration: tinyconfig plus fragments, then verified.

`tiny` is tinyconfig plus `fragments/boot.config` (printk, BUG, serial
console, initrd, ELF, devtmpfs, pvpanic, panic reboots at once); `debug`
adds `fragments/debug.config` (lockdep and the runtime checkers); any other
value is a fragment file merged on top of `tiny`. The merge uses the tree's
own `scripts/kconfig/merge_config.sh` and `make olddefconfig`, as tuxmake's
--kconfig-add does, so Kconfig resolves dependencies the tree's way. Kconfig
silently drops what it cannot satisfy; `verify()` reports every such option
by name, with the fragment line that asked for it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pgtool.errors import UserError
from pgtool.printable import printable

FRAGMENT_DIR = Path(__file__).resolve().parent / "fragments"
BASE_FRAGMENT = FRAGMENT_DIR / "boot.config"
NAMED_CONFIGS = {"tiny": [BASE_FRAGMENT], "debug": [BASE_FRAGMENT, FRAGMENT_DIR / "debug.config"]}

_SET = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$")
_UNSET = re.compile(r"^# (CONFIG_[A-Za-z0-9_]+) is not set\s*$")


@dataclass(frozen=True)
class Option:
    """One line of a fragment: `name` should end up as `value` ("n" = unset)."""
    name: str
    value: str
    path: Path
    line: int
    strict: bool  # False for the base fragment: a tree lacking it still boots


@dataclass(frozen=True)
class ConfigSpec:
    name: str                # "tiny", "debug" or the fragment file's stem
    fragments: list[Path]

    def digest(self) -> str:
        h = hashlib.sha256(self.name.encode())
        for frag in self.fragments:
            h.update(frag.read_bytes())
        return h.hexdigest()


@dataclass(frozen=True)
class Mismatch:
    option: Option
    actual: str              # "n" when unset or absent

    def message(self) -> str:
        return (f"{self.option.path}:{self.option.line}: {self.option.name}={self.option.value} "
                f"requested but the final .config has {self.actual!r} (dropped by Kconfig: "
                "unmet dependency or unknown symbol)")


def resolve(config: str) -> ConfigSpec:
    """`tiny`, `debug` or a fragment file -> the fragments to merge, in order."""
    if config in NAMED_CONFIGS:
        return ConfigSpec(config, list(NAMED_CONFIGS[config]))
    path = Path(config)
    if not path.is_file():
        raise UserError(f"unknown config {printable(config)!r}: use tiny, debug or a fragment file")
    spec = ConfigSpec(path.stem, [BASE_FRAGMENT, path.resolve()])
    requested(spec)  # an unreadable fragment or a bad line is refused now, not after tinyconfig
    return spec


# What `make tinyconfig` merges on top of allnoconfig, before our fragments.
TREE_TINY_FRAGMENTS = ("kernel/configs/tiny.config", "arch/x86/configs/tiny.config")
_COMPRESSION = re.compile(r"^CONFIG_KERNEL_(GZIP|BZIP2|LZMA|XZ|LZO|LZ4|ZSTD)=y\s*$", re.M)


def compression(tree: Path, spec: ConfigSpec) -> str:
    """The bzImage compression the build will use (`XZ`, `GZIP`, ...), read from
    the tree's tiny.config files and the fragments, the last choice winning;
    Kconfig's default, gzip, when none chooses."""
    chosen = "GZIP"
    for path in [*(tree / rel for rel in TREE_TINY_FRAGMENTS), *spec.fragments]:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found = _COMPRESSION.findall(text)
        if found:
            chosen = found[-1]
    return chosen


def parse_fragment(path: Path, strict: bool = True) -> list[Option]:
    """The options of a Kconfig fragment; anything else is an error with its line."""
    options = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UserError(f"cannot read config fragment: {exc.strerror}", path=printable(str(path))) from None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if m := _SET.match(line):
            value = m.group(2).strip()
            options.append(Option(m.group(1), "n" if value == "n" else value, path, number, strict))
        elif m := _UNSET.match(line):
            options.append(Option(m.group(1), "n", path, number, strict))
        elif line and not line.startswith("#"):
            raise UserError(f"not a Kconfig line: {raw.strip()!r}", path=printable(str(path)), line=number)
    return options


def requested(spec: ConfigSpec) -> dict[str, Option]:
    """Every option the fragments ask for; a later fragment overrides."""
    out: dict[str, Option] = {}
    for frag in spec.fragments:
        for opt in parse_fragment(frag, strict=frag != BASE_FRAGMENT):
            out[opt.name] = opt
    return out


def read_dotconfig(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if m := _SET.match(line):
            values[m.group(1)] = m.group(2)
        elif m := _UNSET.match(line):
            values[m.group(1)] = "n"
    return values


def verify(dotconfig: Path, wanted: dict[str, Option]) -> list[Mismatch]:
    """Options whose final value differs from the request (string values compared unquoted)."""
    have = read_dotconfig(dotconfig)
    out = []
    for opt in wanted.values():
        actual = have.get(opt.name, "n")
        if actual.strip('"') != opt.value.strip('"'):
            out.append(Mismatch(opt, actual))
    return out
