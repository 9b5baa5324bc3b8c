// SPDX-License-Identifier: GPL-2.0
/*
 * Every ioctl number the fuzzer makes on purpose, by the kind of file it
 * belongs to, with the errnos it may give beside EIO (a VM that died),
 * ENOMEM and EFAULT (a bad pointer): vhv's ABI as api.rst lists it, and
 * KVM's arm64 ioctls vhv has not got (FZ_KVM). One call is made and
 * checked here:
 *
 *  - an errno from the entry's set, or, for a number the file's kind
 *    does not serve, what vhv answers for any unknown number (EINVAL;
 *    ENOTTY on a device file). On the KVM oracle, numbers vhv has not
 *    got may do anything KVM does, within the plausible set;
 *  - never a kernel-internal errno (ERESTARTSYS, ENOIOCTLCMD: 512 up);
 *  - never success when the kernel had to read through a pointer it
 *    cannot read;
 *  - no byte of area A written outside the struct the call was given;
 *  - a new file from a call is adopted (or closed), never leaked.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../lib/test.h"
#include "fuzz.h"

#define ATTR_ERRS	(E(ENXIO) | E(EINVAL) | E(EBUSY) | E(ENOENT) | E(ENODEV) | E(EPERM))
#define GIC_ERRS	(ATTR_ERRS | E(EEXIST) | E(E2BIG) | E(ENOSPC))
#define MEM_ERRS	(E(EINVAL) | E(EEXIST) | E(EFAULT))
#define RUN_ERRS	(E(EINTR) | E(ENOEXEC) | E(EINVAL) | E(EFAULT) | E(ENOSYS) | \
			 E(EPERM) | E(ENXIO) | E(EBUSY) | E(EAGAIN))
#define REG_ERRS	(E(ENOEXEC) | E(ENOENT) | E(EINVAL) | E(EPERM) | E(EBUSY))
#define LOOSE		FZ_ERRS_ANY

#define IO(n, k, f, e, g)	{ #n, n, FZ_##k, f, e, g }

const struct fz_ioctl fz_ioctls[] = {
	/* /dev/vhv, /dev/kvm */
	IO(KVM_GET_API_VERSION, DEV, FZ_INT, E(EINVAL), fz_gen_api_version),
	IO(KVM_CHECK_EXTENSION, DEV, FZ_INT, 0, fz_gen_check_ext),
	IO(KVM_CREATE_VM, DEV, FZ_INT | FZ_RETFD, E(EINVAL), fz_gen_create_vm),
	IO(KVM_GET_VCPU_MMAP_SIZE, DEV, FZ_INT, E(EINVAL), fz_gen_int0),
	/* VM */
	IO(KVM_CHECK_EXTENSION, VM, FZ_INT, 0, fz_gen_check_ext),
	IO(KVM_CREATE_VCPU, VM, FZ_INT | FZ_RETFD, E(EINVAL) | E(EEXIST) | E(EBUSY),
	   fz_gen_create_vcpu),
	IO(KVM_SET_USER_MEMORY_REGION, VM, FZ_IN, MEM_ERRS, fz_gen_memory),
	IO(KVM_SET_USER_MEMORY_REGION2, VM, FZ_IN, MEM_ERRS, fz_gen_memory2),
	IO(KVM_ENABLE_CAP, VM, FZ_IN, E(EINVAL) | E(EBUSY), fz_gen_enable_cap),
	IO(KVM_ARM_PREFERRED_TARGET, VM, FZ_OUT, E(ENODEV), NULL),
	IO(KVM_CREATE_DEVICE, VM, FZ_IN | FZ_OUT, E(ENODEV) | E(EEXIST) | E(EBUSY) | E(EINVAL),
	   fz_gen_create_device),
	IO(KVM_ARM_SET_COUNTER_OFFSET, VM, FZ_IN, E(EINVAL) | E(EBUSY), fz_gen_counter_offset),
	IO(KVM_IRQ_LINE, VM, FZ_IN, E(EINVAL) | E(ENXIO) | E(EBUSY), fz_gen_irq_line),
	IO(KVM_IRQFD, VM, FZ_IN, E(EINVAL) | E(EBADF) | E(EBUSY) | E(EAGAIN), fz_gen_irqfd),
	IO(KVM_SET_GSI_ROUTING, VM, FZ_IN, E(EINVAL), fz_gen_gsi_routing),
	IO(KVM_IOEVENTFD, VM, FZ_IN, E(EINVAL) | E(EBADF) | E(EEXIST) | E(ENOENT) | E(ENOSPC),
	   fz_gen_ioeventfd),
	IO(KVM_REGISTER_COALESCED_MMIO, VM, FZ_IN, E(EINVAL) | E(EEXIST) | E(ENOSPC),
	   fz_gen_coalesced),
	IO(KVM_UNREGISTER_COALESCED_MMIO, VM, FZ_IN, E(EINVAL), fz_gen_coalesced),
	/* vCPU */
	IO(KVM_RUN, VCPU, FZ_INT, RUN_ERRS, fz_gen_int0),
	IO(KVM_ARM_VCPU_INIT, VCPU, FZ_IN, E(EINVAL) | E(ENOENT) | E(EPERM), fz_gen_vcpu_init),
	IO(KVM_GET_ONE_REG, VCPU, FZ_IN, REG_ERRS, fz_gen_one_reg),
	IO(KVM_SET_ONE_REG, VCPU, FZ_IN, REG_ERRS, fz_gen_one_reg),
	IO(KVM_GET_REG_LIST, VCPU, FZ_IN | FZ_OUT | FZ_VAR, E(ENOEXEC) | E(E2BIG) | E(EPERM),
	   fz_gen_reg_list),
	IO(KVM_GET_MP_STATE, VCPU, FZ_OUT, 0, NULL),
	IO(KVM_SET_MP_STATE, VCPU, FZ_IN, E(EINVAL), fz_gen_mp_state),
	IO(KVM_GET_VCPU_EVENTS, VCPU, FZ_OUT, E(ENOEXEC), NULL),
	IO(KVM_SET_VCPU_EVENTS, VCPU, FZ_IN, E(EINVAL) | E(ENOEXEC), fz_gen_vcpu_events),
	IO(KVM_SET_DEVICE_ATTR, VCPU, FZ_IN, ATTR_ERRS, fz_gen_vcpu_attr),
	IO(KVM_GET_DEVICE_ATTR, VCPU, FZ_IN, ATTR_ERRS, fz_gen_vcpu_attr),
	IO(KVM_HAS_DEVICE_ATTR, VCPU, FZ_IN, ATTR_ERRS, fz_gen_vcpu_attr),
	/* the vGIC device */
	IO(KVM_SET_DEVICE_ATTR, GIC, FZ_IN, GIC_ERRS, fz_gen_gic_attr),
	IO(KVM_GET_DEVICE_ATTR, GIC, FZ_IN, GIC_ERRS, fz_gen_gic_attr),
	IO(KVM_HAS_DEVICE_ATTR, GIC, FZ_IN, GIC_ERRS, fz_gen_gic_attr),
	/* KVM's, not vhv's (yet) */
	IO(KVM_GET_STATS_FD, VM, FZ_KVM | FZ_INT | FZ_RETFD, LOOSE, fz_gen_int0),
	IO(KVM_IRQ_LINE_STATUS, VM, FZ_KVM | FZ_IN | FZ_OUT, LOOSE, fz_gen_irq_line),
	IO(KVM_SIGNAL_MSI, VM, FZ_IN, E(EINVAL) | E(ENODEV) | E(EBUSY), NULL),
	IO(KVM_GET_DIRTY_LOG, VM, FZ_KVM | FZ_IN, LOOSE, fz_gen_dirty_log),
	IO(KVM_CLEAR_DIRTY_LOG, VM, FZ_KVM | FZ_IN, LOOSE, fz_gen_dirty_log),
	IO(KVM_RESET_DIRTY_RINGS, VM, FZ_KVM | FZ_INT, LOOSE, fz_gen_int0),
	IO(KVM_ARM_SET_DEVICE_ADDR, VM, FZ_KVM | FZ_IN, LOOSE, NULL),
	IO(KVM_ARM_MTE_COPY_TAGS, VM, FZ_KVM | FZ_IN, LOOSE, fz_gen_dirty_log),
	IO(KVM_ARM_GET_REG_WRITABLE_MASKS, VM, FZ_KVM | FZ_IN, LOOSE, fz_gen_dirty_log),
	IO(KVM_SET_DEVICE_ATTR, VM, FZ_KVM | FZ_IN, LOOSE, fz_gen_vm_attr),
	IO(KVM_GET_DEVICE_ATTR, VM, FZ_KVM | FZ_IN, LOOSE, fz_gen_vm_attr),
	IO(KVM_HAS_DEVICE_ATTR, VM, FZ_KVM | FZ_IN, LOOSE, fz_gen_vm_attr),
	IO(KVM_GET_STATS_FD, VCPU, FZ_KVM | FZ_INT | FZ_RETFD, LOOSE, fz_gen_int0),
	IO(KVM_SET_SIGNAL_MASK, VCPU, FZ_KVM | FZ_IN, LOOSE, fz_gen_signal_mask),
	IO(KVM_SET_GUEST_DEBUG, VCPU, FZ_KVM | FZ_IN, LOOSE, fz_gen_guest_debug),
	IO(KVM_ARM_VCPU_FINALIZE, VCPU, FZ_KVM | FZ_IN, LOOSE, fz_gen_finalize),
	IO(KVM_ENABLE_CAP, VCPU, FZ_KVM | FZ_IN, LOOSE, fz_gen_enable_cap),
	IO(KVM_GET_REGS, VCPU, FZ_KVM | FZ_OUT, LOOSE, NULL),
	IO(KVM_SET_REGS, VCPU, FZ_KVM | FZ_IN, LOOSE, NULL),
	IO(KVM_GET_FPU, VCPU, FZ_KVM | FZ_OUT, LOOSE, NULL),
	IO(KVM_TRANSLATE, VCPU, FZ_KVM | FZ_IN | FZ_OUT, LOOSE, NULL),
	IO(KVM_INTERRUPT, VCPU, FZ_KVM | FZ_IN, LOOSE, NULL),
	IO(KVM_KVMCLOCK_CTRL, VCPU, FZ_KVM | FZ_INT, LOOSE, fz_gen_int0),
	IO(KVM_SET_TSS_ADDR, VM, FZ_KVM | FZ_INT, LOOSE, NULL),
	IO(KVM_CREATE_IRQCHIP, VM, FZ_KVM | FZ_INT, LOOSE, fz_gen_int0),
	IO(KVM_SET_CLOCK, VM, FZ_KVM | FZ_IN, LOOSE, NULL),
	/* x86's, by number: their structs are not in arm64's headers */
	{ "KVM_GET_MSR_INDEX_LIST", _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x02, 4), FZ_DEV,
	  FZ_KVM | FZ_IN | FZ_OUT, LOOSE, NULL },
	{ "KVM_GET_SUPPORTED_CPUID", _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, 8), FZ_DEV,
	  FZ_KVM | FZ_IN | FZ_OUT, LOOSE, NULL },
};

