// SPDX-License-Identifier: GPL-2.0
/* The tests' VMM library: see vmm.h. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test.h"
#include "vmm.h"

const char *vmm_dev_path(void)
{
	const char *dev = getenv("VHV_DEV");

	return dev && *dev ? dev : "/dev/vhv";
}

bool vmm_target_is_kvm(void)
{
	const char *target = getenv("VHV_TARGET");

	return target && !strcmp(target, "kvm");
}

void vmm_require_vhv(void)
{
	if (vmm_target_is_kvm())
		SKIP("vhv-only behaviour, target is in-kernel KVM");
}

int vmm_open_dev(void)
{
	return ASSERT_OK(open(vmm_dev_path(), O_RDWR | O_CLOEXEC));
}

int vmm_create_vm(int dev_fd, unsigned long type)
{
	return ASSERT_OK(ioctl(dev_fd, KVM_CREATE_VM, type));
}

long vmm_check_extension(int fd, long cap)
{
	return ASSERT_OK(ioctl(fd, KVM_CHECK_EXTENSION, cap));
}

void *vmm_gpa(struct vmm_vm *vm, uint64_t gpa)
{
	ASSERT_LT(gpa, vm->ram_size);
	return vm->ram + gpa;
}

void vmm_sync_to_guest(struct vmm_vm *vm, const void *obj, size_t size)
{
	memcpy(vmm_gpa(vm, (uintptr_t)obj), obj, size);
}

void vmm_sync_from_guest(struct vmm_vm *vm, void *obj, size_t size)
{
	memcpy(obj, vmm_gpa(vm, (uintptr_t)obj), size);
}

void vmm_set_memory(struct vmm_vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, void *host)
{
	struct kvm_userspace_memory_region mem = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (uintptr_t)host,
	};

	ASSERT_OK(ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &mem));
}

/* This binary's loaded segments, at their own addresses in guest RAM. */
static void copy_image(struct vmm_vm *vm)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)getauxval(AT_PHDR);
	unsigned long i, n = getauxval(AT_PHNUM);

	for (i = 0; i < n; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		ASSERT_LE(ph[i].p_vaddr + ph[i].p_memsz, GUEST_RAM_SIZE - 64 * GUEST_STACK_SIZE);
		memcpy(vm->ram + ph[i].p_vaddr, (void *)ph[i].p_vaddr, ph[i].p_memsz);
	}
}

/*
 * Stage-1 tables, 4K granule, 39-bit VA, identity: level 1 entry 0 points
 * to a level-2 table of 2 MB blocks, Normal WB below 512 MB and Device
 * above; 1-4 GB are Device blocks; 4-5 GB is an EL0-accessible alias of
 * the first GB (Normal, privileged execute-never) for EL0 tests.
 */
#define PT_VALID	1ULL
#define PT_TABLE	3ULL
#define PT_BLOCK	1ULL
#define PT_ATTR(i)	((uint64_t)(i) << 2)	/* MAIR index */
#define PT_AP_EL0	(1ULL << 6)
#define PT_SH_INNER	(3ULL << 8)
#define PT_AF		(1ULL << 10)
#define PT_PXN		(1ULL << 53)
#define ATTR_DEVICE	0
#define ATTR_NORMAL	1

static void build_page_tables(struct vmm_vm *vm)
{
	uint64_t *l1 = vmm_gpa(vm, GUEST_PT_BASE);
	uint64_t *l2 = vmm_gpa(vm, GUEST_PT_BASE + 0x1000);
	uint64_t i;

	l1[0] = (GUEST_PT_BASE + 0x1000) | PT_TABLE;
	for (i = 1; i < 4; i++)
		l1[i] = (i << 30) | PT_BLOCK | PT_ATTR(ATTR_DEVICE) | PT_AF;
	l1[4] = PT_BLOCK | PT_ATTR(ATTR_NORMAL) | PT_SH_INNER | PT_AF | PT_AP_EL0 | PT_PXN;
	for (i = 0; i < 512; i++) {
		uint64_t pa = i << 21;

		l2[i] = pa < GUEST_NORMAL_END ?
			pa | PT_BLOCK | PT_ATTR(ATTR_NORMAL) | PT_SH_INNER | PT_AF :
			pa | PT_BLOCK | PT_ATTR(ATTR_DEVICE) | PT_AF;
	}
}

void vmm_map_normal_gb(struct vmm_vm *vm, uint64_t gpa, uint64_t size)
{
	uint64_t *l1 = vmm_gpa(vm, GUEST_PT_BASE), i;

	ASSERT_EQ(gpa & ((1ULL << 30) - 1), 0);
	ASSERT_EQ(size & ((1ULL << 30) - 1), 0);
	ASSERT_LE(gpa + size, 512ULL << 30);
	ASSERT_GE(gpa, GUEST_DEVICE_END + (1ULL << 30));
	for (i = gpa >> 30; i < (gpa + size) >> 30; i++)
		l1[i] = (i << 30) | PT_BLOCK | PT_ATTR(ATTR_NORMAL) | PT_SH_INNER | PT_AF;
}

