// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IRQFD into the in-kernel GICv3: an eventfd write raises an SPI by
 * the default routing (GSI n is SPI n, INTID 32 + n) or by a route of
 * KVM_SET_GSI_ROUTING (KVM_IRQ_ROUTING_IRQCHIP), which replaces the
 * default table; a plain irqfd only raises the line (a level SPI stays
 * high until lowered, as on KVM); a resampling irqfd keeps a level SPI high until the
 * guest's EOI and then signals its resamplefd, once per interrupt; the
 * routing entries and irqfds KVM refuses.
 *
 * KVM ABI only. Skips without an in-kernel vGICv3 or without
 * KVM_CAP_IRQFD (resampling: KVM_CAP_IRQFD_RESAMPLE).
 */
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <stdlib.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "lib/gic.h"
#include "lib/test.h"
#include "lib/vmm.h"

#define NR_IRQS		128
#define SETTLE_MS	50
#define PRIO		0x80

enum {
	SYNC_READY = 1,
	SYNC_CHECK,
};

/* A VM with the vGIC and one vCPU in fn(arg), initialised, with irqfds. */
static struct vmm_vcpu *irqfd_vm(void (*fn)(u64), u64 arg, long cap)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, NR_IRQS);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, fn, arg);

	if (!vmm_check_extension(vm->fd, cap)) {
		/* The oracle has them all with its vGIC. */
		ASSERT_FALSE(vmm_target_is_kvm());
		SKIP("no KVM capability %ld", cap);
	}
	vmm_gic_init(gic);
	return vcpu;
}

static int new_eventfd(void)
{
	return ASSERT_OK(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
}

static int irqfd_try(struct vmm_vm *vm, int fd, u32 gsi, u32 flags, int resamplefd)
{
	struct kvm_irqfd irqfd = {
		.fd = fd, .gsi = gsi, .flags = flags, .resamplefd = resamplefd,
	};

	return ioctl(vm->fd, KVM_IRQFD, &irqfd);
}

static void signal_eventfd(int fd)
{
	u64 one = 1;

	ASSERT_EQ(write(fd, &one, sizeof(one)), sizeof(one));
}

/* The eventfd's count, 0 if it was not signalled (EAGAIN). */
static u64 eventfd_count(int fd)
{
	u64 n = 0;

	if (read(fd, &n, sizeof(n)) < 0) {
		ASSERT_EQ(errno, EAGAIN);
		return 0;
	}
	return n;
}

static struct ucall expect_sync(struct vmm_vcpu *vcpu, u64 what)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], what);
	return uc;
}

static void expect_log(struct vmm_vm *vm, u32 nr, const u32 *intids)
{
	u32 i;

	vmm_sync_from_guest(vm, gic_logs, sizeof(gic_logs));
	ASSERT_EQ(gic_logs[0].nr, nr);
	for (i = 0; i < nr; i++)
		EXPECT_EQ(gic_logs[0].intid[i], intids[i]);
}

/* Sets up SPIs (edge) arg and arg >> 16, waits for arg >> 32 of them. */
static void guest_edge_spis(u64 arg)
{
	u32 a = arg & 0xffff, b = arg >> 16 & 0xffff, n = arg >> 32;

	gic_dist_init();
	gic_cpu_init();
	gic_spi_setup(a, PRIO, true);
	gic_spi_setup(b, PRIO, true);
	local_irq_enable();
	GUEST_SYNC(SYNC_READY);
	gic_wait_irqs(n);
	gic_spin_ms(SETTLE_MS);
}

static u64 edge_spis(u32 a, u32 b, u32 n)
{
	return a | b << 16 | (u64)n << 32;
}

TEST(irqfd_raises_the_spi_of_its_gsi_by_default_routing)
{
	const u32 gsi = 8, want[] = { 32 + gsi };
	struct vmm_vcpu *vcpu = irqfd_vm(guest_edge_spis, edge_spis(32 + gsi, 32 + gsi + 1, 1),
					 KVM_CAP_IRQFD);
	int fd = new_eventfd();

	ASSERT_OK(irqfd_try(vcpu->vm, fd, gsi, 0, 0));
	expect_sync(vcpu, SYNC_READY);
	signal_eventfd(fd);
	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, 1, want);
}

/*
 * One route, GSI 5 to pin 20 (INTID 52), replaces the whole default
 * table: an irqfd on GSI 8, which had the default route to INTID 40,
 * raises nothing now.
 */
