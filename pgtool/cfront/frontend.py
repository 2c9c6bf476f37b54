"""parse_file / parse_files: a C file into functions with ASTs and file-scope decls."""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pgtool.cfront.chunks import record_decl, split_chunks
from pgtool.cfront.config import FrontendConfig
from pgtool.cfront.cpp import CPP_MAIN, force_untaken_branches, has_conditionals, negate_conditionals, run_cpp, scan_defines
from pgtool.cfront.funcdef import function_name, parse_function
from pgtool.cfront.hints import load_hints
from pgtool.cfront.model import Annotation, FileDecls, Function, ParsedFile, ParseFailure
from pgtool.cfront.normalize import _split_args as split_args
from pgtool.cfront.normalize import normalize, text_of
from pgtool.cfront.tokens import blank_lines, tokenize
from pgtool.errors import UserError


def _read_bytes(path: str) -> bytes:
    """The file's bytes; a file that cannot be read (missing, a folder, no
    permission) is a UserError, which parse_files lists as that file's failure."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", path=path) from None


def _read(path: str) -> str:
    return _read_bytes(path).decode("utf-8", errors="surrogateescape")


def parse_file(path, *, text: str | None = None, config: FrontendConfig | None = None) -> ParsedFile:
    """Parse one C file header-free. Never raises on bad C: failures are listed.

    The file is read under the configuration first; with `both_branches`, it
    is read again with every #if negated and the definitions only that second
    reading sees (those of `#else` branches) are added, marked `alt_branch`.
    """
    started = time.perf_counter()
    cpu_started = _cpu_now()
    path = str(path)
    config = config or FrontendConfig()
    hints = load_hints(config.rules)
    if text is None:
        text = _read(path)
    text = text.replace("\r\n", "\n")
    defines, macros = scan_defines(text)
    decls = FileDecls(defines=defines, macros=macros)
    nlines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    result = ParsedFile(path=path, functions=[], failures=[], decls=decls, lines=nlines)
    typedefs: set[str] = set()
    emitted = _read_pass(result, text, config, hints, typedefs, alt=False)
    if config.both_branches and has_conditionals(text):
        for reading in config.alt_readings:
            if reading in ("forced", "forced2"):  # each #if group on a branch the first reading skipped
                forced = force_untaken_branches(text, emitted, nth=1 if reading == "forced2" else 0)
                _read_pass(result, forced, config, hints, typedefs, alt=True)
            elif reading == "negated":  # every condition negated
                _read_pass(result, negate_conditionals(text), config, hints, typedefs, alt=True)
            else:  # "all": every tested symbol defined; "off": no CONFIG_ symbol
                _read_pass(result, text, config, hints, typedefs, alt=True, variant=reading)
        result.functions.sort(key=lambda f: f.start_line)
        result.spans.sort(key=lambda s: s[1])
    _record_local_macro_calls(text, result.decls, result.spans)
    result.seconds = time.perf_counter() - started
    result.cpu_seconds = _cpu_now() - cpu_started
    return result


def _record_prototype_annotations(toks, annotations, decls: FileDecls) -> None:
    """`void lock_it(struct s *s) __acquires(&s->lock);`: a prototype's contract."""
    if not toks or toks[-1].v != ";":
        return
    first, last = toks[0].ln, toks[-1].ln
    found = [Annotation(kind, expr, ln) for ln, kind, expr in annotations if first <= ln <= last]
    if not found:
        return
    named = function_name(toks, len(toks))
    if named is not None:
        decls.prototype_annotations.setdefault(named[1], []).extend(found)


_NEXT_CALL = re.compile(r"[ \t]*([A-Za-z_]\w*)\(")
_LINE_START_CALL = re.compile(r"^[ \t]*([A-Za-z_]\w*)\(", re.M)


def _record_local_macro_calls(text: str, decls: FileDecls, spans) -> None:
    """File-scope calls of the file's own function-like macros (`PAGEFLAG(Locked, ...)`
    in page-flags.h): cpp expanded them, so the chunks never saw the call."""
    if not decls.macros:
        return
    seen = {(name, line) for name, _, line in decls.macro_invocations}
    line, pos = 1, 0
    for m in _LINE_START_CALL.finditer(text):
        name = m.group(1)
        if name not in decls.macros:
            continue
        line += text.count("\n", pos, m.start())
        pos = m.start()
        close = _close_paren(text, m.end() - 1)
        if close < 0 or (name, line) in seen or any(start < line <= end for _, start, end, _ in spans):
            continue  # inside a function body: not a file-scope call
        while True:
            toks = tokenize(text[m.end() - 1 : close + 1])
            args = [text_of(a) for a in split_args(toks, 0, len(toks) - 1)]
            decls.macro_invocations.append((name, args, line))
            # `PAGEFLAG(Dirty, dirty, PF_HEAD) TESTSCFLAG(Dirty, dirty, PF_HEAD)`
            m = _NEXT_CALL.match(text, close + 1)
            if not m or m.group(1) not in decls.macros:
                break
            name = m.group(1)
            close = _close_paren(text, m.end() - 1)
            if close < 0:
                break
    decls.macro_invocations.sort(key=lambda item: item[2])


