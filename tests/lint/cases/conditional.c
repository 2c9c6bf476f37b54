/* Conditional locking on the same condition; expect: CHECK LOCK */
struct q { spinlock_t lock; int n; int flags; };

void cond_same_condition_ok(struct q *q, int need)
{
	if (need)
		spin_lock(&q->lock);
	q->n++;
	if (need)
		spin_unlock(&q->lock);
}

void cond_flag_variable_ok(struct q *q)
{
	int locked = 0;

	if (q->flags & 1) {
		spin_lock(&q->lock);
		locked = 1;
	}
	q->n--;
	if (locked)
		spin_unlock(&q->lock);
}

void cond_mask_expression_ok(struct q *q, unsigned long flags)
{
	if (flags & 4)
		spin_lock(&q->lock);
	q->n = 0;
	if (flags & 4)
		spin_unlock(&q->lock);
}

void cond_different_condition(struct q *q, int a, int b)
{
	if (a)
		spin_lock(&q->lock);
	q->n = 0;
	if (b)
		spin_unlock(&q->lock);
}	/* expect: inconsistent-exit &q->lock note */

void cond_condition_changed(struct q *q, int need)
{
	if (need)
		spin_lock(&q->lock);
	need = q->n;
	if (need)
		spin_unlock(&q->lock);
}	/* expect: inconsistent-exit &q->lock note */

void cond_bool_variable_ok(struct q *q, bool lock)
{
	bool taken = false;

	if (lock && q->n > 0) {
		spin_lock(&q->lock);
		taken = true;
	}
	q->flags = 0;
	if (taken)
		spin_unlock(&q->lock);
}

void cond_param_null_ok(struct q *q)
{
	if (!q)
		return;
	spin_unlock(&q->lock);
}
