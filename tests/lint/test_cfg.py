"""The CFG builder on the shapes the lock and flag walks rely on."""

from __future__ import annotations

from pgtool.lint.cfg import ReturnSite, ScopeExit, build_cfg, expr_text
from pgtool.lint.source import parse_text


def cfg_of(src: str, name: str | None = None):
    parsed = parse_text("t.c", src)
    assert not parsed.failures, parsed.failures
    f = next(f for f in parsed.functions if name is None or f.name == name)
    return build_cfg(f.ast, end_line=f.end_line, cleanup_vars=f.cleanup_vars, noreturn={"panic"})


def items(cfg, kind):
    return [i for b in cfg.blocks for i in b.items if isinstance(i, kind)]


def reachable(cfg):
    seen, stack = set(), [cfg.entry]
    while stack:
        b = stack.pop()
        if b in seen:
            continue
        seen.add(b)
        stack.extend(e.dst for e in cfg.blocks[b].succs)
    return seen


def test_guard_released_on_every_exit():
    cfg = cfg_of("int f(struct s *p)\n{\n\tguard(mutex)(&p->m);\n\tif (p->a)\n\t\treturn 1;\n"
                 "\tif (p->b)\n\t\tgoto out;\n\treturn 0;\nout:\n\treturn 2;\n}\n")
    exits = items(cfg, ScopeExit)
    # return 1, the goto (leaving the function's scope to a label in it does
    # NOT leave the scope), return 0 and return 2: three returns release
    assert sorted(e.line for e in exits) == [5, 8, 10]
    assert all(e.kind == "guard" for e in exits)
    assert sorted(r.line for r in cfg.returns) == [5, 8, 10]


def test_scoped_guard_break_and_goto_out_of_inner_scope():
    src = ("int f(struct s *p)\n{\n\tint i;\n\tfor (i = 0; i < 3; i++) {\n"
           "\t\tscoped_guard(spinlock, &p->l) {\n\t\t\tif (p->a)\n\t\t\t\tbreak;\n"
           "\t\t\tif (p->b)\n\t\t\t\tgoto out;\n\t\t\tp->c++;\n\t\t}\n\t}\nout:\n\treturn 0;\n}\n")
    cfg = cfg_of(src)
    lines = sorted(e.line for e in items(cfg, ScopeExit))
    assert 7 in lines and 9 in lines        # break and goto leave the guarded body
    assert len(lines) == 3                  # plus falling out of the body


def test_switch_fallthrough_and_short_circuit_conditions():
    src = ("int f(int c, int a, int b)\n{\n\tswitch (c) {\n\tcase 0:\n\t\ta++;\n\tcase 1:\n\t\tb++;\n"
           "\t\tbreak;\n\tdefault:\n\t\treturn -1;\n\t}\n\tif (a && !b)\n\t\treturn 1;\n\treturn 0;\n}\n")
    cfg = cfg_of(src)
    conds = {expr_text(e.cond) for b in cfg.blocks for e in b.succs if e.cond is not None}
    assert conds == {"a", "b"}              # `a && !b` split into atomic tests
    case0 = next(b for b in cfg.blocks if any(expr_text(i) == "a++" for i in b.items))
    case1 = next(b for b in cfg.blocks if any(expr_text(i) == "b++" for i in b.items))
    assert case1.id in {e.dst for e in case0.succs}    # fall-through edge


def test_do_while_zero_has_no_back_edge_and_noreturn_ends_path():
    src = ("void f(int a)\n{\n\tdo {\n\t\tif (a)\n\t\t\tbreak;\n\t\tpanic(\"x\");\n\t} while (0);\n}\n")
    cfg = cfg_of(src)
    assert all(not e.kill for b in cfg.blocks for e in b.succs)   # no loop back edge
    assert len(cfg.returns) == 1 and cfg.returns[0].implicit
    panic_block = next(b for b in cfg.blocks if any(expr_text(i).startswith("panic") for i in b.items))
    assert [e.dst for e in panic_block.succs] == [next(iter(cfg.noreturn_blocks))]
    assert cfg.exit in reachable(cfg)
    assert isinstance(cfg.returns[0], ReturnSite)