const unsigned int fz_nr_ioctls = ARRAY_SIZE(fz_ioctls);

/* The entry for a number on a kind of file, or NULL. */
static const struct fz_ioctl *lookup(enum fz_kind kind, unsigned long nr)
{
	unsigned int i;

	for (i = 0; i < fz_nr_ioctls; i++)
		if (fz_ioctls[i].kind == kind && fz_ioctls[i].nr == nr)
			return &fz_ioctls[i];
	return NULL;
}

static const struct fz_ioctl *lookup_any(unsigned long nr)
{
	unsigned int i;

	for (i = 0; i < fz_nr_ioctls; i++)
		if (fz_ioctls[i].nr == nr)
			return &fz_ioctls[i];
	return NULL;
}

static const struct fz_ioctl *pick_entry(struct fz_rng *r, enum fz_kind kind)
{
	unsigned int i, n = 0, want;

	for (i = 0; i < fz_nr_ioctls; i++)
		n += fz_ioctls[i].kind == kind;
	if (!n)
		return &fz_ioctls[fz_below(r, fz_nr_ioctls)];
	want = fz_below(r, n);
	for (i = 0; i < fz_nr_ioctls; i++)
		if (fz_ioctls[i].kind == kind && !want--)
			break;
	return &fz_ioctls[i];
}

