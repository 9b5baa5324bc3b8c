// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the example VMM of vhv, speaking only the KVM ABI.
 *
 *   vhv-run --info [--dev PATH]
 *	what the hypervisor behind PATH (default /dev/vhv) offers: API
 *	version, advertised capabilities, and a VM created at the default
 *	and at the largest IPA size.
 *   vhv-run --demo [--dev PATH]
 *	runs the built-in guest (guest.S) in a VM with one vCPU and 2 MB of
 *	RAM, and reports what it does: its PSCI version, its power-off.
 *
 * Booting a Linux guest comes with interrupts and timers
 * (Documentation/api.rst says what vhv implements today).
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
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
	CAP(ARM_MTE), CAP(COUNTER_OFFSET), CAP(USER_MEMORY2),
};

static int info(const char *dev)
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

/* The demo guest's machine: RAM where QEMU's virt board has it. */
#define DEMO_RAM	0x40000000ULL
#define DEMO_RAM_SIZE	(2UL << 20)
#define DEMO_REPORT	0x10000000ULL
#define REG_PC		(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, regs.pc) / sizeof(__u32)))

extern const char demo_guest_start[], demo_guest_end[];

static int fail(const char *what)
{
	fprintf(stderr, "vhv-run: %s: %s\n", what, strerror(errno));
	return 1;
}

static int demo_loop(int vcpu, struct kvm_run *run)
{
	__u64 val;

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0))
			return fail("KVM_RUN");
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			memcpy(&val, run->mmio.data, sizeof(val));
			if (run->mmio.phys_addr != DEMO_REPORT || !run->mmio.is_write) {
				fprintf(stderr, "vhv-run: unexpected MMIO at %#llx\n",
					(unsigned long long)run->mmio.phys_addr);
				return 1;
			}
			printf("vhv-run: guest reports PSCI version %llu.%llu\n",
			       (unsigned long long)(val >> 16), (unsigned long long)(val & 0xffff));
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			printf("vhv-run: guest asked for system event %u (%s): done\n",
			       run->system_event.type,
			       run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? "power off" : "other");
			return run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? 0 : 1;
		default:
			fprintf(stderr, "vhv-run: unexpected exit %u\n", run->exit_reason);
			return 1;
		}
	}
}

static int demo(const char *dev)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
				      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
	struct kvm_userspace_memory_region mem = { .slot = 0, .guest_phys_addr = DEMO_RAM,
						   .memory_size = DEMO_RAM_SIZE };
	__u64 pc = DEMO_RAM;
	struct kvm_one_reg reg = { .id = REG_PC, .addr = (__u64)(unsigned long)&pc };
	struct kvm_run *run;
	int fd, vm, vcpu;
	void *ram;
	long size;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(dev);
	vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		return fail("KVM_CREATE_VM");
	ram = mmap(NULL, DEMO_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED)
		return fail("mmap");
	memcpy(ram, demo_guest_start, demo_guest_end - demo_guest_start);
	mem.userspace_addr = (__u64)(unsigned long)ram;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem))
		return fail("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return fail("KVM_CREATE_VCPU");
	size = ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (size < 0 || run == MAP_FAILED)
		return fail("mmap of the vCPU");
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init))
		return fail("KVM_ARM_VCPU_INIT");
	if (ioctl(vcpu, KVM_SET_ONE_REG, &reg))
		return fail("KVM_SET_ONE_REG (PC)");
	printf("vhv-run: running the built-in guest at IPA %#llx\n", (unsigned long long)pc);
	return demo_loop(vcpu, run);
}

static void usage(void)
{
	fprintf(stderr, "usage: vhv-run --info|--demo [--dev PATH]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/vhv";
	int i, want_info = 0, want_demo = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--info"))
			want_info = 1;
		else if (!strcmp(argv[i], "--demo"))
			want_demo = 1;
		else if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			dev = argv[++i];
		else
			usage();
	}
	if (!want_info && !want_demo)
		usage();
	if (want_info && info(dev))
		return 1;
	return want_demo ? demo(dev) : 0;
}
