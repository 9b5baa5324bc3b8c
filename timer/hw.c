// SPDX-License-Identifier: GPL-2.0
/*
 * The host's side of the guest's timers: the PPIs the EL1 virtual and
 * physical timers raise (27 and 30 on most systems), as the device tree
 * or ACPI's GTDT describes them (core/firmware.c). A VHE host's own timer
 * is the EL2 one (PPI 26), so nobody else uses these while in-kernel KVM
 * is off, and vhv requests them per CPU.
 *
 * While a guest runs, its timer firing is a physical interrupt that
 * makes it exit (HCR_EL2.IMO). The handler has nothing to do: the run
 * loop reevaluates the timers before the next entry. But the timer's
 * condition stays true until the guest reprograms it, so the interrupt
 * would fire again at once: it is marked forwarded to a vCPU
 * (irq_set_vcpu_affinity), which makes the host's GIC driver drop its
 * priority without deactivating it (GICv3 with EOImode 1, what a host at
 * EL2 uses), and an active PPI is not signalled again. vhv then keeps
 * each CPU's PPI active exactly while the loaded vCPU's timer output is
 * high, and deactivates it when the output falls, so that the next
 * deadline can fire (timer/timer.c). What vhv last made each CPU's
 * active state is mirrored per CPU, to touch the GIC only on changes
 * while a vCPU stays loaded; each load writes it afresh.
 *
 * When the firmware does not describe a PPI, or it cannot be had, that
 * timer is watched by an hrtimer instead, also while the guest runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu_pm.h>
#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/percpu.h>
#include <asm/barrier.h>

#include "core/firmware.h"
#include "timer/hw.h"
#include "timer/timer.h"

static const enum vhv_fw_ppi fw_ppi[VHV_NR_TIMERS] = {
	[VHV_VTIMER] = VHV_FW_EL1_VTIMER,
	[VHV_PTIMER] = VHV_FW_EL1_PTIMER,
};
static const char *const irq_name[VHV_NR_TIMERS] = { "vhv-vtimer", "vhv-ptimer" };

static int host_irq[VHV_NR_TIMERS];
static DEFINE_PER_CPU(u8, irq_cookie);
DEFINE_PER_CPU(struct vhv_timer_cpu, vhv_timer_cpu);
static int cpuhp_state;

bool vhv_timer_hw_has_irq(enum vhv_timer_id t)
{
	return host_irq[t] > 0;
}

static void write_active(enum vhv_timer_id t, bool active)
{
	/* The PPI of this CPU: the caller keeps preemption disabled. */
	irq_set_irqchip_state(host_irq[t], IRQCHIP_STATE_ACTIVE, active);
	/*
	 * The write to GICR_I{S,C}ACTIVER0 must have reached the
	 * redistributor before the guest runs, or a deadline that comes at
	 * once may find the PPI still active: a DSB completes the Device
	 * write (Arm ARM B2.3, "Memory barriers", DSB); no ERET does that.
	 */
	dsb(st);
	this_cpu_write(vhv_timer_cpu.active[t], active);
}

void vhv_timer_hw_set_active(enum vhv_timer_id t, bool active)
{
	if (vhv_timer_hw_has_irq(t) && this_cpu_read(vhv_timer_cpu.active[t]) != active)
		write_active(t, active);
}

/*
 * At a load the mirror may be stale: a CPU that went through a power-down
 * idle state or system suspend (CPU PM) may come back with its
 * redistributor's state lost or restored by firmware, GICR_ISACTIVER0
 * included (whether a Redistributor keeps its state while its PE is
 * powered down is IMPLEMENTATION DEFINED: GICv3 architecture
 * specification, "Power management", GICR_WAKER). A PPI left active where
 * the mirror says inactive would swallow every later deadline of the
 * guest's timer. The CPU PM notifier below marks the mirror stale, and
 * the next load writes the state whatever the mirror says. CPU PM is only
 * entered by the idle task and the suspend path, never while a vCPU is
 * loaded on the CPU (its thread is running there), so the mirror stays
 * exact for the whole stay, and the window's own updates
 * (vhv_timer_sync) may trust it. Without CPU PM a load costs nothing here
 * when the state is already right (with lazy_el1=0 it runs at every entry).
 */
void vhv_timer_hw_load_active(enum vhv_timer_id t, bool active)
{
	if (!vhv_timer_hw_has_irq(t))
		return;
	if (this_cpu_read(vhv_timer_cpu.stale) || this_cpu_read(vhv_timer_cpu.active[t]) != active)
		write_active(t, active);
}

