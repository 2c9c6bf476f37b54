"""The front-end contract: how kernel constructs appear in the AST (lint-locks relies on it)."""

from __future__ import annotations

import textwrap

import pytest
from pycparser import c_ast

from pgtool.cfront import Annotation, parse_file


def parse(src: str, path: str = "t.c"):
    return parse_file(path, text=textwrap.dedent(src))


def only(src: str):
    result = parse(src)
    assert result.failures == [], result.failures
    assert len(result.functions) == 1
    return result.functions[0]


def nodes(node, cls):
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, cls):
            out.append(n)
        stack.extend(c for _, c in n.children())
    return out


def call_names(node):
    return [n.name.name for n in nodes(node, c_ast.FuncCall) if isinstance(n.name, c_ast.ID)]


def test_lock_macros_stay_calls_and_lines_are_original():
    fn = only("""\
        #include <linux/spinlock.h>
        static DEFINE_SPINLOCK(foo_lock);

        static int foo(struct foo *f)
        {
        	unsigned long flags;

        	spin_lock_irqsave(&foo_lock, flags);
        	f->n++;
        	spin_unlock_irqrestore(&foo_lock, flags);
        	return 0;
        }
        """)
    assert (fn.name, fn.start_line, fn.end_line, fn.static) == ("foo", 4, 12, True)
    calls = {n.name.name: n for n in nodes(fn.ast, c_ast.FuncCall)}
    assert calls["spin_lock_irqsave"].coord.line == 8
    assert calls["spin_unlock_irqrestore"].coord.line == 10
    assert [type(a).__name__ for a in calls["spin_lock_irqsave"].args.exprs] == ["UnaryOp", "ID"]


def test_loop_head_macros_become_for_with_the_macro_call_as_condition():
    fn = only("""\
        void f(struct list_head *head)
        {
        	struct item *pos;
        	list_for_each_entry(pos, head, node) {
        		if (pos->dead)
        			break;
        	}
        	hlist_for_each_entry(pos, head, hnode)
        		pos->n++;
        	scoped_guard(spinlock, &lock) {
        		x++;
        	}
        }
        """)
    loops = sorted(nodes(fn.ast, c_ast.For), key=lambda n: n.coord.line)
    assert [l.cond.name.name for l in loops] == ["list_for_each_entry", "hlist_for_each_entry", "scoped_guard"]
    for loop in loops:
        assert loop.init is None and loop.next is None
        assert isinstance(loop.cond, c_ast.FuncCall)
    assert [len(l.cond.args.exprs) for l in loops] == [3, 3, 2]
    assert isinstance(loops[0].stmt, c_ast.Compound) and isinstance(loops[1].stmt, c_ast.UnaryOp)
    assert nodes(loops[0].stmt, c_ast.Break)


def test_guard_is_a_call_of_a_call():
    fn = only("""\
        int f(struct s *s)
        {
        	guard(mutex)(&s->lock);
        	return s->v;
        }
        """)
    outer = [n for n in nodes(fn.ast, c_ast.FuncCall) if isinstance(n.name, c_ast.FuncCall)]
    assert len(outer) == 1
    assert outer[0].name.name.name == "guard"
    assert outer[0].name.args.exprs[0].name == "mutex"


def test_asm_becomes_a_call_and_asm_goto_keeps_its_edges():
    fn = only("""\
        static int f(int *p, int v)
        {
        	asm volatile("xchg %0, %1" : "+r" (v), "+m" (*p) : : "memory");
        	__asm__ __volatile__("nop");
        	asm goto("jmp %l[out]" : : : : out, err);
        	return v;
        out:
        	return 1;
        err:
        	return 2;
        }
        """)
    assert call_names(fn.ast).count("__asm__") == 3
    gotos = sorted(g.name for g in nodes(fn.ast, c_ast.Goto))
    assert gotos == ["err", "out"]
    ifs = [i for i in nodes(fn.ast, c_ast.If) if isinstance(i.iftrue, c_ast.Goto)]
    assert len(ifs) == 2


