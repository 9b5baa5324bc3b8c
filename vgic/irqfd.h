/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GSI routing and irqfds (vgic/route.c, vgic/irqfd.c): an eventfd a
 * device model or vhost writes to raise an SPI without a trip through
 * the VMM, and the resample eventfd that tells it when the guest has
 * completed a level interrupt.
 *
 * Lock order: vm->lock (routing changes), irqfds->assign_lock >
 * irqfds->resample_lock >
 * irqfds->lock (spinlock, also taken under an eventfd's wait-queue lock)
 * > vgic->lock. The wake-up injects under the wait-queue lock: an ITS's
 * cache->lock (vgic/its_cache.h) and vgic->lock are taken inside it.
 */
#ifndef VHV_VGIC_IRQFD_H
#define VHV_VGIC_IRQFD_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>

struct vhv_vm;

#define VHV_MAX_IRQ_ROUTES	4096	/* KVM_MAX_IRQ_ROUTES */
#define VHV_ROUTE_NONE		0xffff

/*
 * A GSI's route: an irqchip pin (SPI INTID - 32), or VHV_ROUTE_NONE and,
 * if msi, an MSI to an ITS (vgic/msi.c).
 */
struct vhv_route {
	u16 pin;
	bool msi;
	u32 flags;			/* KVM_MSI_VALID_DEVID */
	u32 address_lo, address_hi, data, devid;
};

struct vhv_routes {
	struct rcu_head rcu;
	u32 nr_gsi;
	struct vhv_route e[];
};

struct vhv_irqfds {
	struct mutex assign_lock;	/* KVM_IRQFD: assign against deassign */
	spinlock_t lock;		/* items */
	struct list_head items;
	struct mutex resample_lock;	/* resamplers */
	struct list_head resamplers;
	unsigned int nr_resamplers;
	struct vhv_routes __rcu *routes;
	/* Readers of routes and what they inject (vgic/route.c). */
	struct srcu_struct srcu;
};

int vhv_irqfds_init(struct vhv_vm *vm);
void vhv_irqfds_destroy(struct vhv_vm *vm);
int vhv_irqfd(struct vhv_vm *vm, void __user *argp);
int vhv_set_gsi_routing(struct vhv_vm *vm, void __user *argp);
/* CTRL_INIT: gsi n -> SPI n + 32 for every SPI, replacing the table. */
int vhv_routes_set_default(struct vhv_vm *vm, unsigned int nr_spis);
/* Under srcu_read_lock(&vm->irqfds.srcu), both. The pin a GSI routes to, or VHV_ROUTE_NONE. */
u32 vhv_route_pin(struct vhv_vm *vm, u32 gsi);
/* A copy of the GSI's route (pin VHV_ROUTE_NONE, msi false: none). */
void vhv_route_get(struct vhv_vm *vm, u32 gsi, struct vhv_route *out);
/* The guest completed this level SPI: lower and tell the resamplers. */
void vhv_irqfd_ack(struct vhv_vm *vm, u32 intid);

int vhv_irqfd_module_init(void);
void vhv_irqfd_module_exit(void);

#endif /* VHV_VGIC_IRQFD_H */
