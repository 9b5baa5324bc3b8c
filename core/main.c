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
#include "core/vhv.h"
#include "mmu/vmid.h"
#include "timer/timer.h"
#include "vgic/irqfd.h"
#include "vgic/vgic.h"

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
	ret = vhv_irqfd_module_init();
	if (ret)
		goto vmid_exit;
	/*
	 * The device nodes first: registering them is where an active
	 * in-kernel KVM is found and refused, before vhv asks for the GIC
	 * maintenance interrupt KVM would own. A VMM that opens them before
	 * insmod returns may still find no vGIC offered.
	 */
	ret = vhv_dev_init();
	if (ret)
		goto irqfd_exit;
	ret = vhv_vgic_hw_init();
	if (ret)
		goto dev_exit;
	ret = vhv_timer_hw_init();
	if (ret)
		goto vgic_exit;
#ifdef CONFIG_PREEMPT_NOTIFIERS
	if (vhv_lazy_el1())
		preempt_notifier_inc();
#endif
	pr_info("ready: KVM API %d on /dev/vhv, guest IPA up to %u bits\n",
		KVM_API_VERSION, vhv_host.ipa_limit);
	return 0;

vgic_exit:
	vhv_vgic_hw_exit();
dev_exit:
	vhv_dev_exit();
irqfd_exit:
	vhv_irqfd_module_exit();
vmid_exit:
	vhv_vmid_exit();
hostcpu_exit:
	vhv_hostcpu_exit();
	return ret;
}

static void __exit vhv_exit(void)
{
	vhv_dev_exit();
	vhv_timer_hw_exit();
	vhv_vgic_hw_exit();
	vhv_irqfd_module_exit();
#ifdef CONFIG_PREEMPT_NOTIFIERS
	if (vhv_lazy_el1())
		preempt_notifier_dec();
#endif
	vhv_vmid_exit();
	vhv_hostcpu_exit();
}

module_init(vhv_init);
module_exit(vhv_exit);

MODULE_DESCRIPTION("vhv: loadable KVM-compatible hypervisor for arm64 VHE hosts");
MODULE_LICENSE("GPL");
