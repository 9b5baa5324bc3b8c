// SPDX-License-Identifier: GPL-2.0
/*
 * vhv: a loadable, KVM-compatible Type-2 hypervisor for arm64 hosts whose
 * kernel runs at EL2 with VHE. Module entry and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kvm.h>
#include <linux/module.h>
#include <linux/preempt.h>

#include "arm64/hostcpu.h"
#include "arm64/switch.h"
#include "arm64/sysregs.h"
#include "arm64/traps.h"
#include "core/run.h"
#include "core/vhv.h"
#include "mmu/vmid.h"
#include "timer/timer.h"
#include "vgic/irqfd.h"
#include "vgic/vgic.h"

/* Lazy EL1 switching needs the scheduler's preempt notifiers (core/run.c). */
static void notifiers_get(void)
{
#ifdef CONFIG_PREEMPT_NOTIFIERS
	if (vhv_lazy_el1())
		preempt_notifier_inc();
#endif
}

static void notifiers_put(void)
{
#ifdef CONFIG_PREEMPT_NOTIFIERS
	if (vhv_lazy_el1())
		preempt_notifier_dec();
#endif
}

static int __init vhv_init(void)
{
	int ret;

	ret = vhv_probe_host();
	if (ret)
		return ret;
	ret = vhv_sysregs_check_table();
	if (ret)
		return ret;
	vhv_traps_init();
	ret = vhv_hostcpu_init();
	if (ret)
		return ret;
	ret = vhv_vmid_init();
	if (ret)
		goto hostcpu_exit;
	vhv_kick_init();
	ret = vhv_irqfd_module_init();
	if (ret)
		goto vmid_exit;
	ret = vhv_vgic_hw_init();
	if (ret)
		goto irqfd_exit;
	ret = vhv_timer_hw_init();
	if (ret)
		goto vgic_exit;
	notifiers_get();
	/*
	 * The device nodes last: from the moment /dev/vhv exists a VMM may
	 * open it and run guests, which needs all of the above (the
	 * preempt-notifier key, the vGIC and timer interrupts). It is also
	 * the last step that can fail, so no node is ever removed from under
	 * an open file by the unwinding below.
	 */
	ret = vhv_dev_init();
	if (ret)
		goto notifier_exit;
	pr_info("ready: KVM API %d on /dev/vhv, guest IPA up to %u bits\n",
		KVM_API_VERSION, vhv_host.ipa_limit);
	return 0;

notifier_exit:
	notifiers_put();
	vhv_timer_hw_exit();
vgic_exit:
	vhv_vgic_hw_exit();
irqfd_exit:
	vhv_irqfd_module_exit();
vmid_exit:
	vhv_vmid_exit();
hostcpu_exit:
	vhv_hostcpu_exit();
	return ret;
}

/* The nodes first: nothing can be opened once the rest starts to go. */
static void __exit vhv_exit(void)
{
	vhv_dev_exit();
	vhv_kick_exit();
	notifiers_put();
	vhv_timer_hw_exit();
	vhv_vgic_hw_exit();
	vhv_irqfd_module_exit();
	vhv_vmid_exit();
	vhv_hostcpu_exit();
}

module_init(vhv_init);
module_exit(vhv_exit);

MODULE_DESCRIPTION("vhv: loadable KVM-compatible hypervisor for arm64 VHE hosts");
MODULE_LICENSE("GPL");