def test_statement_macro_without_semicolon_and_do_while_zero():
    fn = only("""\
        void f(int x)
        {
        	DEBUG_ONLY(x)
        	do {
        		x--;
        	} while (0);
        	if (x)
        		BUG()
        	x++;
        }
        """)
    assert {"DEBUG_ONLY", "BUG"} <= set(call_names(fn.ast))
    assert len(nodes(fn.ast, c_ast.DoWhile)) == 1


def test_annotations_and_cleanup_vars_are_recorded():
    result = parse("""\
        void lock_it(struct s *s) __acquires(&s->lock);

        void lock_it(struct s *s)
        	__acquires(&s->lock)
        {
        	spin_lock(&s->lock);
        }

        static void f(struct s *s) __releases(rcu) __must_hold(&s->mutex)
        {
        	struct buf *b __free(kfree) = kmalloc(10, GFP_KERNEL);
        	int fd __attribute__((__cleanup__(put_fd))) = -1;
        	rcu_read_unlock();
        }
        """)
    assert result.failures == []
    fns = {f.name: f for f in result.functions}
    assert fns["lock_it"].annotations == [Annotation("acquires", "&s->lock", 4)]
    assert fns["f"].annotations == [Annotation("releases", "rcu", 9), Annotation("must_hold", "&s->mutex", 9)]
    assert fns["f"].cleanup_vars == {"b": "kfree", "fd": "put_fd"}
    assert fns["lock_it"].cleanup_vars == {}
    assert result.decls.prototype_annotations == {"lock_it": [Annotation("acquires", "&s->lock", 1)]}


def test_gnu_c_that_pycparser_rejects_is_rewritten():
    fn = only("""\
        static __always_inline int __must_check f(struct page *page, u32 *p)
        {
        	typeof(page->flags) old = READ_ONCE(page->flags);
        	struct foo *foo = container_of(p, struct foo, member);
        	unsigned int n = min_t(unsigned int, old, 4) ?: 1;
        	void *where = &&out;
        	switch (n) {
        	case 1 ... 3:
        		return !({ int __x = n; __x > 2; });
        	default:
        		break;
        	}
        	__label__ again;
        	if (__builtin_types_compatible_p(typeof(n), int))
        		goto *where;
        out:
        	return __extension__ (n);
        }
        """)
    assert fn.name == "f"
    assert {"READ_ONCE", "container_of", "min_t", "__computed_goto"} <= set(call_names(fn.ast))
    assert len(nodes(fn.ast, c_ast.Case)) == 1
    assert [l.name for l in nodes(fn.ast, c_ast.Label)] == ["out"]


def test_unknown_typedefs_are_learnt_and_attribute_words_dropped():
    fn = only("""\
        static noinline_for_stack my_handle_t *__meminit lookup(my_key_t key, struct tbl *t)
        {
        	my_handle_t *h;
        	my_counter c = (my_counter)t->n;

        	h = t->slots[key];
        	return h;
        }
        """)
    assert fn.name == "lookup"
    decls = [d.name for d in nodes(fn.ast.body, c_ast.Decl)]
    assert sorted(decls) == ["c", "h"]


def test_syscall_define_and_knr():
    result = parse("""\
        SYSCALL_DEFINE3(frob, unsigned int, fd, const char __user *, buf, size_t, count)
        {
        	return do_frob(fd, buf, count);
        }

        int old(a, b)
        	int a;
        	char *b;
        {
        	return a + *b;
        }
        """)
    assert result.failures == []
    fns = {f.name: f for f in result.functions}
    assert set(fns) == {"sys_frob", "old"}
    params = [p.name for p in fns["sys_frob"].ast.decl.type.args.params]
    assert params == ["fd", "buf", "count"]
    assert fns["sys_frob"].start_line == 1 and fns["old"].start_line == 6