def _close_paren(text: str, i: int) -> int:
    depth = 0
    for k in range(i, min(len(text), i + 20000)):
        c = text[k]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return k
    return -1


def _cpu_now() -> float:
    """CPU time of this process and of its finished children (cpp)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _read_pass(
    result: ParsedFile, text: str, config: FrontendConfig, hints, typedefs: set[str], alt: bool, variant: str = "on"
) -> set[int]:
    """One reading of the file through cpp; adds what it finds; returns the lines cpp emitted."""
    path = result.path
    cpp_out, cpp_errors = run_cpp(path, text, config, variant)
    if not alt:
        result.notes.extend(f"{path}:{e}" for e in cpp_errors)
    taken = [(s[1], s[2]) for s in result.spans]
    if alt:
        cpp_out = blank_lines(cpp_out, taken)
    toks = tokenize(cpp_out, main_file=CPP_MAIN)
    emitted = {t.ln for t in toks}
    toks, recorded = normalize(toks, hints)
    for chunk in split_chunks(toks, hints):
        if chunk.kind == "func":
            start, end = chunk.toks[0].ln, chunk.toks[-1].ln
            if alt and any(a <= end and start <= b for a, b in taken):
                continue  # the first reading has this definition already
            result.found += 1
            res = parse_function(chunk.toks, chunk.body, path, hints, typedefs, config.max_retries)
            result.spans.append((res.name, start, end, res.ast is not None))
            if res.ast is None:
                result.failures.append(ParseFailure(path, res.error_line or start, res.name, res.error or "parse error"))
                continue
            body_line = chunk.toks[chunk.body].ln
            annotations = [Annotation(kind, expr, ln) for ln, kind, expr in recorded.annotations if start <= ln <= body_line]
            cleanups = {var: fn for ln, var, fn in recorded.cleanups if body_line <= ln <= end}
            fn = Function(res.name, path, start, end, res.ast, annotations, cleanups, res.static)
            fn.alt_branch = alt
            result.functions.append(fn)
        elif alt:
            continue
        elif chunk.kind == "broken":
            first = chunk.toks[0]
            if any(t.v == "{" for t in chunk.toks):
                result.failures.append(ParseFailure(path, first.ln, None, "unbalanced braces: chunk runs to the end of the file"))
        else:
            record_decl(chunk, result.decls, typedefs, hints)
            if recorded.annotations:
                _record_prototype_annotations(chunk.toks, recorded.annotations, result.decls)
    if not alt and not cpp_out and cpp_errors:
        line = int(cpp_errors[0].split(":")[0])
        result.failures.append(ParseFailure(path, line, None, "cpp: " + cpp_errors[0].split(": ", 1)[1]))
    return emitted


# ---------------------------------------------------------------------------
# Many files: a content-hash cache and a process pool.


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pgtool" / "cfront"


def _cache_path(cache_dir: Path, path: str, data: bytes, key: str) -> Path:
    digest = hashlib.sha256(key.encode() + b"\0" + os.fsencode(path) + b"\0" + data).hexdigest()
    return cache_dir / digest[:2] / f"{digest[2:]}.pickle"


def _parse_cached(path: str, config: FrontendConfig, cache_dir: str | None, key: str) -> ParsedFile:
    if cache_dir is None:
        return parse_file(path, config=config)
    data = _read_bytes(path)
    entry = _cache_path(Path(cache_dir), path, data, key)
    try:
        with open(entry, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    result = parse_file(path, text=data.decode("utf-8", errors="surrogateescape"), config=config)
    tmp = entry.with_suffix(f".{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except OSError:
        pass  # a read-only or full cache costs speed, never the result
    return result


def _safe_parse(args) -> ParsedFile:
    path, config, cache_dir, key = args
    try:
        return _parse_cached(path, config, cache_dir, key)
    except UserError as exc:
        return ParsedFile(path, [], [ParseFailure(path, 0, None, str(exc))], FileDecls(), 0)


def parse_files(
    paths: Iterable,
    *,
    jobs: int = 0,
    cache_dir=None,
    config: FrontendConfig | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Iterator[ParsedFile]:
    """Parse many files, in input order; jobs=0 means one process per core.

    With `cache_dir`, a result is stored under a hash of the file's bytes and
    the front-end's settings, so an unchanged file is never parsed twice.
    """
    config = config or FrontendConfig()
    key = config.key(load_hints(config.rules).digest)
    paths = [str(p) for p in paths]
    cache = str(cache_dir) if cache_dir is not None else None
    work = [(p, config, cache, key) for p in paths]
    jobs = jobs or os.cpu_count() or 1
    total = len(paths)
    if jobs == 1 or total <= 1:
        results: Iterable[ParsedFile] = map(_safe_parse, work)
        for n, res in enumerate(results, 1):
            if progress:
                progress(n, total, res.path)
            yield res
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for n, res in enumerate(pool.map(_safe_parse, work, chunksize=4), 1):
            if progress:
                progress(n, total, res.path)
            yield res