/* A VM of the default type, its RAM not yet mapped. */
static struct vmm_vm *vm_alloc(void)
{
	struct vmm_vm *vm = calloc(1, sizeof(*vm));

	ASSERT_TRUE(vm);
	vm->dev = vmm_open_dev();
	vm->fd = vmm_create_vm(vm->dev, 0);
	vm->run_size = ASSERT_OK(ioctl(vm->dev, KVM_GET_VCPU_MMAP_SIZE, 0));
	ASSERT_GE(vm->run_size, (long)sizeof(struct kvm_run));
	vm->ram_size = GUEST_RAM_SIZE;
	return vm;
}

struct vmm_vm *vmm_vm_new(void)
{
	struct vmm_vm *vm = vm_alloc();

	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_TRUE(vm->ram != MAP_FAILED);
	copy_image(vm);
	build_page_tables(vm);
	vmm_set_memory(vm, 0, 0, GUEST_RAM_BASE, vm->ram_size, vm->ram);
	return vm;
}

/*
 * The image and tables of vmm_vm_new() once, in a memfd that every VM of
 * vmm_vm_new_cow() maps privately: a VM then costs only the pages it (or
 * the VMM) writes.
 */
static int cow_image(void)
{
	static int fd = -1;
	struct vmm_vm tmpl = { .ram_size = GUEST_RAM_SIZE };

	if (fd >= 0)
		return fd;
	fd = ASSERT_OK(memfd_create("vmm-image", MFD_CLOEXEC));
	ASSERT_OK(ftruncate(fd, GUEST_RAM_SIZE));
	tmpl.ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_TRUE(tmpl.ram != MAP_FAILED);
	copy_image(&tmpl);
	build_page_tables(&tmpl);
	munmap(tmpl.ram, GUEST_RAM_SIZE);
	return fd;
}

struct vmm_vm *vmm_vm_new_cow(void)
{
	struct vmm_vm *vm = vm_alloc();

	vm->ram = mmap(NULL, vm->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, cow_image(), 0);
	ASSERT_TRUE(vm->ram != MAP_FAILED);
	vmm_set_memory(vm, 0, 0, GUEST_RAM_BASE, vm->ram_size, vm->ram);
	return vm;
}

void vmm_vm_free(struct vmm_vm *vm)
{
	close(vm->fd);
	close(vm->dev);
	munmap(vm->ram, vm->ram_size);
	free(vm);
}

uint64_t vmm_get_reg(struct vmm_vcpu *vcpu, uint64_t id)
{
	uint64_t val[2] = { 0, 0 };
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg));
	return val[0];
}

void vmm_set_reg(struct vmm_vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	ASSERT_OK(ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg));
}

/* MAIR_EL1: attr0 Device-nGnRE, attr1 Normal Write-Back RW-allocate. */
#define GUEST_MAIR	0xff04ULL
/* TCR_EL1: T0SZ 25, WBWA inner/outer, inner shareable, 4K, TTBR1 walks off, IPS 32 bits. */
#define GUEST_TCR	(25ULL | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (1ULL << 23))
/* SCTLR_EL1: RES1 bits, MMU, D- and I-caches, EL0 WFI/WFE untrapped. */
#define GUEST_SCTLR	(0x30d00800ULL | 1ULL | (1ULL << 2) | (1ULL << 12) | \
			 (1ULL << 16) | (1ULL << 18))
/* CPACR_EL1.FPEN: FP/SIMD usable at EL1 and EL0 (gcc may use it anywhere). */
#define GUEST_CPACR	(3ULL << 20)

extern char guest_return[];

struct vmm_vcpu *vmm_vcpu_new(struct vmm_vm *vm, unsigned int id, void (*fn)(u64), u64 arg)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8,
				      .features = { 1U << KVM_ARM_VCPU_PSCI_0_2 } };
	struct vmm_vcpu *vcpu = calloc(1, sizeof(*vcpu));

	ASSERT_TRUE(vcpu);
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ASSERT_OK(ioctl(vm->fd, KVM_CREATE_VCPU, id));
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	ASSERT_TRUE(vcpu->run != MAP_FAILED);
	ASSERT_OK(ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init));

	vmm_set_reg(vcpu, REG_SYS(3, 0, 10, 2, 0), GUEST_MAIR);
	vmm_set_reg(vcpu, REG_SYS(3, 0, 2, 0, 2), GUEST_TCR);
	vmm_set_reg(vcpu, REG_SYS(3, 0, 2, 0, 0), GUEST_PT_BASE);
	vmm_set_reg(vcpu, REG_SYS(3, 0, 1, 0, 2), GUEST_CPACR);
	vmm_set_reg(vcpu, REG_SYS(3, 0, 12, 0, 0), (uintptr_t)guest_vectors);
	vmm_set_reg(vcpu, REG_SYS(3, 0, 1, 0, 0), GUEST_SCTLR);
	vmm_set_reg(vcpu, REG_SP_EL1, GUEST_RAM_SIZE - id * GUEST_STACK_SIZE);
	vmm_set_reg(vcpu, REG_PC, (uintptr_t)fn);
	vmm_set_reg(vcpu, REG_X(0), arg);
	vmm_set_reg(vcpu, REG_X(30), (uintptr_t)guest_return);
	return vcpu;
}

