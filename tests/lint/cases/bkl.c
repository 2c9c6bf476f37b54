/* The big kernel lock: recursive, global; expect: CHECK LOCK [severity] */
struct file;

int bkl_recursive_ok(struct file *f)
{
	lock_kernel();
	lock_kernel();
	do_something(f);
	unlock_kernel();
	unlock_kernel();
	return 0;
}

int bkl_entered_held_release_all_paths_ok(struct file *f)
{
	if (!f) {
		unlock_kernel();
		return -EINVAL;
	}
	do_something(f);
	unlock_kernel();
	return 0;
}

int bkl_entered_held_some_paths(struct file *f, int mode)
{
	if (mode == 1)
		goto out;
	if (mode == 2)
		return -EINVAL;	/* expect: inconsistent-exit kernel_lock */
	unlock_kernel();
	do_something(f);
	return 0;
out:
	return 1;
}

int bkl_depth_two_one_return(struct file *f)
{
	lock_kernel();
	lock_kernel();
	if (do_something(f))
		return -EIO;	/* expect: inconsistent-exit kernel_lock */
	unlock_kernel();
	unlock_kernel();
	return 0;
}

void bkl_wrapper_take(void)
{
	lock_kernel();
}

void bkl_wrapper_caller_ok(struct file *f)
{
	bkl_wrapper_take();
	do_something(f);
	unlock_kernel();
}