/* A number nobody chose: KVM's type with any command, or another type. */
static unsigned long random_nr(struct fz_rng *r)
{
	static const unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE,
					     _IOC_READ | _IOC_WRITE };
	unsigned int type = KVMIO, size = fz_below(r, 4) ? fz_below(r, 257) : fz_below(r, 16384);

	if (fz_percent(r, 30)) {
		/* Not the VFS's own (FIONBIO, FIOCLEX, FIGETBSZ, FIFREEZE, FICLONE...). */
		do
			type = fz_below(r, 256);
		while (type == 'T' || type == 'f' || type == 0 || type == 'X' || type == 0x94 ||
		       type == KVMIO);
	}
	if (fz_percent(r, 10))
		return ((u32)fz_u64(r) & ~(0xffU << 8)) | type << 8;
	return _IOC(FZ_PICK(r, dirs), type, fz_below(r, 256), size);
}

static const char *errname(int err)
{
	return strerrorname_np(err) ?: "?";
}

/* What the file answers: its own entry's set, or what it says to any unknown number. */
static fz_errs allowed(const struct fz_call *c)
{
	const struct fz_ioctl *own = lookup(c->kind, c->nr);
	enum fz_kind k = c->kind;
	fz_errs ok;

	if (c->fd < 0)
		return E(EBADF);
	if (k == FZ_OTHER)
		ok = LOOSE;		/* a copy of any of the others, or a stats file */
	else if (own && !(own->flags & FZ_KVM))
		ok = own->errs;
	else if (k == FZ_GIC || k == FZ_EVENTFD)
		ok = E(ENOTTY);		/* no ioctl of their own beyond the attributes */
	else if (fz_target_kvm && k != FZ_DEV)
		ok = LOOSE;		/* KVM serves far more than the table knows */
	else
		ok = E(EINVAL);
	/* KVM: KVM_CAP_MSI_DEVID asked of the system file is EINVAL (vhv: 0). */
	if (fz_target_kvm && k == FZ_DEV && c->nr == KVM_CHECK_EXTENSION)
		ok |= E(EINVAL);
	if (k != FZ_DEV && k != FZ_EVENTFD)
		ok |= E(EIO) | E(ENOMEM);
	/* The kicker signals the fuzzer while it is in KVM_RUN, whatever the file. */
	if (c->nr == KVM_RUN)
		ok |= E(EINTR);
	/*
	 * Another file's generator (the number is the same, the struct too)
	 * sized the buffers the struct points to for that file: a vCPU
	 * attribute's 4-byte value read as the vGIC's 8-byte address.
	 */
	if (own && c->io != own)
		ok |= E(EFAULT);
	return c->bad_ptr ? ok | E(EFAULT) : ok;
}