void vmm_vcpu_set_ips40(struct vmm_vcpu *vcpu)
{
	uint64_t tcr = vmm_get_reg(vcpu, REG_SYS(3, 0, 2, 0, 2));

	/* TCR_EL1.IPS [34:32] = 0b010: 40-bit output addresses. */
	vmm_set_reg(vcpu, REG_SYS(3, 0, 2, 0, 2), (tcr & ~(7ULL << 32)) | (2ULL << 32));
}

void vmm_vcpu_free(struct vmm_vcpu *vcpu)
{
	munmap(vcpu->run, vcpu->vm->run_size);
	close(vcpu->fd);
	free(vcpu);
}

int vmm_run(struct vmm_vcpu *vcpu)
{
	return ioctl(vcpu->fd, KVM_RUN, 0) ? -errno : 0;
}

const char *vmm_exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_MMIO] = "MMIO", [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR", [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT", [KVM_EXIT_ARM_NISV] = "ARM_NISV",
	};

	return reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : "?";
}

static void report_guest_failure(const struct ucall *uc)
{
	if (uc->cmd == UCALL_ABORT)
		vt_fail(uc->file, (int)uc->args[0], "guest assertion: %#llx vs %#llx",
			(unsigned long long)uc->args[1], (unsigned long long)uc->args[2]);
	else
		vt_fail(__FILE__, __LINE__,
			"unexpected guest exception: vector %llu ESR %#llx ELR %#llx FAR %#llx",
			(unsigned long long)uc->args[0], (unsigned long long)uc->args[1],
			(unsigned long long)uc->args[2], (unsigned long long)uc->args[3]);
	vt_abort();
}

uint64_t vmm_run_ucall(struct vmm_vcpu *vcpu, struct ucall *uc)
{
	struct kvm_run *run = vcpu->run;
	uint64_t addr;
	int ret;

	ret = vmm_run(vcpu);
	if (ret)
		vt_fail(__FILE__, __LINE__, "KVM_RUN: %s, exit reason %s",
			strerrorname_np(-ret) ?: "?", vmm_exit_reason_name(run->exit_reason));
	if (ret || run->exit_reason != KVM_EXIT_MMIO || run->mmio.phys_addr != UCALL_MMIO) {
		vt_fail(__FILE__, __LINE__, "expected a ucall, got exit %s (%u) at %#llx",
			vmm_exit_reason_name(run->exit_reason), run->exit_reason,
			(unsigned long long)run->mmio.phys_addr);
		vt_abort();
	}
	ASSERT_TRUE(run->mmio.is_write);
	ASSERT_EQ(run->mmio.len, 8);
	memcpy(&addr, run->mmio.data, sizeof(addr));
	memcpy(uc, vmm_gpa(vcpu->vm, addr), sizeof(*uc));
	if (uc->cmd == UCALL_ABORT || uc->cmd == UCALL_EXCEPTION)
		report_guest_failure(uc);
	return uc->cmd;
}

void vmm_run_to_done(struct vmm_vcpu *vcpu)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_DONE);
}

void vmm_expect_sync(struct vmm_vcpu *vcpu, uint64_t tag)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], tag);
}

void vmm_expect_syncs(struct vmm_vcpu *vcpu, const uint64_t *want, unsigned int n,
		      const char *what)
{
	struct ucall uc;
	unsigned int i;

	for (i = 0; i < n; i++) {
		ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
		if (uc.args[0] != want[i])
			vt_fail(__FILE__, __LINE__, "%s %u: %#llx, want %#llx", what, i,
				(unsigned long long)uc.args[0], (unsigned long long)want[i]);
	}
}

void vmm_expect_mmio_write(struct vmm_vcpu *vcpu, uint64_t addr, unsigned int len, uint64_t val)
{
	struct kvm_run *run = vcpu->run;
	uint64_t data = 0;

	ASSERT_EQ(vmm_run(vcpu), 0);
	ASSERT_EQ(run->exit_reason, KVM_EXIT_MMIO);
	ASSERT_EQ(run->mmio.phys_addr, addr);
	ASSERT_EQ(run->mmio.is_write, 1);
	ASSERT_EQ(run->mmio.len, len);
	memcpy(&data, run->mmio.data, len);
	ASSERT_EQ(data, val);
}

int vmm_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_GE(fd, 0);
	return fd;
}

uint64_t vmm_eventfd_take(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v)) {
		ASSERT_EQ(errno, EAGAIN);
		return 0;
	}
	return v;
}

int vmm_ioeventfd(struct vmm_vm *vm, int efd, uint64_t addr, uint32_t len, uint32_t flags,
		  uint64_t datamatch)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch, .addr = addr, .len = len, .fd = efd, .flags = flags,
	};

	return ioctl(vm->fd, KVM_IOEVENTFD, &io);
}
