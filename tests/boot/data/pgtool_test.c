// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only initcall for pgtool's boot-check tests: one kernel build that
 * fails in the way the kernel command line asks, pgtool_test=<mode>.
 * Without the parameter it does nothing and the kernel must boot cleanly.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/printk.h>
#include <linux/processor.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char pgtool_test_mode[32] __initdata;
static DEFINE_SPINLOCK(pgtool_test_lock);
int *pgtool_test_null;	/* global: the compiler cannot prove it NULL */

static int __init pgtool_test_setup(char *arg)
{
	strscpy(pgtool_test_mode, arg, sizeof(pgtool_test_mode));
	return 1;
}
__setup("pgtool_test=", pgtool_test_setup);

static int __init pgtool_test_init(void)
{
	const char *mode = pgtool_test_mode;

	if (!mode[0])
		return 0;
	pr_info("pgtool_test: mode %s\n", mode);
	if (!strcmp(mode, "panic"))
		panic("pgtool_test: panic requested");
	if (!strcmp(mode, "bug"))
		BUG();
	if (!strcmp(mode, "warn"))
		WARN_ON(1);
	if (!strcmp(mode, "hang"))
		for (;;)
			cpu_relax();
	if (!strcmp(mode, "lockdep_double")) {
		spin_lock(&pgtool_test_lock);
		spin_lock(&pgtool_test_lock);	/* deadlocks on SMP; lockdep reports first */
		spin_unlock(&pgtool_test_lock);
		spin_unlock(&pgtool_test_lock);
	}
	if (!strcmp(mode, "lockdep_unbalanced"))
		spin_unlock(&pgtool_test_lock);	/* never taken */
	if (!strcmp(mode, "oops"))
		*(volatile int *)READ_ONCE(pgtool_test_null) = 1;
	if (!strcmp(mode, "sleep_atomic")) {
		spin_lock(&pgtool_test_lock);
		msleep(1);
		spin_unlock(&pgtool_test_lock);
	}
	if (!strcmp(mode, "bad_page")) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (page) {
			SetPageActive(page);	/* a flag that must be clear at free */
			__free_page(page);
		}
	}
	return 0;
}
late_initcall(pgtool_test_init);
