// SPDX-License-Identifier: GPL-2.0
/*
 * Structured arguments for the system and VM ioctls: mostly what a VMM
 * would pass, with one field or another off (flags, sizes, alignment,
 * ranges, ids), and sometimes nothing but noise. Memory regions point
 * into the fuzzer's slot arena, around the window the world's guests
 * touch, at the edges of the IPA space, or nowhere.
 */
#include <stdio.h>
#include <sys/ioctl.h>

#include "../lib/test.h"
#include "fuzz.h"

void fz_gen_int0(struct fz_call *c)
{
	c->arg = fz_percent(&c->rng, 85) ? 0 : fz_value(&c->rng);
	fz_say(c, " arg=%#lx", c->arg);
}

void fz_gen_api_version(struct fz_call *c)
{
	fz_gen_int0(c);
}

static const u64 caps[] = {
	KVM_CAP_USER_MEMORY, KVM_CAP_READONLY_MEM, KVM_CAP_ONE_REG, KVM_CAP_NR_VCPUS,
	KVM_CAP_MAX_VCPUS, KVM_CAP_MAX_VCPU_ID, KVM_CAP_ARM_VM_IPA_SIZE, KVM_CAP_IRQ_ROUTING,
	KVM_CAP_ARM_NISV_TO_USER, KVM_CAP_ARM_MTE, KVM_CAP_ARM_SYSTEM_SUSPEND,
	KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE, KVM_CAP_DIRTY_LOG_RING, KVM_CAP_DIRTY_LOG_RING_ACQ_REL,
	KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, KVM_CAP_DIRTY_LOG_RING_WITH_BITMAP,
	KVM_CAP_COUNTER_OFFSET, KVM_CAP_USER_MEMORY2, KVM_CAP_NR_MEMSLOTS,
};

void fz_gen_check_ext(struct fz_call *c)
{
	c->arg = fz_percent(&c->rng, 40) ? FZ_PICK(&c->rng, caps) :
		 fz_percent(&c->rng, 70) ? fz_below(&c->rng, 260) : fz_value(&c->rng);
	fz_say(c, " cap=%lu", c->arg);
}

void fz_gen_create_vm(struct fz_call *c)
{
	switch (fz_below(&c->rng, 5)) {
	case 0:
	case 1:
		c->arg = 0;
		break;
	case 2:
		c->arg = fz_below(&c->rng, 64);	/* an IPA size, or too small or too big */
		break;
	case 3:
		c->arg = fz_below(&c->rng, 64) | 1UL << fz_below(&c->rng, 64);
		break;
	default:
		c->arg = fz_value(&c->rng);
	}
	fz_say(c, " type=%#lx", c->arg);
}

void fz_gen_create_vcpu(struct fz_call *c)
{
	static const u64 ids[] = { 0, 1, 2, 3, 7, 255, 256, 511, 512, 4096, -1ULL, 1ULL << 32 };

	c->arg = fz_percent(&c->rng, 70) ? fz_below(&c->rng, 6) : FZ_PICK(&c->rng, ids);
	fz_say(c, " id=%#lx", c->arg);
}

/* ---- memory regions ---- */

static u64 gen_gpa(struct fz_rng *r)
{
	u64 ipa_top = 1ULL << (fz_percent(r, 50) ? 40 : 36 + fz_below(r, 13));

	switch (fz_below(r, 10)) {
	case 0 ... 5:
		return FZ_WINDOW_GPA + fz_below(r, FZ_WINDOW_SIZE / fz_page) * fz_page;
	case 6:
		return fz_below(r, 16) * fz_page;	/* on slot 0 */
	case 7:
		return ipa_top - fz_below(r, 4) * fz_page;
	case 8:
		return fz_below(r, 1ULL << 32) * fz_page;
	default:
		return fz_value(r);
	}
}

static u64 gen_size(struct fz_rng *r)
{
	switch (fz_below(r, 12)) {
	case 0 ... 3:
		return (1 + fz_below(r, 64)) * fz_page;
	case 4:
		return (1 + fz_below(r, FZ_WINDOW_SIZE / fz_page)) * fz_page;
	case 5:
		return 0;				/* delete */
	case 6:
		return 1ULL << (30 + fz_below(r, 7));	/* 1 to 64 GiB, sparse */
	case 7:
		return 1ULL << 40;
	case 8:
		return fz_below(r, 64) * fz_page + 1 + fz_below(r, fz_page - 1);
	default:
		return fz_value(r);
	}
}