void vhv_timer_hw_load_done(void)
{
	this_cpu_write(vhv_timer_cpu.stale, false);
}

/* On the CPU concerned, interrupts masked (kernel/cpu_pm.c). */
static int timer_cpu_pm(struct notifier_block *nb, unsigned long action, void *data)
{
	if (action == CPU_PM_EXIT || action == CPU_PM_ENTER_FAILED ||
	    action == CPU_CLUSTER_PM_EXIT || action == CPU_CLUSTER_PM_ENTER_FAILED)
		this_cpu_write(vhv_timer_cpu.stale, true);
	return NOTIFY_OK;
}

static struct notifier_block timer_pm_nb = {
	.notifier_call = timer_cpu_pm,
};

static irqreturn_t timer_irq_handler(int irq, void *cookie)
{
	enum vhv_timer_id t = irq == host_irq[VHV_VTIMER] ? VHV_VTIMER : VHV_PTIMER;

	/* Left active by the GIC driver (forwarded): say so, and that it fired. */
	this_cpu_write(vhv_timer_cpu.active[t], true);
	this_cpu_write(vhv_timer_cpu.fired, true);
	return IRQ_HANDLED;
}

static int timer_cpu_online(unsigned int cpu)
{
	int t;

	for (t = 0; t < VHV_NR_TIMERS; t++) {
		if (!vhv_timer_hw_has_irq(t))
			continue;
		irq_set_irqchip_state(host_irq[t], IRQCHIP_STATE_ACTIVE, false);
		this_cpu_write(vhv_timer_cpu.active[t], false);
		enable_percpu_irq(host_irq[t], irq_get_trigger_type(host_irq[t]));
	}
	return 0;
}

static int timer_cpu_offline(unsigned int cpu)
{
	int t;

	for (t = 0; t < VHV_NR_TIMERS; t++) {
		if (!vhv_timer_hw_has_irq(t))
			continue;
		disable_percpu_irq(host_irq[t]);
		/* Left as the host found it. */
		irq_set_irqchip_state(host_irq[t], IRQCHIP_STATE_ACTIVE, false);
		this_cpu_write(vhv_timer_cpu.active[t], false);
	}
	return 0;
}

static int take_ppi(enum vhv_timer_id t, int irq)
{
	int ret;

	ret = request_percpu_irq(irq, timer_irq_handler, irq_name[t], &irq_cookie);
	if (ret)
		return ret;
	/* Any non-NULL cookie: the GIC driver then leaves it active after the handler. */
	ret = irq_set_vcpu_affinity(irq, &irq_cookie);
	if (ret) {
		free_percpu_irq(irq, &irq_cookie);
		return ret;
	}
	host_irq[t] = irq;
	return 0;
}

static void release_one(enum vhv_timer_id t)
{
	if (!vhv_timer_hw_has_irq(t))
		return;
	irq_set_vcpu_affinity(host_irq[t], NULL);
	free_percpu_irq(host_irq[t], &irq_cookie);
	host_irq[t] = 0;
}

/* One line per timer, on every load: where its PPI came from, or why none. */
static void request_one(enum vhv_timer_id t)
{
	struct vhv_fw_irq fw;
	int ret;

	if (vhv_fw_find_ppi(fw_ppi[t], &fw)) {
		pr_warn("%s: %s; an hrtimer watches that timer\n", irq_name[t], fw.why);
		return;
	}
	ret = take_ppi(t, fw.irq);
	if (ret) {
		pr_warn("%s: cannot have the host's PPI (INTID %u, IRQ %d, from %s): %d; an hrtimer watches that timer\n",
			irq_name[t], fw.intid, fw.irq, fw.from, ret);
		return;
	}
	pr_info("%s: host PPI INTID %u (IRQ %d), from %s\n", irq_name[t], fw.intid, fw.irq, fw.from);
}

int vhv_timer_hw_init(void)
{
	int t, ret;

	for (t = 0; t < VHV_NR_TIMERS; t++)
		request_one(t);
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vhv/timer:online", timer_cpu_online,
				timer_cpu_offline);
	if (ret < 0) {
		for (t = 0; t < VHV_NR_TIMERS; t++)
			release_one(t);
		return ret;
	}
	cpuhp_state = ret;
	cpu_pm_register_notifier(&timer_pm_nb);
	return 0;
}

void vhv_timer_hw_exit(void)
{
	int t;

	cpu_pm_unregister_notifier(&timer_pm_nb);
	cpuhp_remove_state(cpuhp_state);
	for (t = 0; t < VHV_NR_TIMERS; t++)
		release_one(t);
}
