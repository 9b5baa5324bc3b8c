// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the vCPUs, one thread each, and their run loop: one switch on
 * exit_reason. MMIO exits go to the device whose range holds the address;
 * PSCI SYSTEM_OFF, SYSTEM_RESET and a crash end the machine.
 *
 * The boot CPU starts at the kernel's entry; the others start powered off
 * (KVM_ARM_VCPU_POWER_OFF) and wait inside KVM_RUN until the guest's PSCI
 * CPU_ON, which the hypervisor handles itself.
 *
 * Stopping: the first vCPU to see the end sets vm->stopping and, for
 * every vCPU, kvm_run.immediate_exit and a SIGUSR1 (whose handler does
 * nothing, installed without SA_RESTART): a thread inside KVM_RUN leaves
 * it with EINTR, a thread outside finds immediate_exit on its next entry.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vmm.h"

#define CORE_REG(r)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 (offsetof(struct kvm_regs, r) / sizeof(u32)))
#define REG_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)

#define STOP_SIGNAL	SIGUSR1

static void set_reg(struct vcpu *vcpu, u64 id, u64 val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (u64)(unsigned long)&val };

	kvm_ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

static u64 get_reg(struct vcpu *vcpu, u64 id)
{
	u64 val = 0;
	struct kvm_one_reg reg = { .id = id, .addr = (u64)(unsigned long)&val };

	kvm_ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg);
	return val;
}

static void vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	struct kvm_vcpu_init init = vm->init;

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = kvm_ioctl(vm->fd, KVM_CREATE_VCPU, (void *)(unsigned long)id);
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		die_errno("mmap of a vCPU's kvm_run");
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (id)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	kvm_ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init);
	vcpu->mpidr = get_reg(vcpu, REG_MPIDR_EL1);
}

void vcpus_create(struct vm *vm)
{
	unsigned int i;

	vm->vcpus = xzalloc(vm->cfg->cpus * sizeof(*vm->vcpus));
	for (i = 0; i < vm->cfg->cpus; i++)
		vcpu_create(vm, &vm->vcpus[i], i);
}

/* booting.rst: x0 = the device tree, x1-x3 = 0, PC = the Image's start. */
void vcpus_set_boot_regs(struct vm *vm, const struct boot_info *bi)
{
	struct vcpu *boot = &vm->vcpus[0];
	unsigned int i;

	set_reg(boot, CORE_REG(regs.regs[0]), bi->dtb);
	for (i = 1; i < 4; i++)
		set_reg(boot, CORE_REG(regs.regs[i]), 0);
	set_reg(boot, CORE_REG(regs.pc), bi->entry);
}

void vm_stop(struct vm *vm, enum vm_end end)
{
	unsigned int i;

	pthread_mutex_lock(&vm->lock);
	if (!vm->stopping) {
		vm->end = end;
		__atomic_store_n(&vm->stopping, true, __ATOMIC_SEQ_CST);
		for (i = 0; i < vm->cfg->cpus; i++) {
			__atomic_store_n(&vm->vcpus[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
			pthread_kill(vm->vcpus[i].thread, STOP_SIGNAL);
		}
	}
	pthread_mutex_unlock(&vm->lock);
}

static void handle_mmio(struct vm *vm, struct kvm_run *run)
{
	u64 addr = run->mmio.phys_addr;
	static unsigned int reported;
	struct mmio_dev *dev;
	unsigned int i;

	for (i = 0; i < vm->nr_mmio; i++) {
		dev = &vm->mmio[i];
		if (addr < dev->base || addr - dev->base >= dev->size)
			continue;
		if (run->mmio.is_write)
			dev->ops->write(dev->opaque, addr - dev->base, run->mmio.data, run->mmio.len);
		else
			dev->ops->read(dev->opaque, addr - dev->base, run->mmio.data, run->mmio.len);
		return;
	}
	/* Nothing there: reads as zero, writes ignored, a few said. */
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (reported++ < 8)
		fprintf(stderr, "vhv-run: guest %s of %u bytes at %#llx: no device there\n",
			run->mmio.is_write ? "write" : "read", run->mmio.len,
			(unsigned long long)addr);
}

static enum vm_end system_event(struct vcpu *vcpu)
{
	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		return VM_POWER_OFF;
	case KVM_SYSTEM_EVENT_RESET:
		return VM_RESET;
	case KVM_SYSTEM_EVENT_CRASH:
		fprintf(stderr, "vhv-run: the guest reports a crash (vCPU %u)\n", vcpu->id);
		return VM_CRASH;
	default:
		fprintf(stderr, "vhv-run: vCPU %u: system event %u not handled\n", vcpu->id,
			vcpu->run->system_event.type);
		return VM_FAILED;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct kvm_run *run = vcpu->run;
	struct vm *vm = vcpu->vm;

	while (!__atomic_load_n(&vm->stopping, __ATOMIC_SEQ_CST)) {
		if (ioctl(vcpu->fd, KVM_RUN, NULL)) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fprintf(stderr, "vhv-run: KVM_RUN (vCPU %u): %s\n", vcpu->id,
				strerror(errno));
			vm_stop(vm, VM_FAILED);
			break;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			handle_mmio(vm, run);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			vm_stop(vm, system_event(vcpu));
			break;
		case KVM_EXIT_INTR:
			break;
		default:
			fprintf(stderr, "vhv-run: vCPU %u: exit reason %u not handled\n",
				vcpu->id, run->exit_reason);
			vm_stop(vm, VM_FAILED);
			break;
		}
	}
	return NULL;
}

static void nothing(int sig)
{
	(void)sig;
}

/* Runs the machine until it ends; gives how it ended. */
enum vm_end vcpus_run(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = nothing };
	unsigned int i;
	int err;

	if (sigaction(STOP_SIGNAL, &sa, NULL))
		die_errno("sigaction");
	/* vm_stop() takes the lock too: it sees every thread created. */
	pthread_mutex_lock(&vm->lock);
	vm->start_ticks = read_cntvct();
	for (i = 0; i < vm->cfg->cpus; i++) {
		err = pthread_create(&vm->vcpus[i].thread, NULL, vcpu_thread, &vm->vcpus[i]);
		if (err) {
			errno = err;
			die_errno("pthread_create");
		}
	}
	pthread_mutex_unlock(&vm->lock);
	for (i = 0; i < vm->cfg->cpus; i++)
		pthread_join(vm->vcpus[i].thread, NULL);
	return vm->end;
}