static u64 gen_uaddr(struct fz_rng *r, u64 size)
{
	u64 room = size < FZ_ARENA_SIZE ? FZ_ARENA_SIZE - size : 0;
	u64 base = (u64)(uintptr_t)fz_arena;

	switch (fz_below(r, 10)) {
	case 0 ... 5:
		return base + fz_below(r, room / fz_page + 1) * fz_page;
	case 6:
		return base + fz_below(r, FZ_ARENA_SIZE);
	case 7:
		return 0xffff000000000000ULL + fz_below(r, 1 << 20) * fz_page;
	case 8:
		return fz_percent(r, 50) ? 0 : (1ULL << 52) - fz_page;
	default:
		/* Past the user address space: never the fuzzer's own memory for a guest. */
		return (fz_value(r) | 1ULL << 48) & ~(fz_page - 1ULL);
	}
}

static void gen_region(struct fz_call *c, struct kvm_userspace_memory_region2 *m)
{
	struct fz_rng *r = &c->rng;

	switch (fz_below(r, 10)) {
	case 0 ... 5:
		m->slot = 1 + fz_below(r, 8);
		break;
	case 6:
		m->slot = 0;		/* the world's RAM */
		break;
	case 7:
		m->slot = fz_percent(r, 50) ? 32766 + fz_below(r, 3) : 1U << 16 | fz_below(r, 4);
		break;
	default:
		m->slot = fz_u64(r);
	}
	switch (fz_below(r, 10)) {
	case 0 ... 5: m->flags = 0; break;
	case 6 ... 7: m->flags = KVM_MEM_READONLY; break;
	case 8: m->flags = fz_percent(r, 50) ? KVM_MEM_LOG_DIRTY_PAGES : KVM_MEM_GUEST_MEMFD; break;
	default: m->flags = fz_u64(r);
	}
	m->guest_phys_addr = gen_gpa(r);
	m->memory_size = gen_size(r);
	/* No dirty bitmaps of hundreds of MB on the oracle's 1 GB host. */
	if (m->memory_size > (64ULL << 30))
		m->flags &= ~KVM_MEM_LOG_DIRTY_PAGES;
	m->userspace_addr = gen_uaddr(r, m->memory_size);
	fz_say(c, " slot=%#x flags=%#x gpa=%#llx size=%#llx uaddr=%#llx", m->slot, m->flags,
	       (unsigned long long)m->guest_phys_addr, (unsigned long long)m->memory_size,
	       (unsigned long long)m->userspace_addr);
}

void fz_gen_memory(struct fz_call *c)
{
	struct kvm_userspace_memory_region2 m = { 0 };

	gen_region(c, &m);
	c->size = sizeof(struct kvm_userspace_memory_region);
	memcpy(c->buf, &m, c->size);
	fz_place_arg(c);
}

void fz_gen_memory2(struct fz_call *c)
{
	struct kvm_userspace_memory_region2 m = { 0 };

	gen_region(c, &m);
	if (fz_percent(&c->rng, 15)) {
		m.guest_memfd = fz_below(&c->rng, 64);
		m.guest_memfd_offset = fz_value(&c->rng);
		m.pad1 = fz_value(&c->rng);
		m.pad2[fz_below(&c->rng, 14)] = fz_value(&c->rng);
		fz_say(c, " +memfd/pads");
	}
	c->size = sizeof(m);
	memcpy(c->buf, &m, c->size);
	fz_place_arg(c);
}

void fz_gen_enable_cap(struct fz_call *c)
{
	struct kvm_enable_cap cap = { 0 };
	unsigned int i;

	/* Not KVM_CAP_HALT_POLL: vCPUs would spin for seconds in every WFI. */
	do
		cap.cap = fz_percent(&c->rng, 60) ? FZ_PICK(&c->rng, caps) :
			  fz_percent(&c->rng, 80) ? fz_below(&c->rng, 260) : fz_u64(&c->rng);
	while (cap.cap == KVM_CAP_HALT_POLL);
	if (fz_percent(&c->rng, 10))
		cap.flags = fz_value(&c->rng);
	for (i = 0; i < 4; i++)
		cap.args[i] = fz_percent(&c->rng, 50) ? 0 : fz_value(&c->rng);
	fz_say(c, " cap=%u flags=%#x args=%#llx", cap.cap, cap.flags,
	       (unsigned long long)cap.args[0]);
	c->size = sizeof(cap);
	memcpy(c->buf, &cap, c->size);
	fz_place_arg(c);
}

