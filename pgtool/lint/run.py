"""Lint many files: parse, run the check families, cache, parallelise.

Two phases, so a tree-wide run is parallel per file and still
interprocedural across files:
  A. per file (worker processes, cached under a hash of the file's bytes, the
     rule files and the settings): parse, analyse with that file's own
     summaries and those of the local headers it includes, export the
     summaries of its non-static functions;
  B. files calling a function summarised in another file are analysed again
     with those summaries (cached under the summaries' hash too).
Local headers (`#include "sched.h"` beside the file, and what they include
the same way) are summarised first, like files, but export their static
inline helpers too (task_rq_unlock() is the includer's code); their own
findings are not reported. A warm run whose files did not change reads every
result from the cache and parses nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pgtool import __version__
from pgtool.errors import UserError
from pgtool.lint import checks
from pgtool.lint.findings import FileFailure, Finding, LintResult
from pgtool.printable import printable
from pgtool.rules import rules_dir

CACHE_VERSION = "lint-1"


@dataclass
class Settings:
    families: tuple[str, ...] = ("locks",)
    rules_dir: str | None = None
    budget: int = 20000
    cache_dir: str | None = None      # None: no cache
    jobs: int = 1
    patch_text: str | None = None     # diff mode: the change under review (flags audit what it adds)
    tree: str | None = None           # the kernel tree (where family headers are found)


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    exported: dict = field(default_factory=dict)   # name -> [Summary] of non-static functions
    external_calls: set = field(default_factory=set)   # called names not defined in the file
    effects: dict = field(default_factory=dict)    # name -> lock ops of each function defined here
    functions: int = 0
    lines: int = 0


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pgtool" / "lint"


def settings_digest(settings: Settings) -> str:
    """Everything besides the file that changes a file's results."""
    h = hashlib.sha256(f"{CACHE_VERSION}\0{__version__}\0{settings.families}\0{settings.budget}".encode())
    rdir = rules_dir(settings.rules_dir)
    for name in ("locks", "macros", "flags"):
        path = rdir / f"{name}.toml"
        if path.is_file():
            h.update(path.read_bytes())
    # the analysis code itself: a changed checker must not serve old results
    for src in sorted(Path(__file__).parent.glob("*.py")):
        h.update(src.read_bytes())
    try:
        from pgtool.cfront.config import FRONTEND_VERSION
        h.update(FRONTEND_VERSION.encode())
    except ImportError:
        pass
    return h.hexdigest()[:24]


def _cache_get(settings: Settings, key: str):
    if not settings.cache_dir:
        return None
    path = Path(settings.cache_dir) / key[:2] / f"{key[2:]}.pickle"
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def _cache_put(settings: Settings, key: str, value) -> None:
    if not settings.cache_dir:
        return
    path = Path(settings.cache_dir) / key[:2] / f"{key[2:]}.pickle"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass   # a read-only cache only costs speed


def read_text(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", errors="surrogateescape")
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=path) from None


def _read_bytes(path: str) -> bytes | FileResult:
    """The file's bytes, or the result of a file that cannot be read: it is
    listed as not analysed, like a chunk the front-end cannot parse."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        return FileResult(path, failures=[FileFailure(path, 0, None, f"cannot read: {exc.strerror}")])


def analyse_text(path: str, text: str | None, settings: Settings, external: dict | None = None,
                 scope: set | None = None, parsed=None) -> FileResult:
    """Parse one file's text (unless `parsed` is given) and run the families over it (no cache)."""
    from pgtool.lint.locks import called_names
    from pgtool.lint.lockrules import load_lock_rules
    from pgtool.lint.source import parse_text

    if parsed is None:
        parsed = parse_text(path, text, settings.rules_dir)
    rules = load_lock_rules(settings.rules_dir)
    ctx = checks.CheckContext(parsed.functions, {path: parsed.decls}, scope=scope,
                              rules_dir=settings.rules_dir, budget=settings.budget,
                              noreturn=rules.noreturn)
    ctx.external_summaries = external or {}
    ctx.patch_text = settings.patch_text
    ctx.tree = settings.tree
    findings = checks.run_families(settings.families, ctx)
    result = FileResult(path, findings, [FileFailure(f.file, f.line, f.name, f.reason) for f in parsed.failures],
                        functions=len(parsed.functions), lines=parsed.lines)
    defined = {f.name for f in parsed.functions}
    for f in parsed.functions:
        result.external_calls |= called_names(f.ast) - defined
    sums = getattr(ctx, "lock_summaries", {})
    header = path.endswith(".h")
    for name, lst in sums.items():
        # a header's static inline functions are compiled into each includer: visible to it
        keep = [dataclasses.replace(s, static=False) if header else s
                for s in lst if (header or not s.static) and s.file == path]
        if keep:
            result.exported[name] = keep
        result.effects[name] = tuple(op for s in lst if s.file == path for op in s.ops)
    return result


def _phase_a(args) -> FileResult:
    path, settings, digest = args
    data = _read_bytes(path)
    if isinstance(data, FileResult):
        return data
    key = hashlib.sha256(f"A\0{digest}\0".encode() + os.fsencode(path) + b"\0" + data).hexdigest()
    cached = _cache_get(settings, key)
    if cached is not None:
        return cached
    result = analyse_text(path, data.decode("utf-8", errors="surrogateescape"), settings)
    _cache_put(settings, key, result)
    return result


