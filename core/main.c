// SPDX-License-Identifier: GPL-2.0
/*
 * vhv: a loadable, KVM-compatible Type-2 hypervisor for arm64 hosts whose
 * kernel runs at EL2 with VHE. Module entry and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kvm.h>
#include <linux/module.h>

#include "core/vhv.h"

static int __init vhv_init(void)
{
	int ret;

	ret = vhv_probe_host();
	if (ret)
		return ret;
	ret = vhv_dev_init();
	if (ret)
		return ret;
	pr_info("ready: KVM API %d on /dev/vhv, guest IPA up to %u bits\n",
		KVM_API_VERSION, vhv_host.ipa_limit);
	return 0;
}

static void __exit vhv_exit(void)
{
	vhv_dev_exit();
}

module_init(vhv_init);
module_exit(vhv_exit);

MODULE_DESCRIPTION("vhv: loadable KVM-compatible hypervisor for arm64 VHE hosts");
MODULE_LICENSE("GPL");
