/*
 * pgtool boot-check's init: the first and only user process of the smoke
 * boot. It proves the kernel reached userspace by printing the marker with
 * the running kernel's release, then restarts the machine (QEMU's -no-reboot
 * turns that into a clean exit). Power-off is not used: without ACPI it
 * returns, init exits and the kernel panics.
 *
 * No libc exists for i386 on the build machine, so this is freestanding:
 * raw int $0x80 system calls, built with -static -nostdlib.
 */

#define SYS_exit	1
#define SYS_write	4
#define SYS_sync	36
#define SYS_reboot	88
#define SYS_newuname	122

#define LINUX_REBOOT_MAGIC1	0xfee1dead
#define LINUX_REBOOT_MAGIC2	672274793
#define LINUX_REBOOT_CMD_RESTART	0x01234567

struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile ("int $0x80"
			  : "=a" (ret)
			  : "0" (nr), "b" (a), "c" (b), "d" (c)
			  : "memory");
	return ret;
}

static unsigned long length(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	syscall3(SYS_write, 1, (long)s, (long)length(s));
}

void start_c(void)
{
	static struct utsname uts;

	if (syscall3(SYS_newuname, (long)&uts, 0, 0) != 0)
		uts.release[0] = '?';
	say("\nPGTOOL-BOOT-OK: reached userspace on Linux ");
	say(uts.release);
	say(" (");
	say(uts.machine);
	say(")\n");
	syscall3(SYS_sync, 0, 0, 0);
	syscall3(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART);
	/* Only reached when reboot() is refused: exiting makes the kernel panic,
	 * which the console shows ("Attempted to kill init"). */
	syscall3(SYS_exit, 1, 0, 0);
	for (;;)
		;
}

/* The kernel enters here with the stack holding argc/argv/envp; none needed. */
__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	andl $-16, %esp\n"
	"	call start_c\n"
	"	hlt\n");