void fz_gen_create_device(struct fz_call *c)
{
	struct kvm_create_device cd = { .fd = fz_u64(&c->rng) };

	switch (fz_below(&c->rng, 10)) {
	case 0 ... 4: cd.type = KVM_DEV_TYPE_ARM_VGIC_V3; break;
	case 5 ... 6: cd.type = KVM_DEV_TYPE_ARM_VGIC_ITS; break;
	case 7: cd.type = KVM_DEV_TYPE_ARM_VGIC_V2; break;
	case 8: cd.type = fz_below(&c->rng, 16); break;
	default: cd.type = fz_u64(&c->rng);
	}
	cd.flags = fz_percent(&c->rng, 70) ? 0 :
		   fz_percent(&c->rng, 70) ? KVM_CREATE_DEVICE_TEST : fz_u64(&c->rng);
	fz_say(c, " type=%u flags=%#x", cd.type, cd.flags);
	c->size = sizeof(cd);
	memcpy(c->buf, &cd, c->size);
	fz_place_arg(c);
}

void fz_gen_counter_offset(struct fz_call *c)
{
	struct kvm_arm_counter_offset off = { .counter_offset = fz_value(&c->rng) };

	if (fz_percent(&c->rng, 20))
		off.reserved = fz_value(&c->rng);
	fz_say(c, " offset=%#llx reserved=%#llx", (unsigned long long)off.counter_offset,
	       (unsigned long long)off.reserved);
	c->size = sizeof(off);
	memcpy(c->buf, &off, c->size);
	fz_place_arg(c);
}

void fz_gen_irq_line(struct fz_call *c)
{
	struct fz_rng *r = &c->rng;
	struct kvm_irq_level irq;
	/* VMs 0 and 3 have an initialised vGIC: SPIs there, mostly. */
	bool gic = c->kind == FZ_VM && (c->slot == 0 || c->slot == 3) && fz_percent(r, 60);
	u32 type = gic ? KVM_ARM_IRQ_TYPE_SPI : fz_percent(r, 90) ? fz_below(r, 3) : fz_below(r, 16);
	u32 vcpu = fz_percent(r, 80) ? fz_below(r, 3) : fz_below(r, 256);
	u32 num;

	switch (gic ? 2 : fz_below(r, 6)) {
	case 0: num = fz_below(r, 2); break;			/* CPU IRQ, FIQ */
	case 1: num = 16 + fz_below(r, 16); break;		/* PPIs */
	case 2 ... 3: num = 32 + fz_below(r, fz_percent(r, 80) ? 96 : 1024); break;
	case 4: num = 1019 + fz_below(r, 3); break;
	default: num = fz_u64(r);
	}
	irq.irq = (type & KVM_ARM_IRQ_TYPE_MASK) << KVM_ARM_IRQ_TYPE_SHIFT |
		  (vcpu & KVM_ARM_IRQ_VCPU_MASK) << KVM_ARM_IRQ_VCPU_SHIFT |
		  (num & KVM_ARM_IRQ_NUM_MASK) << KVM_ARM_IRQ_NUM_SHIFT;
	if (fz_percent(r, 10))
		irq.irq |= (fz_u64(r) & KVM_ARM_IRQ_VCPU2_MASK) << KVM_ARM_IRQ_VCPU2_SHIFT;
	if (fz_percent(r, 5))
		irq.irq = fz_u64(r);
	irq.level = fz_percent(r, 90) ? fz_below(r, 2) : fz_u64(r);
	fz_say(c, " irq=%#x level=%u", irq.irq, irq.level);
	c->size = sizeof(irq);
	memcpy(c->buf, &irq, c->size);
	fz_place_arg(c);
}

static int gen_eventfd(struct fz_rng *r)
{
	switch (fz_below(r, 10)) {
	case 0 ... 6: return fz_obj_fd(FZ_EVENTFD, fz_below(r, 8));
	case 7: return -1;
	case 8: return fz_obj_fd(fz_below(r, FZ_NR_KINDS), fz_below(r, FZ_MAX_SLOTS));
	default: return fz_below(r, 64);
	}
}

