// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits: loads and stores of 1, 2, 4 and 8 bytes to W and X
 * registers outside guest RAM, with the exact address, length, data and
 * destination register checked; a store pair, which has no valid
 * syndrome, with and without KVM_CAP_ARM_NISV_TO_USER. KVM ABI only.
 */
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

/* In the guest's Device range, outside every memory slot. */
#define MMIO_BASE	0x20000000ULL

/*
 * Each access is one instruction with fixed registers, so the syndrome
 * names them: the address in x20, the data in or out of the register
 * the name says. The guest reports what a load brought back.
 */
static void guest_stores(u64 unused)
{
	register u64 x20 asm("x20") = MMIO_BASE;
	register u64 x7 asm("x7") = 0x1122334455667788ULL;
	register u64 x9 asm("x9") = 0x8877665544332211ULL;

	asm volatile("strb w7, [x20, #1]" : : "r" (x20), "r" (x7) : "memory");
	asm volatile("strh w9, [x20, #2]" : : "r" (x20), "r" (x9) : "memory");
	asm volatile("str w7, [x20, #4]" : : "r" (x20), "r" (x7) : "memory");
	asm volatile("str x9, [x20, #8]" : : "r" (x20), "r" (x9) : "memory");
	asm volatile("str xzr, [x20, #16]" : : "r" (x20) : "memory");
}

struct store_case {
	u64 addr;
	unsigned int len;
	u64 data;
};

static const struct store_case stores[] = {
	{ MMIO_BASE + 1, 1, 0x88 },
	{ MMIO_BASE + 2, 2, 0x2211 },
	{ MMIO_BASE + 4, 4, 0x55667788 },
	{ MMIO_BASE + 8, 8, 0x8877665544332211ULL },
	{ MMIO_BASE + 16, 8, 0 },
};

TEST(stores_of_every_size_exit_with_exact_address_length_data)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_stores, 0);
	struct kvm_run *run = vcpu->run;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(stores); i++) {
		u64 data = 0;

		ASSERT_EQ(vmm_run(vcpu), 0);
		ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
		ASSERT_EQ(run->mmio.phys_addr, stores[i].addr);
		ASSERT_EQ(run->mmio.len, stores[i].len);
		ASSERT_EQ(run->mmio.is_write, 1);
		memcpy(&data, run->mmio.data, stores[i].len);
		ASSERT_EQ(data, stores[i].data);
	}
	vmm_run_to_done(vcpu);
}

/* Loads into registers prefilled with ones, so that zero-extension shows. */
#define LOAD(insn, reg) ({							\
	register u64 __r asm(#reg) = ~0ULL;					\
	register u64 __a asm("x20") = MMIO_BASE;				\
	asm volatile(insn : "+r" (__r) : "r" (__a) : "memory");		\
	__r;									\
})

static void guest_loads(u64 unused)
{
	GUEST_SYNC(LOAD("ldrb w3, [x20, #3]", x3));
	GUEST_SYNC(LOAD("ldrh w11, [x20, #6]", x11));
	GUEST_SYNC(LOAD("ldr w17, [x20, #12]", x17));
	GUEST_SYNC(LOAD("ldr x28, [x20, #24]", x28));
	GUEST_SYNC(LOAD("ldrh w0, [x20, #30]", x0));
}

struct load_case {
	u64 addr;
	unsigned int len;
	u64 data;	/* what the VMM answers */
	u64 reg;	/* what the register holds after */
};

static const struct load_case loads[] = {
	{ MMIO_BASE + 3, 1, 0xa5, 0xa5 },
	{ MMIO_BASE + 6, 2, 0xbeef, 0xbeef },
	{ MMIO_BASE + 12, 4, 0xdeadbeef, 0xdeadbeef },
	{ MMIO_BASE + 24, 8, 0x0123456789abcdefULL, 0x0123456789abcdefULL },
	{ MMIO_BASE + 30, 2, 0x8001, 0x8001 },
};

TEST(loads_of_every_size_complete_into_the_right_register)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_loads, 0);
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(loads); i++) {
		ASSERT_EQ(vmm_run(vcpu), 0);
		ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
		ASSERT_EQ(run->mmio.phys_addr, loads[i].addr);
		ASSERT_EQ(run->mmio.len, loads[i].len);
		ASSERT_EQ(run->mmio.is_write, 0);
		memcpy(run->mmio.data, &loads[i].data, sizeof(run->mmio.data));
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		ASSERT_EQ(uc.args[0], loads[i].reg);
	}
	vmm_run_to_done(vcpu);
}

static void guest_store_pair(u64 unused)
{
	register u64 x20 asm("x20") = MMIO_BASE + 0x40;
	register u64 x1 asm("x1") = 1, x2 asm("x2") = 2;

	asm volatile("stp x1, x2, [x20]" : : "r" (x20), "r" (x1), "r" (x2) : "memory");
	GUEST_DONE();
}

TEST(store_pair_without_nisv_to_user_fails_the_run_with_enosys)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_store_pair, 0);

	ASSERT_EQ(vmm_run(vcpu), -ENOSYS);
}

/* ESR bits of arm_nisv.esr_iss: WnR (bit 6) set, DFSC a translation fault. */
#define ESR_WNR		(1ULL << 6)
#define DFSC_TYPE(esr)	((esr) & 0x3c)

TEST(store_pair_with_nisv_to_user_exits_arm_nisv)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_store_pair, 0);
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_NISV_TO_USER };
	struct kvm_run *run = vcpu->run;
	u64 pc;

	ASSERT_EQ(vmm_check_extension(vm->fd, KVM_CAP_ARM_NISV_TO_USER), 1);
	ASSERT_OK(ioctl(vm->fd, KVM_ENABLE_CAP, &cap));
	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_ARM_NISV);
	ASSERT_EQ(run->arm_nisv.fault_ipa, MMIO_BASE + 0x40);
	ASSERT_EQ(run->arm_nisv.esr_iss & ~0x17fULL, 0);
	ASSERT_TRUE(run->arm_nisv.esr_iss & ESR_WNR);
	ASSERT_EQ(DFSC_TYPE(run->arm_nisv.esr_iss), 0x04);
	/* The PC stays on the STP: the VMM decides what happens next. */
	pc = vmm_get_reg(vcpu, REG_PC);
	ASSERT_EQ(*(u32 *)(uintptr_t)pc & 0xffc00000, 0xa9000000);
}

TEST(enable_cap_rejects_flags_and_unknown_caps)
{
	struct vmm_vm *vm = vmm_vm_new();
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_NISV_TO_USER, .flags = 1 };

	ASSERT_ERRNO(ioctl(vm->fd, KVM_ENABLE_CAP, &cap), EINVAL);
	cap.flags = 0;
	cap.cap = 0x7fffffff;
	ASSERT_ERRNO(ioctl(vm->fd, KVM_ENABLE_CAP, &cap), EINVAL);
	ASSERT_ERRNO(ioctl(vm->fd, KVM_ENABLE_CAP, NULL), EFAULT);
}