/* Picks the target file, the number and its argument; fills c->ok. */
static void make(struct fz_call *c)
{
	static const unsigned char kind_w[FZ_NR_KINDS] = { 8, 30, 40, 17, 3, 2 };
	unsigned int x = fz_below(&c->rng, 100), k = 0;

	while (x >= kind_w[k])
		x -= kind_w[k++];
	c->kind = k;
	c->slot = fz_obj_pick(&c->rng, k);
	c->fd = fz_obj_fd(k, c->slot);
	x = fz_below(&c->rng, 100);
	if (x < 80)
		c->io = pick_entry(&c->rng, k);
	else if (x < 90)
		c->io = &fz_ioctls[fz_below(&c->rng, fz_nr_ioctls)];
	else
		c->io = NULL;
	if (!c->io) {
		c->nr = random_nr(&c->rng);
		/* One the table knows after all: its generator and its rules. */
		c->io = lookup(k, c->nr) ?: lookup_any(c->nr);
	}
	if (c->io)
		c->nr = c->io->nr;
	fz_say(c, "%s[%u]=%d ", fz_kind_name[k], c->slot, c->fd);
	if (c->io)
		fz_say(c, "%s", c->io->name);
	else
		fz_say(c, "ioctl %#lx", c->nr);
	if (c->io && c->io->gen) {
		c->io->gen(c);
	} else if (c->io && (c->io->flags & FZ_INT)) {
		c->arg = fz_value(&c->rng);
		fz_say(c, " arg=%#lx", c->arg);
	} else {
		c->size = _IOC_SIZE(c->nr);
		fz_fill(&c->rng, c->buf, c->size < FZ_BUF_MAX ? c->size : FZ_BUF_MAX);
		if (c->size > FZ_BUF_MAX)
			c->size = FZ_BUF_MAX;
		fz_place_arg(c);
	}
	c->ok = allowed(c);
}

