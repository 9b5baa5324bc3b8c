// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IRQFD: an eventfd wired to a GSI. A write to it wakes
 * irqfd_wakeup() (under the eventfd's wait-queue lock, interrupts off),
 * which consumes the count and injects there, as KVM's irqfd does: an SPI
 * route raises its SPI (and leaves it raised), an MSI route goes through
 * the ITS's translation cache; only an MSI the cache does not hold is
 * queued to a work item, which translates it under the ITS's mutex. A
 * resampling irqfd's level SPI stays high until the guest completes it:
 * then vhv_irqfd_ack() lowers it and signals the resample eventfd, and
 * the device raises it again if it still needs service.
 *
 * The route is read and the interrupt injected under irqfds.srcu
 * (vgic/route.c): a KVM_SET_GSI_ROUTING racing with a signal delivers it
 * by the old route or the new one, and returns only once no delivery by
 * the old one is still in flight.
 *
 * Teardown (deassign, the eventfd closed, the VM destroyed) unlinks the
 * irqfd and queues its shutdown on vhv's own workqueue, which the VM's
 * destruction flushes before the vGIC goes away.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/kvm.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "core/compat.h"
#include "core/vm.h"
#include "vgic/irqfd.h"
#include "vgic/its.h"
#include "vgic/vgic.h"

struct vhv_irqfd {
	struct vhv_vm *vm;
	struct list_head link;		/* irqfds->items; empty once deactivated */
	struct eventfd_ctx *eventfd;
	u32 gsi;
	wait_queue_entry_t wait;
	wait_queue_head_t *wqh;
	poll_table pt;
	struct work_struct inject;
	struct work_struct shutdown;
	/* Resampling: on irqfds->resamplers while active. */
	struct eventfd_ctx *resamplefd;
	struct list_head resample_link;
};

static struct workqueue_struct *cleanup_wq;

/*
 * What a signal of the irqfd does, by its GSI's route read now: an SPI
 * raised (never lowered: KVM's irqfd raises the line, so an edge SPI
 * latches each signal and a level one stays high until KVM_IRQ_LINE or,
 * for a resampling irqfd, the guest's EOI lowers it), or an MSI. In the
 * wake-up (atomic) an MSI goes only through the ITS's translation cache:
 * -EWOULDBLOCK asks for the work item, which translates under the ITS's
 * mutex. A GSI without a route, a pin beyond the SPIs or an MSI nothing
 * translates is dropped, as in KVM.
 */
static int irqfd_inject_route(struct vhv_irqfd *fd, bool atomic)
{
	struct vhv_route r;

	vhv_route_get(fd->vm, fd->gsi, &r);
	if (r.msi) {
		struct kvm_msi msi = {
			.address_lo = r.address_lo, .address_hi = r.address_hi,
			.data = r.data, .flags = r.flags, .devid = r.devid,
		};

		if (atomic)
			return vhv_msi_inject_atomic(fd->vm, &msi);
		vhv_msi_signal(fd->vm, &msi);
		return 0;
	}
	/* vgic->lock is a raw spinlock and the kick an IPI: fine in atomic context. */
	if (r.pin != VHV_ROUTE_NONE)
		vhv_vgic_set_spi(fd->vm, r.pin + VHV_VGIC_NR_PRIVATE, true);
	return 0;
}

/* In process context: an MSI the cache did not have, or a signal at assign. */
static void irqfd_inject(struct work_struct *work)
{
	struct vhv_irqfd *fd = container_of(work, struct vhv_irqfd, inject);
	int idx = srcu_read_lock(&fd->vm->irqfds.srcu);

	irqfd_inject_route(fd, false);
	srcu_read_unlock(&fd->vm->irqfds.srcu, idx);
}

static void irqfd_shutdown(struct work_struct *work)
{
	struct vhv_irqfd *fd = container_of(work, struct vhv_irqfd, shutdown);
	struct vhv_irqfds *irqfds = &fd->vm->irqfds;
	u64 cnt;

	eventfd_ctx_remove_wait_queue(fd->eventfd, &fd->wait, &cnt);
	flush_work(&fd->inject);
	if (fd->resamplefd) {
		mutex_lock(&irqfds->resample_lock);
		list_del(&fd->resample_link);
		irqfds->nr_resamplers--;
		mutex_unlock(&irqfds->resample_lock);
		eventfd_ctx_put(fd->resamplefd);
	}
	eventfd_ctx_put(fd->eventfd);
	kfree(fd);
}

/* Called with irqfds->lock held. */
static void irqfd_deactivate(struct vhv_irqfd *fd)
{
	if (list_empty(&fd->link))
		return;
	list_del_init(&fd->link);
	queue_work(cleanup_wq, &fd->shutdown);
}

static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync, void *key)
{
	struct vhv_irqfd *fd = container_of(wait, struct vhv_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	unsigned long irqflags;
	int idx, ret;
	u64 cnt;

	if (flags & EPOLLIN) {
		/* Consume the count, so writes never block on a full eventfd. */
		eventfd_ctx_do_read(fd->eventfd, &cnt);
		idx = srcu_read_lock(&fd->vm->irqfds.srcu);
		ret = irqfd_inject_route(fd, true);
		srcu_read_unlock(&fd->vm->irqfds.srcu, idx);
		if (ret == -EWOULDBLOCK)
			schedule_work(&fd->inject);
	}
	if (flags & EPOLLHUP) {
		spin_lock_irqsave(&fd->vm->irqfds.lock, irqflags);
		irqfd_deactivate(fd);
		spin_unlock_irqrestore(&fd->vm->irqfds.lock, irqflags);
	}
	return 0;
}

static void irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh, poll_table *pt)
{
	struct vhv_irqfd *fd = container_of(pt, struct vhv_irqfd, pt);

	fd->wqh = wqh;
	add_wait_queue(wqh, &fd->wait);
}

