/* Try-locks of both polarities; expect: CHECK LOCK on the reported line. */
struct obj { spinlock_t lock; struct mutex m; struct semaphore sem; int v; };

int try_nonzero_ok(struct obj *o)
{
	if (!spin_trylock(&o->lock))
		return -EBUSY;
	o->v++;
	spin_unlock(&o->lock);
	return 0;
}

int try_positive_branch_ok(struct obj *o)
{
	if (mutex_trylock(&o->m)) {
		o->v = 1;
		mutex_unlock(&o->m);
		return 1;
	}
	return 0;
}

int interruptible_ok(struct obj *o)
{
	if (mutex_lock_interruptible(&o->m))
		return -EINTR;
	o->v++;
	mutex_unlock(&o->m);
	return 0;
}

int interruptible_ret_var_ok(struct obj *o)
{
	int ret;

	ret = mutex_lock_interruptible(&o->m);
	if (ret)
		return ret;
	o->v--;
	mutex_unlock(&o->m);
	return 0;
}

int down_trylock_zero_ok(struct obj *o)
{
	if (down_trylock(&o->sem))
		return -EAGAIN;
	o->v = 0;
	up(&o->sem);
	return 0;
}

int down_trylock_wrong_polarity(struct obj *o)
{
	if (down_trylock(&o->sem)) {
		o->v = 0;
		up(&o->sem);
		return 0;
	}
	return -EAGAIN;	/* expect: inconsistent-exit &o->sem */
}

int trylock_result_var_ok(struct obj *o)
{
	int locked = spin_trylock(&o->lock);

	o->v++;
	if (locked)
		spin_unlock(&o->lock);
	return locked;
}

int interruptible_less_than_zero_ok(struct obj *o)
{
	int err = down_interruptible(&o->sem);

	if (err < 0)
		return err;
	o->v = 3;
	up(&o->sem);
	return 0;
}

int trylock_leak(struct obj *o)
{
	if (spin_trylock(&o->lock)) {
		if (o->v)
			return -EBUSY;	/* expect: inconsistent-exit &o->lock */
		spin_unlock(&o->lock);
	}
	return 0;
}

/*
 * Held on a positive return, released on return 0: a trylock's contract when
 * the function is named for locking (it becomes a conditional-lock summary for
 * its callers, as smatch sorts returns); a forgotten unlock otherwise.
 */
int obj_trylock_value(struct obj *o)
{
	spin_lock(&o->lock);
	if (o->v == 9)
		return 1;
	spin_unlock(&o->lock);
	return 0;
}

int obj_check_value(struct obj *o)
{
	spin_lock(&o->lock);
	if (o->v == 9)
		return 1;	/* expect: inconsistent-exit &o->lock */
	spin_unlock(&o->lock);
	return 0;
}

/* A bool predicate returning true with the lock held is a documented contract
 * (kernel/workqueue.c wq_manager_inactive), not a leak. */
bool obj_idle(struct obj *o)
{
	spin_lock(&o->lock);
	if (o->v) {
		spin_unlock(&o->lock);
		return false;
	}
	return true;
}
