// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run --info: what the hypervisor behind the device node offers: API
 * version, advertised capabilities, and a VM created at the default and
 * at the largest IPA size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm.h"

#define CAP(name) { KVM_CAP_##name, #name }

/* The capabilities an arm64 VMM asks about, by name. */
static const struct {
	long cap;
	const char *name;
} caps[] = {
	CAP(IRQCHIP), CAP(USER_MEMORY), CAP(DESTROY_MEMORY_REGION_WORKS),
	CAP(NR_VCPUS), CAP(NR_MEMSLOTS), CAP(MAX_VCPUS), CAP(MAX_VCPU_ID),
	CAP(SYNC_MMU), CAP(ONE_REG), CAP(READONLY_MEM), CAP(IRQFD),
	CAP(IRQ_ROUTING), CAP(DEVICE_CTRL), CAP(IMMEDIATE_EXIT),
	CAP(CHECK_EXTENSION_VM), CAP(VCPU_EVENTS), CAP(ARM_PSCI),
	CAP(ARM_PSCI_0_2), CAP(ARM_VM_IPA_SIZE), CAP(ARM_NISV_TO_USER),
	CAP(ARM_INJECT_SERROR_ESR), CAP(ARM_PMU_V3), CAP(ARM_SVE),
	CAP(ARM_PTRAUTH_ADDRESS), CAP(ARM_PTRAUTH_GENERIC), CAP(ARM_EL1_32BIT),
	CAP(ARM_MTE), CAP(COUNTER_OFFSET), CAP(USER_MEMORY2), CAP(IOEVENTFD),
	CAP(IOEVENTFD_ANY_LENGTH), CAP(IOEVENTFD_NO_LENGTH), CAP(SIGNAL_MSI),
	CAP(MSI_DEVID), CAP(COALESCED_MMIO),
};

int vmm_info(const char *dev)
{
	int fd, vm, version;
	long limit, val;
	unsigned int i;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "vhv-run: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	printf("vhv-run: %s: KVM API version %d\n", dev, version);
	if (version != KVM_API_VERSION) {
		fprintf(stderr, "vhv-run: expected API version %d\n", KVM_API_VERSION);
		return 1;
	}
	printf("vhv-run: capabilities advertised:");
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		val = ioctl(fd, KVM_CHECK_EXTENSION, caps[i].cap);
		if (val > 0)
			printf(" %s=%ld", caps[i].name, val);
	}
	printf("\n");

	limit = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "vhv-run: KVM_CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	close(vm);
	printf("vhv-run: created a VM with the default 40-bit IPA space\n");
	if (limit > 0) {
		vm = ioctl(fd, KVM_CREATE_VM, KVM_VM_TYPE_ARM_IPA_SIZE(limit));
		if (vm < 0) {
			fprintf(stderr, "vhv-run: KVM_CREATE_VM(%ld bits): %s\n",
				limit, strerror(errno));
			return 1;
		}
		close(vm);
		printf("vhv-run: created a VM with a %ld-bit IPA space\n", limit);
	}
	close(fd);
	return 0;
}
