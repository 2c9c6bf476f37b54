/*
 * rw-semaphores downgraded from write to read: by downgrade_write() itself,
 * or inside a callee (6.1's do_brk_munmap returns 1 when it downgraded
 * mmap_lock), after which the caller releases the read hold.
 * An expectation sits on the line the finding is reported at:
 *   expect: CHECK LOCK [severity]
 */
struct mm { struct rw_semaphore mmap_lock; long brk; };

void downgrade_then_read_unlock(struct mm *mm)
{
	down_write(&mm->mmap_lock);
	mm->brk = 0;
	downgrade_write(&mm->mmap_lock);
	read_more(mm);
	up_read(&mm->mmap_lock);
}

long callee_may_downgrade(struct mm *mm, long brk)
{
	int ret;

	if (mmap_write_lock_killable(mm))
		return -EINTR;
	ret = shrink_and_maybe_downgrade(mm, brk);
	if (ret == 1)
		mmap_read_unlock(mm);
	else
		mmap_write_unlock(mm);
	return ret < 0 ? ret : 0;
}

void downgrade_then_write_unlock(struct mm *mm)
{
	mmap_write_lock(mm);
	mmap_write_downgrade(mm);
	mmap_write_unlock(mm);	/* expect: double-unlock mm */
}	/* expect: held-at-exit mm note */

void downgrade_and_forget(struct mm *mm)
{
	down_write(&mm->mmap_lock);
	if (mm->brk)
		downgrade_write(&mm->mmap_lock);
	else
		return;	/* expect: inconsistent-exit &mm->mmap_lock */
	up_read(&mm->mmap_lock);
}
