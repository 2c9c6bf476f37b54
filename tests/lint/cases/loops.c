/* Loops that lock and unlock per iteration; expect: CHECK LOCK [severity] */
struct node { struct node *next; spinlock_t lock; int v; };
struct list { struct node *head; spinlock_t lock; struct mutex m; };

void loop_per_iteration_ok(struct list *l, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&l->lock);
		l->head->v += i;
		spin_unlock(&l->lock);
	}
}

void loop_break_with_lock_held(struct list *l, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		spin_lock(&l->lock);
		if (l->head->v == i)
			break;
		spin_unlock(&l->lock);
	}
}	/* expect: inconsistent-exit &l->lock note */

void loop_break_then_unlock_ok(struct list *l, int n)
{
	int i;

	spin_lock(&l->lock);
	for (i = 0; i < n; i++) {
		if (l->head->v == i)
			break;
		l->head->v++;
	}
	spin_unlock(&l->lock);
}

void loop_continue_ok(struct list *l)
{
	struct node *p;

	for (p = l->head; p; p = p->next) {
		spin_lock(&p->lock);
		if (p->v < 0) {
			spin_unlock(&p->lock);
			continue;
		}
		p->v = 0;
		spin_unlock(&p->lock);
	}
}

void loop_relock_every_time(struct list *l, int n)
{
	while (n--) {
		mutex_lock(&l->m);	/* expect: double-lock &l->m */
		l->head = 0;
	}
	mutex_unlock(&l->m);
}

void loop_iterator_macro_ok(struct list *l)
{
	struct node *p;

	spin_lock(&l->lock);
	list_for_each_entry(p, &l->head, next) {
		if (p->v)
			continue;
		p->v = 1;
	}
	spin_unlock(&l->lock);
}

int loop_return_inside_held(struct list *l)
{
	struct node *p;

	mutex_lock(&l->m);
	for (p = l->head; p; p = p->next) {
		if (p->v == 7)
			return -EEXIST;	/* expect: inconsistent-exit &l->m */
	}
	mutex_unlock(&l->m);
	return 0;
}

void loop_do_while_retry_ok(struct list *l)
{
	do {
		spin_lock(&l->lock);
		l->head->v--;
		spin_unlock(&l->lock);
	} while (l->head->v > 0);
}

void trylock_spin_loop_ok(struct list *l)
{
	while (!spin_trylock(&l->lock))
		cpu_relax();
	l->head = 0;
	spin_unlock(&l->lock);
}
