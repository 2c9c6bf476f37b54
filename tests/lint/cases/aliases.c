/* A lock reached through a local that holds a fixed path is the lock of that path; expect: CHECK LOCK [severity] */
struct sighand_struct { spinlock_t siglock; int count; };
struct task_struct { struct sighand_struct *sighand; struct mm_struct *mm; int flags; };
struct res { spinlock_t lock; struct mutex m; int v; struct res *next; };

/* get_signal()'s shape: the callee names the lock by the path, the caller by its local */
static void stop_here(void)
	__releases(&current->sighand->siglock)
{
	current->flags = 1;
	spin_unlock_irq(&current->sighand->siglock);
}

int alias_of_current_ok(void)
{
	struct sighand_struct *sighand = current->sighand;

	spin_lock_irq(&sighand->siglock);
	if (sighand->count) {
		stop_here();
		return 1;
	}
	spin_unlock_irq(&sighand->siglock);
	return 0;
}

void alias_of_parameter_ok(struct res *r)
{
	spinlock_t *lock = &r->lock;

	spin_lock(lock);
	r->v++;
	spin_unlock(&r->lock);
}

void alias_chain_ok(struct res *r)
{
	struct res *first = r->next;
	struct mutex *m = &first->m;

	mutex_lock(&r->next->m);
	first->v = 0;
	mutex_unlock(m);
}

int alias_leak(struct res *r)
{
	spinlock_t *lock = &r->lock;

	spin_lock(&r->lock);
	if (r->v)
		return -EBUSY;	/* expect: inconsistent-exit &r->lock */
	spin_unlock(lock);
	return 0;
}

/* not aliases: the path is written to, or the local is reassigned, in between */
int path_overwritten_ok(void)
{
	struct task_struct *tsk = current;
	struct mm_struct *mm = tsk->mm;

	mmap_read_lock(mm);
	tsk->mm = NULL;
	mmap_read_unlock(mm);
	return 0;
}

void reassigned_local(struct res *r)
{
	struct res *p = r;

	p = r->next;
	spin_lock(&p->lock);
	spin_unlock(&r->lock);
}	/* expect: held-at-exit &p->lock warning */