static struct vhv_irqfd *irqfd_alloc(struct vhv_vm *vm, const struct kvm_irqfd *args)
{
	struct vhv_irqfd *fd = kzalloc(sizeof(*fd), GFP_KERNEL_ACCOUNT);

	if (!fd)
		return ERR_PTR(-ENOMEM);
	fd->vm = vm;
	fd->gsi = args->gsi;
	INIT_LIST_HEAD(&fd->link);
	INIT_WORK(&fd->inject, irqfd_inject);
	INIT_WORK(&fd->shutdown, irqfd_shutdown);
	init_waitqueue_func_entry(&fd->wait, irqfd_wakeup);
	init_poll_funcptr(&fd->pt, irqfd_queue_proc);
	if (args->flags & KVM_IRQFD_FLAG_RESAMPLE) {
		fd->resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(fd->resamplefd)) {
			long err = PTR_ERR(fd->resamplefd);

			kfree(fd);
			return ERR_PTR(err);
		}
	}
	return fd;
}

static void irqfd_free(struct vhv_irqfd *fd)
{
	if (fd->resamplefd)
		eventfd_ctx_put(fd->resamplefd);
	if (fd->eventfd)
		eventfd_ctx_put(fd->eventfd);
	kfree(fd);
}

/* Links fd unless its eventfd already feeds an irqfd of this VM (EBUSY). */
static int irqfd_link(struct vhv_irqfds *irqfds, struct vhv_irqfd *fd)
{
	struct vhv_irqfd *other;

	spin_lock_irq(&irqfds->lock);
	list_for_each_entry(other, &irqfds->items, link) {
		if (other->eventfd == fd->eventfd) {
			spin_unlock_irq(&irqfds->lock);
			return -EBUSY;
		}
	}
	list_add_tail(&fd->link, &irqfds->items);
	spin_unlock_irq(&irqfds->lock);
	return 0;
}

static int irqfd_assign(struct vhv_vm *vm, const struct kvm_irqfd *args)
{
	struct vhv_irqfds *irqfds = &vm->irqfds;
	struct vhv_irqfd *fd;
	struct file *file;
	__poll_t events;
	int ret;

	if (!vhv_vgic_ready(vm))
		return -EAGAIN;
	file = fget(args->fd);
	if (!file)
		return -EBADF;
	fd = irqfd_alloc(vm, args);
	ret = PTR_ERR_OR_ZERO(fd);
	if (ret)
		goto put_file;
	fd->eventfd = eventfd_ctx_fileget(file);
	if (IS_ERR(fd->eventfd)) {
		ret = PTR_ERR(fd->eventfd);
		fd->eventfd = NULL;
		goto free;
	}
	ret = irqfd_link(irqfds, fd);
	if (ret)
		goto free;
	if (fd->resamplefd) {
		mutex_lock(&irqfds->resample_lock);
		list_add_tail(&fd->resample_link, &irqfds->resamplers);
		irqfds->nr_resamplers++;
		mutex_unlock(&irqfds->resample_lock);
	}
	/* A write before the wait-queue entry was there counts too. */
	events = vfs_poll(file, &fd->pt);
	if (events & EPOLLIN)
		schedule_work(&fd->inject);
	fput(file);
	return 0;

free:
	irqfd_free(fd);
put_file:
	fput(file);
	return ret;
}

