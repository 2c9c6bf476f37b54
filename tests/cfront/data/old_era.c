/*
 *  Functions written in the style of Linux 2.0 - 2.2 (i386), for the
 *  front-end's old-era tests: K&R definitions, gcc 2.x asm strings running
 *  over raw newlines, save_flags/cli, the big kernel lock, __initfunc,
 *  `"str" ## x` pastes, __FUNCTION__ string concatenation, old designators.
 */

#include <linux/config.h>
#include <linux/mm.h>
#include <linux/smp_lock.h>
#include <asm/system.h>
#include <asm/io.h>

#define DEBUG_PREFIX "oldera: "
#define dprintk(fmt, args...) printk(KERN_DEBUG "oldera" ## fmt , ## args)
#define NR_SLOTS 16
#define SLOT_BUSY 0x01

static struct slot {
	unsigned long flags;
	struct wait_queue *wait;
	int owner;
} slots[NR_SLOTS];

static struct file_operations oldera_fops = {
	read:		oldera_read,
	write:		oldera_write,
	release:	oldera_release,
};

static spinlock_t oldera_lock = SPIN_LOCK_UNLOCKED;

extern __inline__ unsigned long oldera_ffz(unsigned long word)
{
	__asm__("bsfl %1,%0"
		:"=r" (word)
		:"r" (~word));
	return word;
}

static inline void oldera_outb_p(unsigned char value, unsigned short port)
{
	__asm__ __volatile__ ("outb %b0,%w1
		outb %%al,$0x80"
		: /* no outputs */
		:"a" (value), "Nd" (port));
}

static int oldera_count(str, len)
	char *str;
	int len;
{
	register int n = 0;

	while (len-- > 0)
		if (*str++ == ' ')
			n++;
	return n;
}

int oldera_claim(int nr)
{
	unsigned long flags;
	int ret = -EBUSY;

	save_flags(flags);
	cli();
	if (!(slots[nr].flags & SLOT_BUSY)) {
		slots[nr].flags |= SLOT_BUSY;
		slots[nr].owner = current->pid;
		ret = 0;
	}
	restore_flags(flags);
	return ret;
}

static int oldera_read(struct inode * inode, struct file * file, char * buf, int count)
{
	int nr = MINOR(inode->i_rdev);
	int err;

	lock_kernel();
	err = -EINVAL;
	if (nr >= NR_SLOTS)
		goto out;
	while (slots[nr].flags & SLOT_BUSY) {
		interruptible_sleep_on(&slots[nr].wait);
		err = -ERESTARTSYS;
		if (signal_pending(current))
			goto out;
	}
	err = verify_area(VERIFY_WRITE, buf, count);
	if (err)
		goto out;
	copy_to_user(buf, DEBUG_PREFIX, count < 8 ? count : 8);
	err = count;
out:
	unlock_kernel();
	return err;
}

static int oldera_write(struct inode * inode, struct file * file, const char * buf, int count)
{
	switch (count) {
	case 0:
		return 0;
	case 1 ... 7:
		dprintk("short write %d\n", count);
		break;
	default:
		printk(KERN_WARNING __FUNCTION__ ": %d bytes\n", count);
	}
	return count ?: -EINVAL;
}

static void oldera_release(struct inode * inode, struct file * file)
{
	int nr = MINOR(inode->i_rdev);

	spin_lock(&oldera_lock);
	slots[nr].flags &= ~SLOT_BUSY;
	spin_unlock(&oldera_lock);
	wake_up_interruptible(&slots[nr].wait);
}

__initfunc(void oldera_setup(char *str, int *ints))
{
	int i;

	for (i = 0; i < NR_SLOTS; i++) {
		slots[i].flags = 0;
		init_waitqueue(&slots[i].wait);
	}
	if (ints[0] > 0)
		printk("oldera: %d slots\n", ints[1]);
}

__initfunc(int oldera_init(void))
{
	if (register_chrdev(OLDERA_MAJOR, "oldera", &oldera_fops)) {
		printk(KERN_ERR "oldera: unable to get major %d\n", OLDERA_MAJOR);
		return -EIO;
	}
#ifdef __SMP__
	printk("oldera: SMP\n");
#endif
	return 0;
}

static unsigned long oldera_get_page(int priority)
{
	unsigned long page;
	pte_t *pte;

repeat:
	page = __get_free_page(priority);
	if (!page) {
		if (priority == GFP_ATOMIC)
			return 0;
		schedule();
		goto repeat;
	}
	pte = (pte_t *) page;
	memset(pte, 0, PAGE_SIZE);
	return page;
}

asmlinkage int sys_oldera(int cmd, unsigned long arg)
{
	int error = -EPERM;

	lock_kernel();
	if (!suser())
		goto out;
	error = ({ int __r = cmd & 3; __r ? __r : -EINVAL; });
	if (cmd == 4) {
		struct slot s = { flags: 0, owner: -1 };
		error = copy_to_user((void *) arg, &s, sizeof(s)) ? -EFAULT : 0;
	}
out:
	unlock_kernel();
	return error;
}
