/* Scope-based locking: guard(), scoped_guard(), __cleanup__; expect: CHECK LOCK [severity] */
struct res { spinlock_t lock; struct mutex m; int v; };

int guard_early_return_ok(struct res *r)
{
	guard(mutex)(&r->m);
	if (r->v < 0)
		return -EINVAL;
	r->v++;
	return 0;
}

void scoped_guard_break_ok(struct res *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		scoped_guard(spinlock, &r->lock) {
			if (r->v == i)
				break;
			r->v++;
		}
	}
}

int scoped_guard_return_inside_ok(struct res *r)
{
	scoped_guard(mutex, &r->m) {
		if (r->v)
			return r->v;
		r->v = 1;
	}
	return 0;
}

void guard_then_manual_unlock(struct res *r)
{
	guard(spinlock)(&r->lock);
	r->v = 0;
	spin_unlock(&r->lock);
}	/* expect: double-unlock &r->lock */

int guard_goto_out_of_scope_ok(struct res *r)
{
	int ret = 0;

	{
		guard(mutex)(&r->m);
		if (r->v > 10) {
			ret = -E2BIG;
			goto out;
		}
		r->v *= 2;
	}
out:
	return ret;
}

void guard_double_lock(struct res *r)
{
	guard(mutex)(&r->m);
	mutex_lock(&r->m);	/* expect: double-lock &r->m */
	r->v = 5;
	mutex_unlock(&r->m);
}	/* the guard's release here is a consequence, listed under the double lock */

/* __cleanup__ variables: the cleanup function runs at every scope exit. */
struct cl { spinlock_t lock; int v; };

static void unlock_ptr(spinlock_t **p)
{
	spin_unlock(*p);
}

static void forget_ptr(spinlock_t **p)
{
	*p = 0;
}

int cleanup_unlocks_ok(struct cl *c)
{
	spinlock_t *l __attribute__((__cleanup__(unlock_ptr))) = &c->lock;

	spin_lock(l);
	if (c->v)
		return 1;
	c->v = 2;
	return 0;
}

int cleanup_does_not_unlock(struct cl *c)
{
	spinlock_t *l __attribute__((__cleanup__(forget_ptr))) = &c->lock;

	spin_lock(l);
	if (c->v)
		return -EBUSY;	/* expect: inconsistent-exit l */
	spin_unlock(l);
	return 0;
}
