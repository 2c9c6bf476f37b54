/* RCU, BH, preempt, rw locks, semaphores of 2.x; expect: CHECK LOCK [severity] */
struct tbl { rwlock_t rw; struct rw_semaphore sem; struct semaphore s; int v; };

int rcu_nested_ok(struct tbl *t)
{
	int v;

	rcu_read_lock();
	rcu_read_lock();
	v = t->v;
	rcu_read_unlock();
	rcu_read_unlock();
	return v;
}

int rcu_leak_on_error(struct tbl *t)
{
	rcu_read_lock();
	if (!t->v)
		return -ENOENT;	/* expect: inconsistent-exit rcu */
	rcu_read_unlock();
	return 0;
}

void bh_and_preempt_ok(struct tbl *t)
{
	local_bh_disable();
	preempt_disable();
	t->v++;
	preempt_enable();
	local_bh_enable();
}

void rwlock_readers_nest_ok(struct tbl *t)
{
	read_lock(&t->rw);
	read_lock(&t->rw);
	t->v = 0;
	read_unlock(&t->rw);
	read_unlock(&t->rw);
}

void rwlock_writer_double(struct tbl *t)
{
	write_lock(&t->rw);
	write_lock(&t->rw);	/* expect: double-lock &t->rw */
	write_unlock(&t->rw);
	write_unlock(&t->rw);	/* a consequence: listed under the double lock */
}

int rwsem_error_path_ok(struct tbl *t)
{
	down_write(&t->sem);
	if (t->v < 0) {
		up_write(&t->sem);
		return -EINVAL;
	}
	t->v = 1;
	up_write(&t->sem);
	return 0;
}

int old_down_up_leak(struct tbl *t)
{
	down(&t->s);
	if (t->v)
		return -EBUSY;	/* expect: inconsistent-exit &t->s */
	up(&t->s);
	return 0;
}

int casts_and_address_ok(struct tbl *t)
{
	spin_lock((spinlock_t *)&t->v);
	t->v = 2;
	spin_unlock(&*(spinlock_t *)&t->v);
	return 0;
}

void readers_released_for_caller_ok(struct tbl *t)
{
	up_read(&t->sem);
	t->v = 0;
	up_read(&t->sem);
}

void unlock_caller_lock_twice(struct tbl *t)
{
	up(&t->s);
	t->v = 0;
	up(&t->s);	/* expect: unlock-without-lock &t->s */
}
