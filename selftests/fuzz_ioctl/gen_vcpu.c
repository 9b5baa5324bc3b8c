// SPDX-License-Identifier: GPL-2.0
/*
 * Structured arguments for the vCPU ioctls. ONE_REG ids come mostly from
 * the target's own KVM_GET_REG_LIST (learnt once from a world vCPU), some
 * bent (another size, the next index), some made up field by field, some
 * noise; the value pointer is placed like any other.
 */
#include <signal.h>
#include <sys/ioctl.h>

#include "../lib/test.h"
#include "fuzz.h"

#define MAX_REG_IDS	1024

static u64 reg_ids[MAX_REG_IDS];
static unsigned int nr_reg_ids;

void fz_reg_ids_learn(int vcpu_fd)
{
	static u64 buf[1 + MAX_REG_IDS];
	struct kvm_reg_list *list = (void *)buf;

	list->n = MAX_REG_IDS;
	if (ioctl(vcpu_fd, KVM_GET_REG_LIST, list) == 0 && list->n <= MAX_REG_IDS) {
		memcpy(reg_ids, list->reg, list->n * sizeof(u64));
		nr_reg_ids = list->n;
	}
}

u64 fz_reg_id(struct fz_rng *r)
{
	static const u64 coprocs[] = {
		KVM_REG_ARM_CORE, KVM_REG_ARM_DEMUX, KVM_REG_ARM_FW, KVM_REG_ARM64_SYSREG,
		KVM_REG_ARM64_SVE, KVM_REG_ARM_FW_FEAT_BMAP, 0x17ULL << KVM_REG_ARM_COPROC_SHIFT,
	};
	u64 id;

	switch (fz_below(r, 20)) {
	case 0 ... 11:
		if (nr_reg_ids)
			return reg_ids[fz_below(r, nr_reg_ids)];
		__attribute__((fallthrough));
	case 12 ... 13:
		id = nr_reg_ids ? reg_ids[fz_below(r, nr_reg_ids)] : KVM_REG_ARM64;
		if (fz_percent(r, 50))
			return (id & ~KVM_REG_SIZE_MASK) | fz_below(r, 8) << KVM_REG_SIZE_SHIFT;
		return id + (fz_percent(r, 50) ? 1 : -1ULL);
	case 14 ... 17:
		return KVM_REG_ARM64 | fz_below(r, 8) << KVM_REG_SIZE_SHIFT |
		       FZ_PICK(r, coprocs) | (fz_u64(r) & 0xffff);
	default:
		return fz_value(r);
	}
}

u32 fz_vcpu_id(struct fz_rng *r)
{
	static const u32 ids[] = { 0, 0, 1, 1, 2, 3, 255, 511, 512 };

	return fz_percent(r, 90) ? FZ_PICK(r, ids) : fz_u64(r);
}

void fz_gen_vcpu_init(struct fz_call *c)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	struct fz_rng *r = &c->rng;

	if (fz_percent(r, 20))
		init.target = fz_percent(r, 50) ? fz_below(r, 8) : fz_u64(r);
	switch (fz_below(r, 10)) {
	case 0 ... 5:
		init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2;
		break;
	case 6 ... 7:
		init.features[0] = 1U << fz_below(r, 8) | fz_below(r, 2) << KVM_ARM_VCPU_PSCI_0_2;
		break;
	case 8:
		init.features[0] = fz_u64(r);
		break;
	default:
		break;
	}
	if (fz_percent(r, 10))
		init.features[1 + fz_below(r, 6)] = fz_u64(r);
	fz_say(c, " target=%u features=%#x,%#x", init.target, init.features[0],
	       init.features[1] | init.features[2] | init.features[3] | init.features[4] |
	       init.features[5] | init.features[6]);
	c->size = sizeof(init);
	memcpy(c->buf, &init, c->size);
	fz_place_arg(c);
}

