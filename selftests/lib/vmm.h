/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' VMM library: the device under test and the KVM objects made
 * from it. Only the KVM ABI of <linux/kvm.h> is used here, so every test
 * built on it runs against vhv and against in-kernel KVM alike.
 *
 * The environment chooses the target:
 *   VHV_DEV     device node (default /dev/vhv)
 *   VHV_TARGET  "vhv" (default) or "kvm" (the in-kernel KVM oracle)
 * Helpers end the test on failure, so tests read as the steps they take.
 */
#ifndef VHV_SELFTESTS_VMM_H
#define VHV_SELFTESTS_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "guest.h"

const char *vmm_dev_path(void);
bool vmm_target_is_kvm(void);

/* SKIP the test unless the target is vhv (for vhv-only behaviour). */
void vmm_require_vhv(void);

int vmm_open_dev(void);
int vmm_create_vm(int dev_fd, unsigned long type);
long vmm_check_extension(int fd, long cap);

/* ONE_REG ids. */
#define REG_CORE(field)	(KVM_REG_ARM64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, field) / sizeof(uint32_t)))
#define REG_X(n)	(REG_CORE(regs.regs[n]) | KVM_REG_SIZE_U64)
#define REG_PC		(REG_CORE(regs.pc) | KVM_REG_SIZE_U64)
#define REG_PSTATE	(REG_CORE(regs.pstate) | KVM_REG_SIZE_U64)
#define REG_SP_EL0	(REG_CORE(regs.sp) | KVM_REG_SIZE_U64)
#define REG_SP_EL1	(REG_CORE(sp_el1) | KVM_REG_SIZE_U64)
#define REG_V(n)	(REG_CORE(fp_regs.vregs[n]) | KVM_REG_SIZE_U128)
#define REG_SYS(op0, op1, crn, crm, op2)	ARM64_SYS_REG(op0, op1, crn, crm, op2)

/* A VM with guest RAM in slot 0 holding this binary's image (guest.h). */
struct vmm_vm {
	int dev;
	int fd;
	uint8_t *ram;
	size_t ram_size;
	long run_size;
};

struct vmm_vcpu {
	struct vmm_vm *vm;
	int fd;
	unsigned int id;
	struct kvm_run *run;
};

struct vmm_vm *vmm_vm_new(void);
/*
 * The same, but its RAM is a private (copy-on-write) mapping of one image
 * shared by all such VMs of the process: for tests that need hundreds.
 */
struct vmm_vm *vmm_vm_new_cow(void);
void vmm_vm_free(struct vmm_vm *vm);
/*
 * Maps [gpa, gpa + size) of the guest's virtual addresses to the same
 * IPAs, as Normal memory, with 1 GB blocks of its stage-1 tables: for
 * slots above the image's 5 GB (1 GB aligned, below 512 GB). The vCPUs
 * need vmm_vcpu_set_ips40() to reach them.
 */
void vmm_map_normal_gb(struct vmm_vm *vm, uint64_t gpa, uint64_t size);
/* The host's view of guest RAM at gpa (slot 0 only). */
void *vmm_gpa(struct vmm_vm *vm, uint64_t gpa);
/* Copies a host object of the image into the guest's copy of it. */
void vmm_sync_to_guest(struct vmm_vm *vm, const void *obj, size_t size);
/* Reads it back from the guest's copy. */
void vmm_sync_from_guest(struct vmm_vm *vm, void *obj, size_t size);

void vmm_set_memory(struct vmm_vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, void *host);

/* A vCPU about to run fn(arg) at EL1h, with its MMU on (guest.h). */
struct vmm_vcpu *vmm_vcpu_new(struct vmm_vm *vm, unsigned int id, void (*fn)(u64), u64 arg);
/* Lets the vCPU's stage 1 output 40-bit IPAs (TCR_EL1.IPS), not 32. */
void vmm_vcpu_set_ips40(struct vmm_vcpu *vcpu);
void vmm_vcpu_free(struct vmm_vcpu *vcpu);
uint64_t vmm_get_reg(struct vmm_vcpu *vcpu, uint64_t id);
void vmm_set_reg(struct vmm_vcpu *vcpu, uint64_t id, uint64_t val);

/* KVM_RUN: 0, or -errno. */
int vmm_run(struct vmm_vcpu *vcpu);
/* Runs until the guest's next ucall and returns it; fails the test on
 * anything else, with the guest's assertion or exception if there was one. */
uint64_t vmm_run_ucall(struct vmm_vcpu *vcpu, struct ucall *uc);
/* Runs to the guest's UCALL_DONE. */
void vmm_run_to_done(struct vmm_vcpu *vcpu);
const char *vmm_exit_reason_name(uint32_t reason);
/* The next exit is the guest's GUEST_SYNC(tag). */
void vmm_expect_sync(struct vmm_vcpu *vcpu, uint64_t tag);
/* The next n exits are GUEST_SYNCs of want[0..n) in order; what names them in a failure. */
void vmm_expect_syncs(struct vmm_vcpu *vcpu, const uint64_t *want, unsigned int n,
		      const char *what);
/* The next exit is a guest write for the VMM: len bytes of val (little-endian) at addr. */
void vmm_expect_mmio_write(struct vmm_vcpu *vcpu, uint64_t addr, unsigned int len, uint64_t val);

/* A non-blocking eventfd. */
int vmm_eventfd(void);
/* Its counter, reset by the read; 0 if nothing was signalled. */
uint64_t vmm_eventfd_take(int efd);
/* KVM_IOEVENTFD: 0, or -1 with errno. */
int vmm_ioeventfd(struct vmm_vm *vm, int efd, uint64_t addr, uint32_t len, uint32_t flags,
		  uint64_t datamatch);

#endif /* VHV_SELFTESTS_VMM_H */