static void check_success(struct fz_call *c)
{
	const struct fz_ioctl *own = c->fd >= 0 ? lookup(c->kind, c->nr) : NULL;

	if (c->fd < 0)
		fz_fail(c, "succeeded on a file descriptor that is not open");
	/* Only a call that must read or write its argument: some ignore the pointers in it. */
	if (own && own == c->io && !(own->flags & FZ_KVM) &&
	    (((own->flags & FZ_IN) && !fz_ptr_readable(c->arg_cls)) ||
	     ((own->flags & FZ_OUT) && c->arg_cls >= FZ_PTR_RO)))
		fz_fail(c, "succeeded though its argument could not be %s",
			(own->flags & FZ_IN) && !fz_ptr_readable(c->arg_cls) ? "read" : "written");
	if (c->ret > 2 && c->ret < 65536 && !fz_fd_known(c->ret) && fcntl(c->ret, F_GETFD) >= 0) {
		int slot = -1;

		if (own && own->nr == KVM_CREATE_VCPU && c->kind == FZ_VM)
			slot = fz_obj_free_vcpu(c->slot);
		if (slot >= 0)
			fz_obj_set(FZ_VCPU, slot, c->ret);
		else
			fz_obj_adopt(own && own->nr == KVM_CREATE_VM ? FZ_VM : FZ_OTHER, c->ret);
	}
	/* KVM_CREATE_DEVICE gives its file in the struct. */
	if (c->nr == KVM_CREATE_DEVICE && c->in_a && !c->bad_ptr) {
		struct kvm_create_device *cd = (void *)((u8 *)c->arg);

		if (!(cd->flags & KVM_CREATE_DEVICE_TEST) && !fz_fd_known(cd->fd) &&
		    fcntl(cd->fd, F_GETFD) >= 0) {
			if (c->kind == FZ_VM && fz_obj_fd(FZ_GIC, c->slot) < 0)
				fz_obj_set(FZ_GIC, c->slot, cd->fd);
			else
				fz_obj_adopt(FZ_GIC, cd->fd);
		}
	}
}

void fz_op_ioctl(struct fz_call *c)
{
	bool run;
	long bad;
	u64 t;

	make(c);
	run = c->nr == KVM_RUN;
	fz_area_a_reset();
	if (c->in_a)
		memcpy((u8 *)c->arg, c->buf, c->a_len);
	c->a_len = c->io && (c->io->flags & FZ_VAR) ? ~0UL : c->size;
	fz_record(c, false);
	if (run)
		fz_kick_me(true);
	errno = 0;
	t = fz_now_ms();
	c->ret = ioctl(c->fd, c->nr, c->arg);
	c->err = errno;
	t = fz_now_ms() - t;
	if (run)
		fz_kick_me(false);
	fz_say(c, " -> %ld%s%s", c->ret, c->ret < 0 ? " " : "", c->ret < 0 ? errname(c->err) : "");
	fz_record(c, true);
	if (c->io) {
		fz_sh->io_calls[(c->io - fz_ioctls) & 127]++;
		fz_sh->io_ok[(c->io - fz_ioctls) & 127] += c->ret >= 0;
		fz_sh->io_ms[(c->io - fz_ioctls) & 127] += t;
		if (t > fz_sh->io_max_ms[(c->io - fz_ioctls) & 127])
			fz_sh->io_max_ms[(c->io - fz_ioctls) & 127] = t;
		if (c->ret < 0)
			fz_sh->io_err[(c->io - fz_ioctls) & 127][c->err & 63]++;
	}
	if (c->ret >= 0) {
		fz_sh->nr_ok++;
		check_success(c);
	} else {
		fz_sh->nr_err[c->err & 127]++;
		if (c->err >= 512)
			fz_fail(c, "a kernel-internal errno reached user space");
		else if (c->err >= 128 || !(c->ok & E(c->err)))
			fz_fail(c, "errno %s is not one this call can give", errname(c->err));
	}
	if (c->in_a && c->a_len != ~0UL) {
		bad = fz_area_a_check(c->a_off, c->a_len);
		if (bad >= 0)
			fz_fail(c, "wrote area A at +%#lx, outside its %zu-byte argument at +%#zx",
				bad, c->a_len, c->a_off);
	}
}