void fz_gen_one_reg(struct fz_call *c)
{
	struct kvm_one_reg reg = { .id = fz_reg_id(&c->rng) };
	unsigned int shift = (reg.id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT;
	size_t size = shift < 9 ? 1U << shift : 256;
	struct kvm_one_reg get = { .id = reg.id };
	u8 val[256];

	fz_fill(&c->rng, val, size);
	fz_say(c, " id=%#llx", (unsigned long long)reg.id);
	/* A value the register may take: what it holds, or that with a bit flipped. */
	if (c->nr == KVM_SET_ONE_REG && shift < 9 && fz_percent(&c->rng, 40)) {
		get.addr = (uintptr_t)val;
		if (!ioctl(c->fd, KVM_GET_ONE_REG, &get)) {
			if (fz_percent(&c->rng, 50))
				val[fz_below(&c->rng, size)] ^= 1U << fz_below(&c->rng, 8);
			fz_say(c, " val=%#llx", (unsigned long long)*(u64 *)val);
		}
	}
	fz_say(c, " addr=");
	reg.addr = fz_place(c, FZ_AREA_B, val, size);
	c->size = sizeof(reg);
	memcpy(c->buf, &reg, c->size);
	fz_place_arg(c);
}

void fz_gen_reg_list(struct fz_call *c)
{
	static u64 list[1 + 2048];
	u64 n;

	switch (fz_below(&c->rng, 6)) {
	case 0: n = 0; break;
	case 1: n = nr_reg_ids; break;
	case 2: n = nr_reg_ids ? nr_reg_ids - 1 : 1; break;
	case 3: n = fz_below(&c->rng, 64); break;
	case 4: n = 1ULL << 20; break;
	default: n = fz_value(&c->rng);
	}
	fz_say(c, " n=%llu arg=", (unsigned long long)n);
	/* In area B: the kernel writes n ids after the count. */
	list[0] = n;
	c->arg = fz_place(c, FZ_AREA_B, list, 8 + 8 * (n < 2048 ? n : 2048));
	/* The count readable: whether the ids fit is the kernel's to find out. */
	c->arg_cls = c->last_mapped >= 8 ? FZ_PTR_OK : c->last_cls;
}

void fz_gen_mp_state(struct fz_call *c)
{
	struct kvm_mp_state mp = {
		.mp_state = fz_percent(&c->rng, 85) ? fz_below(&c->rng, 10) : fz_u64(&c->rng),
	};

	/* Mostly RUNNABLE: a stopped world vCPU only comes back slowly. */
	if (fz_percent(&c->rng, 50))
		mp.mp_state = KVM_MP_STATE_RUNNABLE;
	fz_say(c, " state=%u", mp.mp_state);
	c->size = sizeof(mp);
	memcpy(c->buf, &mp, c->size);
	fz_place_arg(c);
}

void fz_gen_vcpu_events(struct fz_call *c)
{
	struct kvm_vcpu_events ev = { 0 };
	struct fz_rng *r = &c->rng;

	ev.exception.serror_pending = fz_percent(r, 90) ? fz_below(r, 2) : fz_u64(r);
	ev.exception.serror_has_esr = fz_percent(r, 90) ? fz_below(r, 2) : fz_u64(r);
	ev.exception.ext_dabt_pending = fz_percent(r, 90) ? fz_below(r, 2) : fz_u64(r);
	ev.exception.serror_esr = fz_percent(r, 70) ? fz_below(r, 1 << 25) : fz_value(r);
	if (fz_percent(r, 10))
		ev.exception.pad[fz_below(r, 5)] = fz_u64(r);
	if (fz_percent(r, 10))
		ev.reserved[fz_below(r, 12)] = fz_u64(r);
	fz_say(c, " serror=%u,%u,%#llx dabt=%u", ev.exception.serror_pending,
	       ev.exception.serror_has_esr, (unsigned long long)ev.exception.serror_esr,
	       ev.exception.ext_dabt_pending);
	c->size = sizeof(ev);
	memcpy(c->buf, &ev, c->size);
	fz_place_arg(c);
}

void fz_gen_vcpu_attr(struct fz_call *c)
{
	struct kvm_device_attr a = { 0 };
	u64 v = fz_percent(&c->rng, 80) ? fz_below(&c->rng, 40) : fz_value(&c->rng);

	a.group = fz_percent(&c->rng, 90) ? fz_below(&c->rng, 4) : fz_u64(&c->rng);
	a.attr = fz_percent(&c->rng, 90) ? fz_below(&c->rng, 5) : fz_value(&c->rng);
	if (fz_percent(&c->rng, 5))
		a.flags = fz_u64(&c->rng);
	fz_say(c, " group=%u attr=%#llx val=%llu addr=", a.group, (unsigned long long)a.attr,
	       (unsigned long long)v);
	/*
	 * What the kernel reads there: an int (PMU and timer interrupts, the
	 * PMU's id), a u64 (the stolen-time IPA), an 8-byte PMU event filter.
	 */
	a.addr = fz_place(c, FZ_AREA_B, &v, a.group == KVM_ARM_VCPU_PVTIME_CTRL ||
				    (a.group == KVM_ARM_VCPU_PMU_V3_CTRL &&
				     a.attr == KVM_ARM_VCPU_PMU_V3_FILTER) ? 8 : sizeof(int));
	c->size = sizeof(a);
	memcpy(c->buf, &a, c->size);
	fz_place_arg(c);
}

void fz_gen_finalize(struct fz_call *c)
{
	int what = fz_percent(&c->rng, 70) ? KVM_ARM_VCPU_SVE : fz_value(&c->rng);

	fz_say(c, " feature=%d", what);
	c->size = sizeof(what);
	memcpy(c->buf, &what, c->size);
	fz_place_arg(c);
}

/* Never one that blocks the kicks: a vCPU in WFI would never come back. */
void fz_gen_signal_mask(struct fz_call *c)
{
	struct {
		u32 len;
		u64 set;
	} __attribute__((packed)) m;

	m.len = fz_percent(&c->rng, 70) ? 8 : fz_value(&c->rng);
	m.set = fz_u64(&c->rng) & ~(1ULL << (SIGUSR1 - 1));
	fz_say(c, " len=%u set=%#llx", m.len, (unsigned long long)m.set);
	c->size = sizeof(m);
	memcpy(c->buf, &m, c->size);
	fz_place_arg(c);
}

void fz_gen_guest_debug(struct fz_call *c)
{
	struct kvm_guest_debug dbg;

	fz_fill(&c->rng, &dbg, sizeof(dbg));
	dbg.control = fz_percent(&c->rng, 70) ? fz_below(&c->rng, 4) |
						 (fz_below(&c->rng, 4) << 16) : fz_u64(&c->rng);
	fz_say(c, " control=%#x", dbg.control);
	c->size = sizeof(dbg);
	memcpy(c->buf, &dbg, c->size);
	fz_place_arg(c);
}
