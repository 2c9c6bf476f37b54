/*
 * Goto error unwinding: the classic kernel shape.
 * An expectation sits on the line the finding is reported at:
 *   expect: CHECK LOCK
 */
struct dev { spinlock_t lock; struct mutex mtx; int state; };

int unwind_ok(struct dev *d, int n)
{
	int err;

	mutex_lock(&d->mtx);
	err = setup(d, n);
	if (err)
		goto out_unlock;
	err = start(d);
	if (err)
		goto out_teardown;
	mutex_unlock(&d->mtx);
	return 0;

out_teardown:
	teardown(d);
out_unlock:
	mutex_unlock(&d->mtx);
	return err;
}

int unwind_missing_unlock(struct dev *d, int n)
{
	int err;

	mutex_lock(&d->mtx);
	err = setup(d, n);
	if (err)
		goto out;
	mutex_unlock(&d->mtx);
	return 0;
out:
	return err;	/* expect: inconsistent-exit &d->mtx */
}

int early_return_leak(struct dev *d)
{
	spin_lock(&d->lock);
	if (d->state < 0)
		return -EINVAL;	/* expect: inconsistent-exit &d->lock */
	d->state++;
	spin_unlock(&d->lock);
	return 0;
}

int unwind_two_locks(struct dev *a, struct dev *b)
{
	int ret = -EBUSY;

	spin_lock(&a->lock);
	if (!spin_trylock(&b->lock))
		goto out_a;
	a->state = b->state;
	ret = 0;
	spin_unlock(&b->lock);
out_a:
	spin_unlock(&a->lock);
	return ret;
}

int unwind_double_unlock(struct dev *d)
{
	int err;

	mutex_lock(&d->mtx);
	err = setup(d, 1);
	if (err) {
		mutex_unlock(&d->mtx);
		goto out;
	}
	start(d);
out:
	mutex_unlock(&d->mtx);	/* expect: double-unlock &d->mtx */
	return err;
}

void noreturn_path_ok(struct dev *d)
{
	spin_lock(&d->lock);
	if (d->state == 42)
		panic("bad state");
	spin_unlock(&d->lock);
}

/* Every path takes the lock; the error branch jumps to the shared exit
 * without its unlock: the return is reached both ways, still a warning. */
int shared_exit_missing_unlock(struct dev *d)
{
	int err = 0;

	mutex_lock(&d->mtx);
	if (d->state < 0) {
		err = -EINVAL;
		goto out;
	}
	d->state = 1;
	mutex_unlock(&d->mtx);
out:
	return err;	/* expect: inconsistent-exit &d->mtx warning */
}

/* As above behind an early check that returns before any locking: returns
 * reached only without the lock do not make the locking conditional. */
int checked_shared_exit_missing_unlock(struct dev *d, int n)
{
	int err = 0;

	if (n < 0)
		return -EINVAL;
	mutex_lock(&d->mtx);
	if (d->state < 0) {
		err = -EIO;
		goto out;
	}
	d->state = n;
	mutex_unlock(&d->mtx);
out:
	return err;	/* expect: inconsistent-exit &d->mtx warning */
}

/* The lock hangs off a local no caller can name: holding it on the success
 * return cannot be a lock-on-success contract (new_vmap_block's shape). */
void *local_object_held_on_success(int n)
{
	struct dev *q;
	void *p = alloc(n);

	if (!p)
		return ERR_PTR(-ENOMEM);
	q = this_cpu_dev();
	spin_lock(&q->lock);
	q->state = n;
	return p;	/* expect: inconsistent-exit &q->lock warning */
}

/* Locked only when the caller asked (data the walk does not follow): the
 * shared return is reached without the lock on paths that never took it,
 * so the finding stays a note. */
int locked_on_request(struct dev *d, int flags)
{
	int locked = 0;

	if (flags & 1) {
		spin_lock(&d->lock);
		locked = 1;
	}
	d->state = flags;
	if (locked && d->state)
		spin_unlock(&d->lock);
	return 0;	/* expect: inconsistent-exit &d->lock note */
}