static int irqfd_deassign(struct vhv_vm *vm, const struct kvm_irqfd *args)
{
	struct vhv_irqfds *irqfds = &vm->irqfds;
	struct eventfd_ctx *eventfd;
	struct vhv_irqfd *fd, *tmp;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	spin_lock_irq(&irqfds->lock);
	list_for_each_entry_safe(fd, tmp, &irqfds->items, link)
		if (fd->eventfd == eventfd && fd->gsi == args->gsi)
			irqfd_deactivate(fd);
	spin_unlock_irq(&irqfds->lock);
	eventfd_ctx_put(eventfd);
	/* Gone when the ioctl returns: no injection after it. */
	flush_workqueue(cleanup_wq);
	return 0;
}

int vhv_irqfd(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_irqfd args;
	int ret;

	if (copy_from_user(&args, argp, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~(KVM_IRQFD_FLAG_DEASSIGN | KVM_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	/*
	 * One at a time: a deassign must not shut an irqfd down between its
	 * linking and its wait-queue entry (assign holds the eventfd file, so
	 * its release cannot either).
	 */
	mutex_lock(&vm->irqfds.assign_lock);
	if (args.flags & KVM_IRQFD_FLAG_DEASSIGN)
		ret = irqfd_deassign(vm, &args);
	else
		ret = irqfd_assign(vm, &args);
	mutex_unlock(&vm->irqfds.assign_lock);
	return ret;
}

void vhv_irqfd_ack(struct vhv_vm *vm, u32 intid)
{
	struct vhv_irqfds *irqfds = &vm->irqfds;
	struct vhv_irqfd *fd;
	bool lowered = false;

	if (!READ_ONCE(irqfds->nr_resamplers) || intid < VHV_VGIC_NR_PRIVATE)
		return;
	mutex_lock(&irqfds->resample_lock);
	list_for_each_entry(fd, &irqfds->resamplers, resample_link) {
		int idx = srcu_read_lock(&irqfds->srcu);
		u32 pin;

		pin = vhv_route_pin(vm, fd->gsi);
		srcu_read_unlock(&irqfds->srcu, idx);
		if (pin + VHV_VGIC_NR_PRIVATE != intid)
			continue;
		/* Lowered first: the device raises it again if it must. */
		if (!lowered)
			vhv_vgic_set_spi(vm, intid, false);
		lowered = true;
		vhv_eventfd_signal(fd->resamplefd);
	}
	mutex_unlock(&irqfds->resample_lock);
}

int vhv_irqfds_init(struct vhv_vm *vm)
{
	struct vhv_irqfds *irqfds = &vm->irqfds;
	int ret = init_srcu_struct(&irqfds->srcu);

	if (ret)
		return ret;
	mutex_init(&irqfds->assign_lock);
	spin_lock_init(&irqfds->lock);
	INIT_LIST_HEAD(&irqfds->items);
	mutex_init(&irqfds->resample_lock);
	INIT_LIST_HEAD(&irqfds->resamplers);
	return 0;
}

/* The VM is going away: every irqfd shut down before the vGIC is freed. */
void vhv_irqfds_destroy(struct vhv_vm *vm)
{
	struct vhv_irqfds *irqfds = &vm->irqfds;
	struct vhv_irqfd *fd, *tmp;

	spin_lock_irq(&irqfds->lock);
	list_for_each_entry_safe(fd, tmp, &irqfds->items, link)
		irqfd_deactivate(fd);
	spin_unlock_irq(&irqfds->lock);
	flush_workqueue(cleanup_wq);
	kvfree(rcu_dereference_protected(irqfds->routes, true));
	/* Tables replaced earlier are freed by call_srcu(): wait for them. */
	srcu_barrier(&irqfds->srcu);
	cleanup_srcu_struct(&irqfds->srcu);
}

int vhv_irqfd_module_init(void)
{
	cleanup_wq = alloc_workqueue("vhv-irqfd-cleanup", 0, 0);
	return cleanup_wq ? 0 : -ENOMEM;
}

void vhv_irqfd_module_exit(void)
{
	destroy_workqueue(cleanup_wq);
	/* Replaced routing tables are freed by RCU callbacks in this module. */
	rcu_barrier();
}
