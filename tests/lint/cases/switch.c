/* switch, fall-through, do { } while (0); expect: CHECK LOCK [severity] */
struct st { spinlock_t lock; int mode; int v; };

int switch_each_case_unlocks_ok(struct st *s)
{
	spin_lock(&s->lock);
	switch (s->mode) {
	case 0:
		s->v = 0;
		spin_unlock(&s->lock);
		return 0;
	case 1:
		s->v = 1;
		break;
	default:
		s->v = -1;
		break;
	}
	spin_unlock(&s->lock);
	return 1;
}

int switch_fallthrough_double_unlock(struct st *s)
{
	spin_lock(&s->lock);
	switch (s->mode) {
	case 0:
		spin_unlock(&s->lock);
		/* fall through */
	case 1:
		spin_unlock(&s->lock);	/* expect: double-unlock &s->lock */
		return 0;
	default:
		break;
	}
	spin_unlock(&s->lock);
	return 1;
}

int switch_case_forgets(struct st *s)
{
	spin_lock(&s->lock);
	switch (s->mode) {
	case 2:
		return -EINVAL;	/* expect: inconsistent-exit &s->lock */
	case 3:
		s->v = 3;
		break;
	}
	spin_unlock(&s->lock);
	return 0;
}

void do_while_zero_break_ok(struct st *s)
{
	spin_lock(&s->lock);
	do {
		if (s->v)
			break;
		s->v = 1;
	} while (0);
	spin_unlock(&s->lock);
}

int switch_no_default_ok(struct st *s)
{
	int ret = 0;

	spin_lock(&s->lock);
	switch (s->mode) {
	case 5:
		ret = 5;
		break;
	case 6:
		ret = 6;
	}
	spin_unlock(&s->lock);
	return ret;
}