TEST(irqfd_follows_a_gsi_routing_table_that_replaces_the_default)
{
	const u32 want[] = { 52 };
	struct vmm_vcpu *vcpu = irqfd_vm(guest_edge_spis, edge_spis(52, 40, 1), KVM_CAP_IRQ_ROUTING);
	struct kvm_irq_routing *table = calloc(1, sizeof(*table) + sizeof(table->entries[0]));
	int fd = new_eventfd(), old = new_eventfd();

	ASSERT_TRUE(table);
	table->nr = 1;
	table->entries[0] = (struct kvm_irq_routing_entry) {
		.gsi = 5, .type = KVM_IRQ_ROUTING_IRQCHIP, .u.irqchip = { .irqchip = 0, .pin = 20 },
	};
	ASSERT_OK(ioctl(vcpu->vm->fd, KVM_SET_GSI_ROUTING, table));
	ASSERT_OK(irqfd_try(vcpu->vm, fd, 5, 0, 0));
	ASSERT_OK(irqfd_try(vcpu->vm, old, 8, 0, 0));
	expect_sync(vcpu, SYNC_READY);
	signal_eventfd(old);
	signal_eventfd(fd);
	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, 1, want);
}

#define LEVEL_GSI	9
#define LEVEL_SPI	(32 + LEVEL_GSI)
#define ROUNDS		2

/* A level SPI; the handler tells the host of it before its EOI. */
static void guest_level_spi(u64 unused)
{
	u32 i;

	gic_dist_init();
	gic_cpu_init();
	gic_spi_setup(LEVEL_SPI, PRIO, false);
	gic_my_log()->irq_ucall = 1;
	local_irq_enable();
	for (i = 1; i <= ROUNDS; i++) {
		GUEST_SYNC(SYNC_READY);
		gic_wait_irqs(i);
		gic_spin_ms(SETTLE_MS);
		GUEST_SYNC2(SYNC_CHECK, gic_irq_is_pending(LEVEL_SPI));
	}
}

/*
 * Each round: the eventfd raises the line, the guest takes the interrupt,
 * the resamplefd is still quiet before the EOI; after it, the line is
 * down (taken once, not pending) and the resamplefd counted one.
 */
TEST(irqfd_resample_fires_once_after_the_guest_eois_a_level_spi)
{
	struct vmm_vcpu *vcpu = irqfd_vm(guest_level_spi, 0, KVM_CAP_IRQFD_RESAMPLE);
	const u32 want[ROUNDS] = { LEVEL_SPI, LEVEL_SPI };
	int fd = new_eventfd(), resample = new_eventfd();
	u32 i;

	ASSERT_OK(irqfd_try(vcpu->vm, fd, LEVEL_GSI, KVM_IRQFD_FLAG_RESAMPLE, resample));
	for (i = 0; i < ROUNDS; i++) {
		expect_sync(vcpu, SYNC_READY);
		signal_eventfd(fd);
		ASSERT_EQ(expect_sync(vcpu, GIC_UCALL_IRQ).args[1], LEVEL_SPI);
		ASSERT_EQ(eventfd_count(resample), 0);
		ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0);
		ASSERT_EQ(eventfd_count(resample), 1);
	}
	vmm_run_to_done(vcpu);
	expect_log(vcpu->vm, ROUNDS, want);
}

/*
 * A level SPI with its interrupt masked (PSTATE.I): the guest reports
 * whether it is pending once the host raised it and again once the host
 * lowered it by KVM_IRQ_LINE.
 */
static void guest_level_held(u64 unused)
{
	gic_dist_init();
	gic_cpu_init();
	gic_spi_setup(LEVEL_SPI, PRIO, false);
	GUEST_SYNC(SYNC_READY);
	gic_spin_ms(SETTLE_MS);
	GUEST_SYNC2(SYNC_CHECK, gic_irq_is_pending(LEVEL_SPI));
	GUEST_SYNC2(SYNC_CHECK, gic_irq_is_pending(LEVEL_SPI));
}

/*
 * As KVM's irqfd (kvm_arch_set_irq_inatomic with level 1): without a
 * resamplefd the eventfd raises the line and leaves it high, it does not
 * pulse it, so a level SPI stays pending until the VMM lowers it.
 */
TEST(irqfd_leaves_a_level_spi_raised_until_the_vmm_lowers_it)
{
	struct vmm_vcpu *vcpu = irqfd_vm(guest_level_held, 0, KVM_CAP_IRQFD);
	int fd = new_eventfd();

	ASSERT_OK(irqfd_try(vcpu->vm, fd, LEVEL_GSI, 0, 0));
	expect_sync(vcpu, SYNC_READY);
	signal_eventfd(fd);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 1);
	vmm_spi_line(vcpu->vm, LEVEL_SPI, 0);
	ASSERT_EQ(expect_sync(vcpu, SYNC_CHECK).args[1], 0);
	vmm_run_to_done(vcpu);
}

static void guest_nothing(u64 unused)
{
}

/* KVM 6.12 takes irqfds only once the vGIC is initialised (kvm_arch_intc_initialized). */
TEST(irqfd_before_ctrl_init_or_without_a_vgic_is_eagain)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic, fd = new_eventfd();

	vmm_vcpu_new(vm, 0, guest_nothing, 0);
	ASSERT_ERRNO(irqfd_try(vm, fd, 8, 0, 0), EAGAIN);

	vm = vmm_vm_new();
	gic = vmm_gic_new(vm, NR_IRQS);
	vmm_vcpu_new(vm, 0, guest_nothing, 0);
	ASSERT_ERRNO(irqfd_try(vm, fd, 8, 0, 0), EAGAIN);
	vmm_gic_init(gic);
	ASSERT_OK(irqfd_try(vm, fd, 8, 0, 0));
	/* The same eventfd on the same VM twice. */
	ASSERT_ERRNO(irqfd_try(vm, fd, 9, 0, 0), EBUSY);
}