void fz_gen_irqfd(struct fz_call *c)
{
	static const u32 flags[] = { 0, 0, 0, KVM_IRQFD_FLAG_DEASSIGN, KVM_IRQFD_FLAG_RESAMPLE,
				     KVM_IRQFD_FLAG_RESAMPLE, 3, 4, 0xffffffff };
	struct kvm_irqfd fd = { 0 };

	fd.fd = gen_eventfd(&c->rng);
	/* CTRL_INIT routes GSI n to SPI n + 32: with 128 interrupts, 0-95. */
	fd.gsi = fz_percent(&c->rng, 85) ? fz_below(&c->rng, 100) : fz_u64(&c->rng);
	fd.flags = FZ_PICK(&c->rng, flags);
	fd.resamplefd = gen_eventfd(&c->rng);
	if (fz_percent(&c->rng, 5))
		fd.pad[fz_below(&c->rng, 16)] = 1;
	fz_say(c, " fd=%d gsi=%u flags=%#x resample=%d", fd.fd, fd.gsi, fd.flags, fd.resamplefd);
	c->size = sizeof(fd);
	memcpy(c->buf, &fd, c->size);
	fz_place_arg(c);
}

void fz_gen_ioeventfd(struct fz_call *c)
{
	struct kvm_ioeventfd io = { .datamatch = fz_value(&c->rng) };

	io.addr = fz_percent(&c->rng, 50) ? FZ_MMIO_GPA + fz_below(&c->rng, 64) * 8 :
					    fz_value(&c->rng);
	io.len = fz_percent(&c->rng, 80) ? 1U << fz_below(&c->rng, 4) : fz_below(&c->rng, 16);
	io.fd = gen_eventfd(&c->rng);
	io.flags = fz_percent(&c->rng, 70) ? fz_below(&c->rng, 8) & ~2 : fz_u64(&c->rng);
	fz_say(c, " addr=%#llx len=%u fd=%d flags=%#x", (unsigned long long)io.addr, io.len,
	       io.fd, io.flags);
	c->size = sizeof(io);
	memcpy(c->buf, &io, c->size);
	fz_place_arg(c);
}

/* Zones around the guest's MMIO window, of either kind, or anything. */
void fz_gen_coalesced(struct fz_call *c)
{
	struct kvm_coalesced_mmio_zone z = { .pio = fz_below(&c->rng, 3) };

	if (fz_percent(&c->rng, 70)) {
		z.addr = FZ_MMIO_GPA + fz_below(&c->rng, 64) * 64;
		z.size = fz_below(&c->rng, 0x2000);
	} else {
		z.addr = fz_value(&c->rng);
		z.size = fz_value(&c->rng);
	}
	fz_say(c, " addr=%#llx size=%#x pio=%u", (unsigned long long)z.addr, z.size, z.pio);
	c->size = sizeof(z);
	memcpy(c->buf, &z, c->size);
	fz_place_arg(c);
}

/* Structs of KVM's with a pointer in them, at this offset. */
void fz_gen_dirty_log(struct fz_call *c)
{
	size_t off = c->nr == KVM_GET_DIRTY_LOG ? 8 :
		     c->nr == KVM_ARM_GET_REG_WRITABLE_MASKS ? 0 : 16;
	u64 ptr;

	c->size = _IOC_SIZE(c->nr);
	fz_fill(&c->rng, c->buf, c->size);
	if (c->nr != KVM_ARM_GET_REG_WRITABLE_MASKS)
		memcpy(c->buf, &(u32){ fz_below(&c->rng, 10) }, 4);	/* a slot, or small */
	fz_say(c, " ptr=");
	ptr = fz_place(c, FZ_AREA_B, NULL, 4096);
	memcpy(c->buf + off, &ptr, sizeof(ptr));
	fz_place_arg(c);
}

void fz_gen_vm_attr(struct fz_call *c)
{
	struct kvm_device_attr a = { 0 };

	a.group = fz_percent(&c->rng, 80) ? fz_below(&c->rng, 4) : fz_u64(&c->rng);
	a.attr = fz_percent(&c->rng, 80) ? fz_below(&c->rng, 4) : fz_u64(&c->rng);
	fz_say(c, " group=%u attr=%#llx addr=", a.group, (unsigned long long)a.attr);
	a.addr = fz_ind(c, 128);
	c->size = sizeof(a);
	memcpy(c->buf, &a, c->size);
	fz_place_arg(c);
}
