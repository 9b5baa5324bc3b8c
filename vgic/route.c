// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_SET_GSI_ROUTING: the table from GSI to irqchip pin that irqfds go
 * through, with KVM's checks: irqchip routes to SPIs, and MSI routes
 * (KVM_IRQ_ROUTING_MSI, flags 0 or KVM_MSI_VALID_DEVID) that an irqfd
 * delivers through an ITS (vgic/msi.c). A new table replaces the old one
 * whole. Readers (an irqfd's wake-up or work item, the resample ack) look
 * it up and inject under irqfds.srcu, a VM's own SRCU so that nothing else
 * (a vCPU's fault in guest memory) delays a writer: KVM_SET_GSI_ROUTING
 * returns once no injection by the old table is in flight, as KVM's
 * (synchronize_srcu_expedited on its irq_srcu), so a VMM that moves a GSI
 * and then lowers the old line never sees a late raise of it.
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
	struct vhv_routes *r = kvmalloc(struct_size(r, e, nr_gsi), GFP_KERNEL_ACCOUNT);
	u32 i;

	if (!r)
		return NULL;
	r->nr_gsi = nr_gsi;
	memset(r->e, 0, nr_gsi * sizeof(r->e[0]));
	for (i = 0; i < nr_gsi; i++)
		r->e[i].pin = VHV_ROUTE_NONE;
	return r;
}

static void routes_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct vhv_routes, rcu));
}

/* Called with vm->lock held; the old table freed after its readers. */
static void routes_install(struct vhv_vm *vm, struct vhv_routes *r)
{
	struct vhv_routes *old = rcu_replace_pointer(vm->irqfds.routes, r,
						     lockdep_is_held(&vm->lock));

	if (old)
		call_srcu(&vm->irqfds.srcu, &old->rcu, routes_free_rcu);
}

int vhv_routes_set_default(struct vhv_vm *vm, unsigned int nr_spis)
{
	struct vhv_routes *r = routes_alloc(nr_spis);
	unsigned int i;

	if (!r)
		return -ENOMEM;
	for (i = 0; i < nr_spis; i++)
		r->e[i].pin = i;
	routes_install(vm, r);
	return 0;
}

u32 vhv_route_pin(struct vhv_vm *vm, u32 gsi)
{
	struct vhv_routes *r = srcu_dereference(vm->irqfds.routes, &vm->irqfds.srcu);

	return r && gsi < r->nr_gsi ? r->e[gsi].pin : VHV_ROUTE_NONE;
}

void vhv_route_get(struct vhv_vm *vm, u32 gsi, struct vhv_route *out)
{
	struct vhv_routes *r;

	r = srcu_dereference(vm->irqfds.routes, &vm->irqfds.srcu);
	if (r && gsi < r->nr_gsi)
		*out = r->e[gsi];
	else
		*out = (struct vhv_route){ .pin = VHV_ROUTE_NONE };
}

/* KVM's checks: an MSI's flags, an irqchip's chip and pin. */
static int check_entry(const struct kvm_irq_routing_entry *e)
{
	if (e->gsi >= VHV_MAX_IRQ_ROUTES)
		return -EINVAL;
	if (e->type == KVM_IRQ_ROUTING_MSI)
		return e->flags & ~KVM_MSI_VALID_DEVID ? -EINVAL : 0;
	if (e->flags || e->type != KVM_IRQ_ROUTING_IRQCHIP)
		return -EINVAL;
	if (e->u.irqchip.irqchip || e->u.irqchip.pin >= NR_PINS)
		return -EINVAL;
	return 0;
}

static void set_entry(struct vhv_route *out, const struct kvm_irq_routing_entry *e)
{
	if (e->type == KVM_IRQ_ROUTING_IRQCHIP) {
		out->pin = e->u.irqchip.pin;
		return;
	}
	out->msi = true;
	out->flags = e->flags;
	out->address_lo = e->u.msi.address_lo;
	out->address_hi = e->u.msi.address_hi;
	out->data = e->u.msi.data;
	out->devid = e->u.msi.devid;
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
		/*
		 * One irqchip, and an MSI route is a GSI's only one: a GSI
		 * routed twice is EINVAL, as in KVM.
		 */
		if (r->e[e[i].gsi].pin != VHV_ROUTE_NONE || r->e[e[i].gsi].msi) {
			kvfree(r);
			*err = -EINVAL;
			return NULL;
		}
		set_entry(&r->e[e[i].gsi], &e[i]);
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
	/* No lock held: a reader may be an irqfd's work item, which sleeps. */
	synchronize_srcu_expedited(&vm->irqfds.srcu);
	return 0;
}