def test_file_scope_declarations():
    result = parse("""\
        #define PG_locked 0
        #define PageLocked(page) test_bit(PG_locked, &(page)->flags)
        enum pageflags {
        	PG_referenced,
        	PG_uptodate = 3,
        };
        static DEFINE_SPINLOCK(pool_lock);
        static DEFINE_MUTEX(pool_mutex);
        static spinlock_t other_lock = __SPIN_LOCK_UNLOCKED(other_lock);
        PAGEFLAG(Locked, locked, PF_NO_TAIL)
        TESTPAGEFLAG(Dirty, dirty, PF_HEAD)
        EXPORT_SYMBOL(pool_lock);
        """)
    d = result.decls
    assert d.defines["PG_locked"] == ("0", 1)
    assert d.macros["PageLocked"] == (["page"], "test_bit(PG_locked, &(page)->flags)", 2)
    assert d.enums["pageflags"] == [("PG_referenced", None, 4), ("PG_uptodate", "3", 5)]
    assert d.lock_defs == [("DEFINE_SPINLOCK", "pool_lock", 7), ("DEFINE_MUTEX", "pool_mutex", 8),
                           ("spinlock_t", "other_lock", 9)]
    names = [(n, a, line) for n, a, line in d.macro_invocations]
    assert ("PAGEFLAG", ["Locked", "locked", "PF_NO_TAIL"], 10) in names
    assert ("TESTPAGEFLAG", ["Dirty", "dirty", "PF_HEAD"], 11) in names


def test_failures_are_reported_with_line_never_dropped():
    result = parse("""\
        int good(void)
        {
        	return 0;
        }

        int bad(void)
        {
        	return 1 +* / 2;
        }
        """)
    assert [f.name for f in result.functions] == ["good"]
    assert len(result.failures) == 1
    failure = result.failures[0]
    assert (failure.name, failure.line, failure.file) == ("bad", 8, "t.c")
    assert failure.reason
    assert result.found == 2


def test_both_branches_of_config_conditionals_are_read():
    result = parse("""\
        #ifdef CONFIG_MMU
        static int walk(void)
        {
        	return 1;
        }
        #else
        static int walk(void)
        {
        	return 0;
        }
        #endif
        #if BITS_PER_LONG == 32
        int narrow(void) { return 32; }
        #endif
        """)
    found = [(f.name, f.start_line, f.alt_branch) for f in result.functions]
    assert found == [("walk", 2, False), ("walk", 7, True), ("narrow", 13, True)]


def test_deep_nesting_does_not_hit_the_recursion_limit():
    depth = 400
    fn = only("int f(int x)\n{\n\treturn " + "(" * depth + "x" + ")" * depth + ";\n}\n")
    assert fn.name == "f"


@pytest.mark.parametrize("src", ["", "int x;\n", "}}}\n", "struct { int a; } b;\n", "#if 1\nint f(void) {\n#endif\n"])
def test_odd_inputs_never_raise(src):
    result = parse(src)
    assert result.functions == []


def test_calls_of_the_files_own_accessor_macros_are_recorded_and_expanded():
    result = parse("""\
        #define TESTPAGEFLAG(uname, lname)					\\
        static inline int Page##uname(struct page *page)			\\
        	{ return test_bit(PG_##lname, &page->flags); }
        #define SETPAGEFLAG(uname, lname)					\\
        static inline void SetPage##uname(struct page *page)			\\
        	{ set_bit(PG_##lname, &page->flags); }
        #define PAGEFLAG(uname, lname) TESTPAGEFLAG(uname, lname) SETPAGEFLAG(uname, lname)

        PAGEFLAG(Locked, locked)
        PAGEFLAG(Dirty, dirty) TESTPAGEFLAG(Clean, clean)
        	SETPAGEFLAG(Clean, clean)
        """)
    calls = [(n, a, line) for n, a, line in result.decls.macro_invocations]
    assert calls == [
        ("PAGEFLAG", ["Locked", "locked"], 9),
        ("PAGEFLAG", ["Dirty", "dirty"], 10),
        ("TESTPAGEFLAG", ["Clean", "clean"], 10),
        ("SETPAGEFLAG", ["Clean", "clean"], 11),
    ]
    # cpp expanded them into real accessor functions, at the invocation's line.
    fns = [(f.name, f.start_line) for f in result.functions]
    assert fns == [("PageLocked", 9), ("SetPageLocked", 9), ("PageDirty", 10), ("SetPageDirty", 10),
                   ("PageClean", 10), ("SetPageClean", 11)]
    assert result.failures == []


