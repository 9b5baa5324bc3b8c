// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_GSI_ROUTING: the table from GSI to irqchip pin that irqfds go
 * through, with KVM's checks. Only irqchip routes exist: MSI routes need
 * an ITS, which vhv does not have, and are refused with EINVAL (KVM takes
 * them and then drops every MSI). Readers look the table up under RCU;
 * a new table replaces the old one whole.
 */
#include <linux/kvm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "core/vm.h"
#include "vgic/irqfd.h"

#define NR_PINS		988	/* KVM_IRQCHIP_NUM_PINS: 1020 - 32 */

static struct vhv_routes *routes_alloc(u32 nr_gsi)
{
	struct vhv_routes *r = kvmalloc(struct_size(r, pin, nr_gsi), GFP_KERNEL_ACCOUNT);

	if (!r)
		return NULL;
	r->nr_gsi = nr_gsi;
	memset(r->pin, 0xff, nr_gsi * sizeof(r->pin[0]));
	return r;
}

static void routes_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct vhv_routes, rcu));
}

/* Called with vm->lock held. */
static void routes_install(struct vhv_vm *vm, struct vhv_routes *r)
{
	struct vhv_routes *old = rcu_replace_pointer(vm->irqfds.routes, r,
						     lockdep_is_held(&vm->lock));

	if (old)
		call_rcu(&old->rcu, routes_free_rcu);
}

int vhv_routes_set_default(struct vhv_vm *vm, unsigned int nr_spis)
{
	struct vhv_routes *r = routes_alloc(nr_spis);
	unsigned int i;

	if (!r)
		return -ENOMEM;
	for (i = 0; i < nr_spis; i++)
		r->pin[i] = i;
	routes_install(vm, r);
	return 0;
}

u32 vhv_route_pin(struct vhv_vm *vm, u32 gsi)
{
	struct vhv_routes *r = rcu_dereference(vm->irqfds.routes);

	return r && gsi < r->nr_gsi ? r->pin[gsi] : VHV_ROUTE_NONE;
}

static int check_entry(const struct kvm_irq_routing_entry *e)
{
	if (e->gsi >= VHV_MAX_IRQ_ROUTES || e->flags || e->type != KVM_IRQ_ROUTING_IRQCHIP)
		return -EINVAL;
	if (e->u.irqchip.irqchip || e->u.irqchip.pin >= NR_PINS)
		return -EINVAL;
	return 0;
}

static struct vhv_routes *build(const struct kvm_irq_routing_entry *e, u32 nr, int *err)
{
	struct vhv_routes *r;
	u32 i, nr_gsi = 0;

	for (i = 0; i < nr; i++) {
		*err = check_entry(&e[i]);
		if (*err)
			return NULL;
		nr_gsi = max(nr_gsi, e[i].gsi + 1);
	}
	*err = -ENOMEM;
	r = routes_alloc(nr_gsi);
	if (!r)
		return NULL;
	for (i = 0; i < nr; i++) {
		/* One irqchip: a GSI routed twice to it is EINVAL, as in KVM. */
		if (r->pin[e[i].gsi] != VHV_ROUTE_NONE) {
			kvfree(r);
			*err = -EINVAL;
			return NULL;
		}
		r->pin[e[i].gsi] = e[i].u.irqchip.pin;
	}
	return r;
}

int vhv_set_gsi_routing(struct vhv_vm *vm, void __user *argp)
{
	struct kvm_irq_routing __user *ur = argp;
	struct kvm_irq_routing_entry *e = NULL;
	struct kvm_irq_routing hdr;
	struct vhv_routes *r;
	int err;

	if (copy_from_user(&hdr, ur, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nr > VHV_MAX_IRQ_ROUTES || hdr.flags)
		return -EINVAL;
	if (hdr.nr) {
		e = vmemdup_user(ur->entries, array_size(hdr.nr, sizeof(*e)));
		if (IS_ERR(e))
			return PTR_ERR(e);
	}
	r = build(e, hdr.nr, &err);
	kvfree(e);
	if (!r)
		return err;
	mutex_lock(&vm->lock);
	routes_install(vm, r);
	mutex_unlock(&vm->lock);
	return 0;
}