static int set_one_route(struct vmm_vm *vm, struct kvm_irq_routing_entry e, u32 flags)
{
	struct {
		struct kvm_irq_routing table;
		struct kvm_irq_routing_entry entry;
	} r = { .table = { .nr = 1, .flags = flags }, .entry = e };

	return ioctl(vm->fd, KVM_SET_GSI_ROUTING, &r);
}

#define IRQCHIP_ROUTE(g, chip, p)						\
	((struct kvm_irq_routing_entry) {					\
		.gsi = (g), .type = KVM_IRQ_ROUTING_IRQCHIP,			\
		.u.irqchip = { .irqchip = (chip), .pin = (p) },			\
	})

TEST(gsi_routes_outside_the_irqchip_are_einval)
{
	struct vmm_vcpu *vcpu = irqfd_vm(guest_nothing, 0, KVM_CAP_IRQ_ROUTING);
	struct vmm_vm *vm = vcpu->vm;
	struct kvm_irq_routing_entry unknown = IRQCHIP_ROUTE(1, 0, 0);

	/* One irqchip (0); pins of SPIs 32..1019, whatever nr_irqs is. */
	ASSERT_ERRNO(set_one_route(vm, IRQCHIP_ROUTE(1, 1, 0), 0), EINVAL);
	ASSERT_ERRNO(set_one_route(vm, IRQCHIP_ROUTE(1, 0, 988), 0), EINVAL);
	ASSERT_OK(set_one_route(vm, IRQCHIP_ROUTE(1, 0, 987), 0));
	/* No flags for the table; an unknown entry type. */
	ASSERT_ERRNO(set_one_route(vm, IRQCHIP_ROUTE(1, 0, 0), 1), EINVAL);
	unknown.type = 99;
	ASSERT_ERRNO(set_one_route(vm, unknown, 0), EINVAL);
}

/*
 * irqfds die with their VM, or before it, in any order of closing, and
 * an eventfd written after its VM is gone only counts. Sixty-four VMs,
 * each with a resampling and a plain irqfd signalled while they live.
 * What fails here is the host: the kernel log is checked after the run.
 */
enum close_order { EVENTFDS_FIRST, VM_FD_FIRST, DEASSIGN_FIRST, EVENTFDS_LAST, NR_ORDERS };

static void one_vm_with_irqfds(enum close_order order)
{
	struct vmm_vm *vm = vmm_vm_new();
	int gic = vmm_gic_new(vm, NR_IRQS);
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vm, 0, guest_nothing, 0);
	int level = new_eventfd(), resample = new_eventfd(), edge = new_eventfd();
	struct kvm_irqfd deassign = { .fd = level, .gsi = 1, .flags = KVM_IRQFD_FLAG_DEASSIGN };

	vmm_gic_init(gic);
	ASSERT_OK(irqfd_try(vm, level, 1, KVM_IRQFD_FLAG_RESAMPLE, resample));
	ASSERT_OK(irqfd_try(vm, edge, 2, 0, 0));
	signal_eventfd(level);
	signal_eventfd(edge);
	if (order == EVENTFDS_FIRST) {
		close(level);
		close(resample);
		close(edge);
	}
	if (order == DEASSIGN_FIRST) {
		ASSERT_OK(ioctl(vm->fd, KVM_IRQFD, &deassign));
		/* Gone: the same eventfd can be bound again. */
		ASSERT_OK(irqfd_try(vm, level, 3, 0, 0));
	}
	if (order == VM_FD_FIRST) {
		close(vm->fd);
		signal_eventfd(level);	/* the vCPU and the device still hold the VM */
		vm->fd = -1;
	}
	close(gic);
	vmm_vcpu_free(vcpu);
	vmm_vm_free(vm);
	if (order != EVENTFDS_FIRST) {
		/* No VM behind them any more: a write only counts, nobody takes it. */
		signal_eventfd(level);
		signal_eventfd(edge);
		ASSERT_EQ(eventfd_count(edge), 1);
		close(level);
		close(resample);
		close(edge);
	}
}

TEST(irqfds_go_with_their_vm_whatever_is_closed_first)
{
	unsigned int i;

	if (!vmm_check_extension(vmm_open_dev(), KVM_CAP_IRQFD)) {
		ASSERT_FALSE(vmm_target_is_kvm());
		SKIP("no KVM_CAP_IRQFD");
	}
	for (i = 0; i < 64; i++)
		one_vm_with_irqfds(i % NR_ORDERS);
}