def test_else_branches_nested_in_a_taken_branch_are_read():
    # mm/compaction.c's shape: the #else of CONFIG_COMPACTION sits inside
    # `#if defined CONFIG_COMPACTION || defined CONFIG_CMA`, which stays taken.
    result = parse("""\
        #if defined CONFIG_COMPACTION || defined CONFIG_CMA
        #ifdef CONFIG_COMPACTION
        static bool isolation_suitable(void)
        {
        	return true;
        }
        #else
        static inline bool isolation_suitable(void)
        {
        	return false;
        }
        #endif
        #endif
        #if 0
        static int dead(void)
        {
        	return 0;
        }
        #endif
        """)
    found = [(f.name, f.start_line, f.alt_branch) for f in result.functions]
    assert found == [("isolation_suitable", 3, False), ("isolation_suitable", 8, True)]


def test_a_user_hint_needs_no_code_change(tmp_path):
    from pgtool.cfront import FrontendConfig, load_hints, parse_file
    from pgtool.rules import rules_dir

    text = (rules_dir() / "macros.toml").read_text()
    text = text.replace('names = ["scoped_guard",', 'names = ["tbl_visit", "scoped_guard",', 1)
    text = text.replace("[effects.spin_lock_irqsave]", "[effects.my_lock_save]\nassigns = [1]\n[effects.spin_lock_irqsave]", 1)
    (tmp_path / "macros.toml").write_text(text)
    src = "void f(struct tbl *t)\n{\n\ttbl_visit(t, b)\n\t\tb->n++;\n}\n"
    # Without the hint: a statement macro, the next line a separate statement.
    plain = parse_file("t.c", text=src).functions[0]
    assert not nodes(plain.ast, c_ast.For)
    hinted = parse_file("t.c", text=src, config=FrontendConfig(rules=str(tmp_path))).functions[0]
    (loop,) = nodes(hinted.ast, c_ast.For)
    assert loop.cond.name.name == "tbl_visit"
    assert load_hints(str(tmp_path)).effects["my_lock_save"].assigns == (1,)
    assert load_hints().effects["spin_lock_irqsave"].assigns == (1,)
    assert load_hints().effects["wait_event_lock_irq"].drops_and_retakes == 2


def test_statements_passed_to_macros_keep_their_control_flow():
    fn = only("""\
        static int f(struct t *t)
        {
        	PP_ASSERT_WITH_CODE(t->a >= 3,
        		"Unsupported PPTable format!", return -1);
        	nvkm_msec(device, 2000,
        		if (!(nvkm_rd32(device, 0x61e004) & 0x80000000))
        			break;
        	);
        	return 0;
        }
        """)
    returns = sorted(r.coord.line for r in nodes(fn.ast, c_ast.Return))
    assert returns == [4, 9]
    assert [b.coord.line for b in nodes(fn.ast, c_ast.Break)] == [7]
    assert {"PP_ASSERT_WITH_CODE", "nvkm_msec"} <= set(call_names(fn.ast))


def test_parameter_list_macros_and_offsetof_types():
    result = parse("""\
        static int macio_do_gpio_write(PMF_STD_ARGS, u8 value, u8 mask)
        {
        	return read(adev, LOC + offsetof(SMU7_Firmware_Header, DpmTable), &tmp);
        }
        """)
    assert result.failures == []
    params = [p.name for p in result.functions[0].ast.decl.type.args.params]
    assert params == ["__macro_params_PMF_STD_ARGS", "value", "mask"]
