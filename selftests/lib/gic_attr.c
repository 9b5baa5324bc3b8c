// SPDX-License-Identifier: GPL-2.0
/*
 * The vGICv3 state as a VMM reaches it, for the GIC state tests: the
 * host's device attribute calls and the guest's IRQ handler (see
 * gic_attr.h). The guest half runs in the guest only and calls no libc.
 */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "gic_attr.h"
#include "test.h"

/* ---- host side ---- */

u64 vcpu_attr(u32 id)
{
	return (u64)(id & 0xf) << 32 | (u64)(id >> 4 & 0xff) << 40;
}

int attr_get(int fd, u32 grp, u64 attr, u64 *val)
{
	return vmm_device_attr(fd, KVM_GET_DEVICE_ATTR, grp, attr, val);
}

int attr_put(int fd, u32 grp, u64 attr, u64 val)
{
	return vmm_device_attr(fd, KVM_SET_DEVICE_ATTR, grp, attr, &val);
}

int attr_has(int fd, u32 grp, u64 attr)
{
	return vmm_device_attr(fd, KVM_HAS_DEVICE_ATTR, grp, attr, NULL);
}

u64 attr_val(int fd, u32 grp, u64 attr)
{
	u64 val = 0;

	ASSERT_OK(attr_get(fd, grp, attr, &val));
	return val;
}

static void vgic_access(struct vgic *g, bool write, u32 grp, u64 attr, void *val)
{
	unsigned long nr = g->has_only ? KVM_HAS_DEVICE_ATTR :
			   write ? KVM_SET_DEVICE_ATTR : KVM_GET_DEVICE_ATTR;

	if (vmm_device_attr(g->fd, nr, grp, attr, val)) {
		vt_fail(__FILE__, __LINE__, "%s group %u attr %#llx: %s",
			g->has_only ? "HAS" : write ? "SET" : "GET", grp,
			(unsigned long long)attr, strerrorname_np(errno) ?: "?");
		vt_abort();
	}
}

u32 dist_get(struct vgic *g, u32 off)
{
	u32 val = 0;

	vgic_access(g, false, GRP_DIST, off, &val);
	return val;
}

void dist_set(struct vgic *g, u32 off, u32 val)
{
	vgic_access(g, true, GRP_DIST, off, &val);
}

u32 rd_get(struct vgic *g, u32 id, u32 off)
{
	u32 val = 0;

	vgic_access(g, false, GRP_REDIST, vcpu_attr(id) | off, &val);
	return val;
}

void rd_set(struct vgic *g, u32 id, u32 off, u32 val)
{
	vgic_access(g, true, GRP_REDIST, vcpu_attr(id) | off, &val);
}

u64 icc_get(struct vgic *g, u32 id, u32 reg)
{
	u64 val = 0;

	vgic_access(g, false, GRP_ICC, vcpu_attr(id) | reg, &val);
	return val;
}

void icc_set(struct vgic *g, u32 id, u32 reg, u64 val)
{
	vgic_access(g, true, GRP_ICC, vcpu_attr(id) | reg, &val);
}

u32 level_get(struct vgic *g, u32 id, u32 intid)
{
	u32 val = 0;

	vgic_access(g, false, GRP_LEVEL, vcpu_attr(id) | LINE_LEVEL(intid), &val);
	return val;
}

void level_set(struct vgic *g, u32 id, u32 intid, u32 val)
{
	vgic_access(g, true, GRP_LEVEL, vcpu_attr(id) | LINE_LEVEL(intid), &val);
}

u32 nr_aprs(u64 ctlr)
{
	u32 bits = CTLR_PRIBITS(ctlr) + 1;

	return bits >= 7 ? 4 : bits == 6 ? 2 : 1;
}

u64 typer_of(struct vgic *g, u32 id)
{
	return (u64)rd_get(g, id, GICR_TYPER + 4) << 32 | rd_get(g, id, GICR_TYPER);
}

u64 want_typer(u32 id, bool last)
{
	return (u64)id << 32 | id << 8 | (last ? GICR_TYPER_LAST : 0);
}

void gvm_new(struct gvm *v, u32 nr, void (*fn)(u64), u64 arg, bool init)
{
	u32 i;

	v->vm = vmm_vm_new();
	v->g.fd = vmm_gic_new(v->vm, NR_IRQS);
	v->g.has_only = false;
	v->nr = nr;
	for (i = 0; i < nr; i++)
		v->vcpu[i] = vmm_vcpu_new(v->vm, i, fn, arg);
	if (init)
		vmm_gic_init(v->g.fd);
}

struct ucall expect_sync(struct vmm_vcpu *vcpu, u64 what)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], what);
	return uc;
}

void expect_log(struct vmm_vm *vm, u32 idx, u32 nr, const u32 *intids)
{
	struct gic_log *log;
	u32 i;

	vmm_sync_from_guest(vm, gic_logs, sizeof(gic_logs));
	log = &gic_logs[idx];
	ASSERT_EQ(log->nr, nr);
	for (i = 0; i < nr; i++)
		EXPECT_EQ(log->intid[i], intids[i]);
	EXPECT_EQ(log->spurious, 0);
}

/* ---- guest side ---- */

void (*irq_hook)(u32 intid);

void irq_handler(struct guest_regs *regs)
{
	u32 cpu = gic_cpu_index(), intid = icc_read(SYS_ICC_IAR1) & 0xffffff;
	struct gic_log *log = &gic_logs[cpu];

	if (intid >= 1020) {
		log->spurious++;
		return;
	}
	/* gic_wait_irqs()'s watchdog: the interrupts taken so far. */
	if (intid == GIC_VTIMER_PPI)
		ucall_abort(__FILE__, __LINE__, log->nr, 0);
	if (log->nr < GIC_LOG_MAX)
		log->intid[log->nr] = intid;
	__atomic_store_n(&log->nr, log->nr + 1, __ATOMIC_RELAXED);
	if (log->irq_ucall)
		GUEST_SYNC2(GIC_UCALL_IRQ, intid);
	if (irq_hook)
		irq_hook(intid);
	icc_write(SYS_ICC_EOIR1, intid);
	if (icc_read(SYS_ICC_CTLR) & CTLR_EOIMODE)
		icc_write(SYS_ICC_DIR, intid);
}

void guest_nothing(u64 unused)
{
}
