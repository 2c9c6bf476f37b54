/* irqsave/irqrestore pairs; expect: CHECK LOCK [severity] */
struct port { spinlock_t lock; spinlock_t tx_lock; int v; };

void irqsave_nested_ok(struct port *p)
{
	unsigned long flags, flags2;

	spin_lock_irqsave(&p->lock, flags);
	spin_lock_irqsave(&p->tx_lock, flags2);
	p->v++;
	spin_unlock_irqrestore(&p->tx_lock, flags2);
	spin_unlock_irqrestore(&p->lock, flags);
}

void irqsave_flags_swapped(struct port *p)
{
	unsigned long flags, flags2;

	spin_lock_irqsave(&p->lock, flags);
	spin_lock_irqsave(&p->tx_lock, flags2);
	p->v++;
	spin_unlock_irqrestore(&p->tx_lock, flags);	/* expect: irqsave-mismatch &p->tx_lock */
	spin_unlock_irqrestore(&p->lock, flags2);	/* expect: irqsave-mismatch &p->lock */
}

void irqsave_plain_unlock(struct port *p)
{
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	p->v = 0;
	spin_unlock(&p->lock);	/* expect: irqsave-mismatch &p->lock */
}

void irq_unlock_irqrestore_without_save(struct port *p, unsigned long flags)
{
	spin_lock(&p->lock);
	p->v = 2;
	spin_unlock_irqrestore(&p->lock, flags);	/* expect: irqsave-mismatch &p->lock */
}

void local_irq_save_nested_ok(struct port *p)
{
	unsigned long f1, f2;

	local_irq_save(f1);
	local_irq_save(f2);
	p->v++;
	local_irq_restore(f2);
	local_irq_restore(f1);
}

void old_cli_sti_ok(struct port *p)
{
	unsigned long flags;

	save_flags(flags);
	cli();
	p->v = 1;
	restore_flags(flags);
}

int old_cli_leak(struct port *p)
{
	cli();
	if (p->v)
		return -EBUSY;	/* expect: inconsistent-exit irq */
	sti();
	return 0;
}
