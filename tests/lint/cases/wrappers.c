/* Lock wrappers and their callers (interprocedural summaries); expect: CHECK LOCK [severity] */
struct inode_info { spinlock_t i_lock; struct mutex i_mutex; int size; };

static void info_lock(struct inode_info *info)
{
	spin_lock(&info->i_lock);
}

static void info_unlock(struct inode_info *info)
{
	spin_unlock(&info->i_lock);
}

static int info_trylock(struct inode_info *info)
{
	if (spin_trylock(&info->i_lock))
		return 1;
	return 0;
}

static int info_lock_interruptible(struct inode_info *info)
{
	if (mutex_lock_interruptible(&info->i_mutex))
		return -EINTR;
	return 0;
}

void wrapper_caller_ok(struct inode_info *info)
{
	info_lock(info);
	info->size++;
	info_unlock(info);
}

int wrapper_caller_leak(struct inode_info *info)
{
	info_lock(info);
	if (info->size < 0)
		return -EIO;	/* expect: inconsistent-exit &info->i_lock */
	info_unlock(info);
	return 0;
}

void wrapper_double_lock(struct inode_info *info)
{
	info_lock(info);
	info->size = 0;
	info_lock(info);	/* expect: double-lock &info->i_lock */
	info_unlock(info);
	info_unlock(info);	/* a consequence: listed under the double lock */
}

int try_wrapper_caller_ok(struct inode_info *info)
{
	if (!info_trylock(info))
		return -EBUSY;
	info->size = 1;
	info_unlock(info);
	return 0;
}

int interruptible_wrapper_caller_ok(struct inode_info *info)
{
	int err = info_lock_interruptible(info);

	if (err)
		return err;
	info->size = 2;
	mutex_unlock(&info->i_mutex);
	return 0;
}

void wrapper_struct_arg_ok(struct inode_info *info)
{
	struct inode_info local;

	info_lock(&local);
	local.size = info->size;
	info_unlock(&local);
}

void annotated_acquire(struct inode_info *info) __acquires(&info->i_lock)
{
	spin_lock(&info->i_lock);
}

void annotated_caller_ok(struct inode_info *info)
{
	annotated_acquire(info);
	info->size = 3;
	spin_unlock(&info->i_lock);
}

void held_by_local_object(void)
{
	struct inode_info *info = lookup_info();

	spin_lock(&info->i_lock);
	info->size = 4;
}	/* expect: held-at-exit &info->i_lock warning */

void update_size_forgets_unlock(struct inode_info *info)
{
	spin_lock(&info->i_lock);
	info->size++;
}	/* expect: held-at-exit &info->i_lock note */