def _phase_b(args) -> FileResult:
    path, settings, digest, external = args
    data = _read_bytes(path)
    if isinstance(data, FileResult):
        return data
    ext_digest = hashlib.sha256(pickle.dumps(sorted(
        (n, [(s.file, s.ops) for s in v]) for n, v in external.items()))).hexdigest()
    key = hashlib.sha256(f"B\0{digest}\0{ext_digest}\0".encode() + os.fsencode(path) + b"\0" + data).hexdigest()
    cached = _cache_get(settings, key)
    if cached is not None:
        return cached
    result = analyse_text(path, data.decode("utf-8", errors="surrogateescape"), settings, external)
    _cache_put(settings, key, result)
    return result


def _phase_ab(args) -> FileResult:
    """Phase A, with the summaries of the file's headers when it has any."""
    path, settings, digest, from_headers = args
    return _phase_b(args) if from_headers else _phase_a((path, settings, digest))


def _map(func, work: list, jobs: int, progress, label: str):
    total = len(work)
    if jobs <= 1 or total <= 1:
        for n, item in enumerate(work, 1):
            res = func(item)
            if progress:
                progress(n, total, f"{label} {res.path}")
            yield res
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for n, res in enumerate(pool.map(func, work, chunksize=4), 1):
            if progress:
                progress(n, total, f"{label} {res.path}")
            yield res


_LOCAL_INCLUDE = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*"([^"\n]+\.h)"', re.M)


def local_headers(paths: list[str], depth: int = 4) -> dict[str, list[str]]:
    """For each file, the headers it includes with quotes that exist beside it (as cpp looks
    first), and theirs in turn, `depth` levels down; in include order."""
    direct: dict[str, list[str]] = {}

    def includes(path: str) -> list[str]:
        if path not in direct:
            try:
                data = Path(path).read_bytes()
            except OSError:
                data = b""
            base = os.path.dirname(path)
            found = (os.path.normpath(os.path.join(base, m.decode("utf-8", "surrogateescape")))
                     for m in _LOCAL_INCLUDE.findall(data))
            direct[path] = [h for h in dict.fromkeys(found) if os.path.isfile(h)]
        return direct[path]

    out: dict[str, list[str]] = {}
    for path in paths:
        seen: dict[str, None] = {}
        level = [path]
        for _ in range(depth):
            level = [h for p in level for h in includes(p) if h not in seen and h != path]
            seen.update(dict.fromkeys(level))
            if not level:
                break
        out[path] = list(seen)
    return out


def _merge(into: dict[str, list], sums: dict[str, list]) -> None:
    for name, lst in sums.items():
        into.setdefault(name, []).extend(lst)


def lint_paths(paths: list[str], settings: Settings, progress=None) -> LintResult:
    """Lint whole files: every function is reported on."""
    digest = settings_digest(settings)
    jobs = settings.jobs or os.cpu_count() or 1
    headers_of = local_headers(paths)
    headers = sorted({h for hs in headers_of.values() for h in hs} - set(paths))
    inline = {r.path: r.exported for r in _map(_phase_a, [(h, settings, digest) for h in headers], jobs,
                                               progress, "headers")}
    from_headers: dict[str, dict[str, list]] = {}
    for path in paths:
        merged: dict[str, list] = {}
        for h in headers_of[path]:
            _merge(merged, inline.get(h, {}))
        from_headers[path] = merged
    work = [(p, settings, digest, from_headers[p]) for p in paths]
    results = {r.path: r for r in _map(_phase_ab, work, jobs, progress, "parse")}
    exported: dict[str, list] = {}
    for r in results.values():
        _merge(exported, r.exported)
    again = []
    for path, r in results.items():
        ext = {n: [s for s in exported[n] if s.file != path] for n in r.external_calls if n in exported}
        ext = {n: v for n, v in ext.items() if v}
        if ext:
            ext.update(from_headers[path])  # what the file's own headers define wins over other files
            again.append((path, settings, digest, ext))
    for res in _map(_phase_b, again, jobs, progress, "callers"):
        results[res.path] = res
    out = LintResult()
    for path in paths:
        r = results[path]
        out.findings.extend(r.findings)
        out.failures.extend(r.failures)
        out.functions += r.functions
        out.lines += r.lines
    out.files = len(paths)
    return out


def collect_files(paths: list[str]) -> list[str]:
    """Expand directories to their .c files (sorted, so runs are reproducible).

    Names are kept as the file system gives them (a name that is not UTF-8
    included); only what is shown goes through `printable()`.
    """
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(str(f) for f in sorted(path.rglob("*.c")) if f.is_file())
        elif path.is_file():
            out.append(str(path))
        elif path.exists():
            raise UserError("not a regular file or a folder", path=printable(str(p)))
        else:
            raise UserError("no such file or directory", path=printable(str(p)))
    return out


def stderr_progress(enabled: bool):
    if not enabled:
        return None
    width = 30

    def show(n: int, total: int, what: str) -> None:
        filled = width * n // max(total, 1)
        what = printable(what)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {n}/{total} {what[-50:]:<50}")
        if n == total:
            sys.stderr.write("\n")
        sys.stderr.flush()
    return show
