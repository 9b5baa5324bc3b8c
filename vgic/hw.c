// SPDX-License-Identifier: GPL-2.0
/*
 * The host's GIC virtualization hardware: the virtual CPU interface's
 * size (ICH_VTR_EL2), register access by index, and the maintenance
 * interrupt.
 *
 * The maintenance interrupt (a PPI, 25 on most systems) is described in
 * the firmware, the device tree or ACPI's MADT (core/firmware.c). Nobody
 * else uses it while in-kernel KVM is off, so vhv requests it as a
 * per-CPU interrupt and enables it on every CPU. Its handler has nothing
 * to do: taking it while the guest runs is what makes the guest exit
 * (HCR_EL2.IMO), and the exit path clears its cause (ICH_HCR_EL2 = 0)
 * before interrupts are unmasked. When the firmware does not describe it,
 * the vGIC is not offered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/percpu.h>
#include <asm/sysreg.h>

#include "arm64/sysreg_enc.h"
#include "core/firmware.h"
#include "vgic/hw.h"
#include "vgic/vgic.h"

struct vhv_vgic_hw vhv_vgic_hw;

static DEFINE_PER_CPU(u8, maint_cookie);
static int maint_cpuhp_state;
/* The PPI the per-CPU callbacks enable: set before they first run. */
static int maint_irq;

#define LR_READ(n)	case n: return read_sysreg_s(VHV_ICH_LR_EL2(n))
#define LR_WRITE(n)	case n: write_sysreg_s(val, VHV_ICH_LR_EL2(n)); break

u64 vhv_vgic_read_lr(unsigned int n)
{
	switch (n) {
	LR_READ(0); LR_READ(1); LR_READ(2); LR_READ(3);
	LR_READ(4); LR_READ(5); LR_READ(6); LR_READ(7);
	LR_READ(8); LR_READ(9); LR_READ(10); LR_READ(11);
	LR_READ(12); LR_READ(13); LR_READ(14); LR_READ(15);
	}
	return 0;
}

void vhv_vgic_write_lr(unsigned int n, u64 val)
{
	switch (n) {
	LR_WRITE(0); LR_WRITE(1); LR_WRITE(2); LR_WRITE(3);
	LR_WRITE(4); LR_WRITE(5); LR_WRITE(6); LR_WRITE(7);
	LR_WRITE(8); LR_WRITE(9); LR_WRITE(10); LR_WRITE(11);
	LR_WRITE(12); LR_WRITE(13); LR_WRITE(14); LR_WRITE(15);
	}
}

/* ICH_AP0R<n>/AP1R<n>: n < nr_apr, which is 1, 2 or 4. */
#define APR_SAVE(n)	do {						\
	ap0r[n] = read_sysreg_s(VHV_ICH_AP0R_EL2(n));			\
	ap1r[n] = read_sysreg_s(VHV_ICH_AP1R_EL2(n));			\
} while (0)
#define APR_LOAD(n)	do {						\
	write_sysreg_s(ap0r[n], VHV_ICH_AP0R_EL2(n));			\
	write_sysreg_s(ap1r[n], VHV_ICH_AP1R_EL2(n));			\
} while (0)

void vhv_vgic_save_aprs(u32 *ap0r, u32 *ap1r)
{
	switch (vhv_vgic_hw.nr_apr) {
	case 4:
		APR_SAVE(3);
		APR_SAVE(2);
		fallthrough;
	case 2:
		APR_SAVE(1);
		fallthrough;
	default:
		APR_SAVE(0);
	}
}

void vhv_vgic_load_aprs(const u32 *ap0r, const u32 *ap1r)
{
	switch (vhv_vgic_hw.nr_apr) {
	case 4:
		APR_LOAD(3);
		APR_LOAD(2);
		fallthrough;
	case 2:
		APR_LOAD(1);
		fallthrough;
	default:
		APR_LOAD(0);
	}
}

static irqreturn_t maint_handler(int irq, void *cookie)
{
	return IRQ_HANDLED;
}

static int maint_cpu_online(unsigned int cpu)
{
	enable_percpu_irq(maint_irq, irq_get_trigger_type(maint_irq));
	return 0;
}

static int maint_cpu_offline(unsigned int cpu)
{
	disable_percpu_irq(maint_irq);
	return 0;
}

static int request_maint_irq(int irq)
{
	int ret;

	ret = request_percpu_irq(irq, maint_handler, "vhv-vgic-maint", &maint_cookie);
	if (ret)
		return ret;
	/*
	 * The callbacks run on every online CPU inside cpuhp_setup_state():
	 * they must know the IRQ by then (vhv_vgic_hw.maint_irq, which says
	 * the vGIC is offered, is only set once all of this worked).
	 */
	maint_irq = irq;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vhv/vgic:online", maint_cpu_online,
				maint_cpu_offline);
	if (ret < 0) {
		free_percpu_irq(irq, &maint_cookie);
		return ret;
	}
	maint_cpuhp_state = ret;
	return 0;
}

/*
 * ICH_VTR_EL2 (Arm GIC architecture, 12.5.x): ListRegs [4:0] is the
 * number of list registers minus one, PREbits [28:26] the preemption
 * bits minus one, PRIbits [31:29] the priority bits minus one. With 5, 6
 * or 7 preemption bits there are 1, 2 or 4 active-priority registers.
 */
int vhv_vgic_hw_init(void)
{
	u64 vtr = read_sysreg_s(VHV_ICH_VTR_EL2);
	unsigned int pre_bits = ((vtr >> 26) & 7) + 1;
	struct vhv_fw_irq fw;
	int ret;

	vhv_vgic_hw.vtr = vtr;
	vhv_vgic_hw.nr_lr = min_t(unsigned int, (vtr & 0x1f) + 1, VHV_VGIC_MAX_LRS);
	vhv_vgic_hw.pri_bits = ((vtr >> 29) & 7) + 1;
	vhv_vgic_hw.nr_apr = pre_bits >= 7 ? 4 : pre_bits == 6 ? 2 : 1;

	/* Without it vhv still runs guests, without an in-kernel GIC. */
	if (vhv_fw_find_ppi(VHV_FW_VGIC_MAINT, &fw)) {
		pr_warn("no GIC maintenance interrupt: %s; no virtual GIC\n", fw.why);
		return 0;
	}
	ret = request_maint_irq(fw.irq);
	if (ret) {
		pr_warn("cannot request the GIC maintenance interrupt (INTID %u, IRQ %d, from %s): %d; no virtual GIC\n",
			fw.intid, fw.irq, fw.from, ret);
		return 0;
	}
	pr_info("GIC maintenance interrupt: INTID %u (IRQ %d), from %s\n", fw.intid, fw.irq,
		fw.from);
	vhv_vgic_hw.maint_irq = fw.irq;
	return 0;
}

void vhv_vgic_hw_exit(void)
{
	if (!vhv_vgic_hw.maint_irq)
		return;
	cpuhp_remove_state(maint_cpuhp_state);
	free_percpu_irq(vhv_vgic_hw.maint_irq, &maint_cookie);
	vhv_vgic_hw.maint_irq = 0;
}

bool vhv_vgic_available(void)
{
	return vhv_vgic_hw.maint_irq > 0;
}
