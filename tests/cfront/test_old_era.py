"""Acceptance 2: old-era code (our 2.0-2.2 style corpus and the seed's 2.1.132 files) all parses."""

from __future__ import annotations

from pathlib import Path

import pytest
from pycparser import c_ast

from pgtool.cfront import parse_file

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "tests" / "fixtures" / "seed-2.1.132"
SEED_FILES = ["mm/filemap.c", "mm/memory.c", "mm/page_alloc.c", "include/linux/mm.h"]

OLD_ERA_FUNCTIONS = {
    "oldera_ffz", "oldera_outb_p", "oldera_count", "oldera_claim", "oldera_read", "oldera_write",
    "oldera_release", "oldera_setup", "oldera_init", "oldera_get_page", "sys_oldera",
}


def calls_in(node: c_ast.Node) -> list[str]:
    names = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, c_ast.FuncCall) and isinstance(n.name, c_ast.ID):
            names.append(n.name.name)
        stack.extend(child for _, child in n.children())
    return names


def check_lines(result, source: Path) -> None:
    """Every function's AST carries the original file's lines and path."""
    lines = source.read_text().split("\n")
    for fn in result.functions:
        head = "\n".join(lines[fn.start_line - 1 : fn.start_line + 3])
        assert fn.name in head or "SYSCALL" in head, (fn.name, fn.start_line)
        assert lines[fn.end_line - 1].startswith("}"), (fn.name, fn.end_line)
        assert fn.ast.coord.file == str(source)
        stack = [fn.ast]
        while stack:
            n = stack.pop()
            if n.coord is not None:
                assert fn.start_line <= n.coord.line <= fn.end_line, (fn.name, type(n).__name__, n.coord)
            stack.extend(c for _, c in n.children())


def test_old_era_corpus_parses_whole():
    path = DATA / "old_era.c"
    result = parse_file(path)
    assert result.failures == []
    assert {f.name for f in result.functions} == OLD_ERA_FUNCTIONS
    assert result.found == len(OLD_ERA_FUNCTIONS)
    check_lines(result, path)
    by_name = {f.name: f for f in result.functions}
    # The era's locking stays visible as calls: save_flags/cli, the big kernel lock.
    assert {"save_flags", "cli", "restore_flags"} <= set(calls_in(by_name["oldera_claim"].ast))
    assert {"lock_kernel", "unlock_kernel"} <= set(calls_in(by_name["oldera_read"].ast))
    assert {"spin_lock", "spin_unlock"} <= set(calls_in(by_name["oldera_release"].ast))
    # __initfunc(...) is unwrapped, not taken for a K&R function named __initfunc.
    src = (DATA / "old_era.c").read_text().split("\n")
    assert src[by_name["oldera_init"].start_line - 1] == "__initfunc(int oldera_init(void))"
    assert "__initfunc" not in by_name
    # The multi-line asm string became one call.
    assert "__asm__" in calls_in(by_name["oldera_outb_p"].ast)
    # K&R parameters are declared.
    assert by_name["oldera_count"].ast.param_decls is not None


def test_old_era_goto_and_labels_survive():
    result = parse_file(DATA / "old_era.c")
    fn = {f.name: f for f in result.functions}["oldera_read"]
    gotos, labels = [], []
    stack = [fn.ast]
    while stack:
        n = stack.pop()
        if isinstance(n, c_ast.Goto):
            gotos.append((n.name, n.coord.line))
        if isinstance(n, c_ast.Label):
            labels.append((n.name, n.coord.line))
        stack.extend(c for _, c in n.children())
    # The same lines as the source text says (cpp and the rewrites moved nothing).
    src = (DATA / "old_era.c").read_text().split("\n")
    span = range(fn.start_line, fn.end_line + 1)
    assert sorted(gotos) == [("out", n) for n in span if src[n - 1].strip() == "goto out;"]
    assert labels == [("out", n) for n in span if src[n - 1] == "out:"]
    assert len(gotos) == 3


@pytest.mark.parametrize("rel", SEED_FILES)
def test_seed_files_parse_whole(rel):
    path = SEED / rel
    if not path.exists():
        pytest.fail(f"the lead's fixture is missing: {path}")
    result = parse_file(path)
    assert result.failures == [], result.failures
    assert result.found == len(result.functions) > 0
    check_lines(result, path)


def test_seed_hunk_functions_are_all_there():
    names = set()
    for rel in SEED_FILES:
        names |= {f.name for f in parse_file(SEED / rel).functions}
    assert {"filemap_sync_pte", "do_wp_page", "__free_page", "free_pages"} <= names
