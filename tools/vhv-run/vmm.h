/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhv-run: the objects every part of the VMM shares.
 *
 * One machine is one VM: RAM, the in-kernel GICv3 (and ITS when there is
 * one), the vCPUs as threads, and the devices the VMM emulates behind
 * MMIO exits (the PL011) or serves from its I/O thread (virtio-mmio,
 * notified through ioeventfds, interrupting through irqfds). A reboot
 * tears the machine down and builds a new one from the same config.
 *
 * Guest physical layout (QEMU's virt board's, so that a guest kernel
 * finds nothing unusual):
 *	0x08000000	GICv3 distributor (64 KB)
 *	0x08080000	GICv3 ITS (128 KB)
 *	0x080a0000	GICv3 redistributors (128 KB per vCPU)
 *	0x09000000	PL011 UART, SPI 1
 *	0x0a000000	virtio-mmio slots of 512 bytes, SPI 16 + slot
 *	0x40000000	RAM
 */
#ifndef VHV_RUN_VMM_H
#define VHV_RUN_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define SZ_4K			0x1000ULL
#define SZ_64K			0x10000ULL
#define SZ_2M			0x200000ULL
#define ALIGN_UP(x, a)		(((x) + (a) - 1) & ~((u64)(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((u64)(a) - 1))

#define GICD_BASE		0x08000000ULL
#define GICD_SIZE		SZ_64K
#define GITS_BASE		0x08080000ULL
#define GITS_SIZE		0x20000ULL
#define GICR_BASE		0x080a0000ULL
#define GICR_SIZE_PER_CPU	0x20000ULL
#define UART_BASE		0x09000000ULL
#define UART_SIZE		SZ_4K
#define UART_SPI		1
#define VIRTIO_BASE		0x0a000000ULL
#define VIRTIO_SLOT_SIZE	0x200ULL
#define VIRTIO_SPI_BASE		16
#define RAM_BASE		0x40000000ULL

/* vCPUs: their redistributors must end below the UART. */
#define MAX_CPUS		64
_Static_assert(GICR_BASE + MAX_CPUS * GICR_SIZE_PER_CPU <= UART_BASE, "GICR overlaps");
/* The SPIs the GIC is sized for (KVM_DEV_ARM_VGIC_GRP_NR_IRQS). */
#define NR_IRQS			128

/* What the command line asked for; the same for every boot of a run. */
struct config {
	const char *dev;
	const char *kernel;
	const char *initrd;
	const char *cmdline;
	const char *disk;
	const char *mark;
	unsigned int cpus;
	u64 mem;
	unsigned int max_reboots;
};

struct vm;

/* A device behind MMIO exits: accesses of len bytes at offset off. */
struct mmio_ops {
	void (*read)(void *opaque, u64 off, u8 *data, u32 len);
	void (*write)(void *opaque, u64 off, const u8 *data, u32 len);
	void (*destroy)(void *opaque);		/* may be NULL */
};

struct mmio_dev {
	u64 base;
	u64 size;
	void *opaque;
	const struct mmio_ops *ops;
};

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	u64 mpidr;
};

/* How a machine's run ended. */
enum vm_end {
	VM_POWER_OFF,
	VM_RESET,
	VM_CRASH,
	VM_FAILED,
};

#define MAX_MMIO_DEVS	8

struct vm {
	const struct config *cfg;
	int sys_fd;
	int fd;
	int gic_fd;
	int its_fd;
	u8 *ram;
	u64 ram_size;
	long run_size;
	struct kvm_vcpu_init init;
	struct vcpu *vcpus;
	struct mmio_dev mmio[MAX_MMIO_DEVS];
	unsigned int nr_mmio;
	unsigned int nr_virtio;
	struct iothread *io;

	/* The first vCPU to see the machine end says how, under lock. */
	pthread_mutex_t lock;
	bool stopping;
	enum vm_end end;

	/* --mark: CNTVCT when the vCPUs started, and when the mark showed. */
	u64 start_ticks;
	bool mark_seen;
	unsigned int mark_pos;
};

/* util.c */
void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...);
void __attribute__((noreturn)) die_errno(const char *what);
int kvm_ioctl_named(int fd, unsigned long req, void *arg, const char *name);
#define kvm_ioctl(fd, req, arg)	kvm_ioctl_named(fd, req, arg, #req)
void *xzalloc(size_t size);
/* An eventfd with EFD_CLOEXEC and flags, or die. */
int xeventfd(int flags);
u64 read_cntvct(void);
void console_out(struct vm *vm, const u8 *buf, size_t len);
void stdout_setup(void);

/* kvm.c */
void vm_create(struct vm *vm, const struct config *cfg);
void vm_create_gic(struct vm *vm);
void vm_destroy(struct vm *vm);
void *gpa_to_hva(struct vm *vm, u64 gpa, u64 len);
void vm_irq_line(struct vm *vm, unsigned int spi, int level);
void vm_add_mmio(struct vm *vm, u64 base, u64 size, void *opaque, const struct mmio_ops *ops);

/* loader.c */
struct boot_info {
	u64 entry;
	u64 dtb;
	u64 initrd_start;
	u64 initrd_end;
};
void boot_load(struct vm *vm, struct boot_info *bi);

/* fdt.c */
void fdt_build(struct vm *vm, const struct boot_info *bi, void *buf, u32 size);

/* vcpu.c */
void vcpus_create(struct vm *vm);
void vcpus_set_boot_regs(struct vm *vm, const struct boot_info *bi);
enum vm_end vcpus_run(struct vm *vm);
void vm_stop(struct vm *vm, enum vm_end end);

/* pl011.c */
void pl011_create(struct vm *vm);

/* iothread.c */
struct iothread;
typedef void (*io_handler)(void *opaque);
struct iothread *iothread_create(void);
void iothread_add(struct iothread *io, int fd, io_handler fn, void *opaque);
void iothread_start(struct iothread *io);
void iothread_destroy(struct iothread *io);

/* virtio_blk.c, virtio_console.c */
void virtio_blk_create(struct vm *vm, const char *path);
void virtio_console_create(struct vm *vm);

#endif /* VHV_RUN_VMM_H */
