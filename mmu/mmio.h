/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data aborts outside guest RAM become MMIO exits. The ESR_EL2 syndrome
 * is decoded once into struct vhv_dabt (Arm ARM D24.2.40, ESR_EL2, ISS
 * encoding for an exception from a Data Abort), and the load's result
 * is computed from the VMM's bytes when the vCPU runs again.
 *
 * The decode and value functions are pure: they build in the kernel and
 * in the host-side unit test (selftests/unit/mmio_decode_test.c), which
 * covers what the emulator does not produce (QEMU reports SSE = 0 even
 * for LDRSB/LDRSH/LDRSW).
 */
#ifndef VHV_MMU_MMIO_H
#define VHV_MMU_MMIO_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

struct vhv_dabt {
	bool isv;		/* the fields below ISV are valid */
	bool is_write;		/* WnR */
	unsigned int len;	/* bytes: 1 << SAS */
	bool sign_extend;	/* SSE */
	bool reg64;		/* SF: Rt is an X register */
	unsigned int rt;	/* SRT; 31 is XZR */
	bool s1ptw;		/* on a stage-1 table walk */
	bool cache_op;		/* CM: cache maintenance or AT */
	bool ext_abort;		/* EA */
	unsigned int fsc;	/* DFSC/IFSC */
	u64 ipa;		/* HPFAR_EL2.FIPA page with FAR_EL2's offset */
};

void vhv_dabt_decode(u64 esr, u64 far, u64 hpfar, struct vhv_dabt *d);

/* The len bytes an MMIO store of Rt's value puts in kvm_run.mmio.data. */
void vhv_mmio_store_data(const struct vhv_dabt *d, u64 rt_val, bool big_endian, u8 data[8]);
/* The value an MMIO load of kvm_run.mmio.data's len bytes puts in Rt. */
u64 vhv_mmio_load_value(const struct vhv_dabt *d, const u8 data[8], bool big_endian);

/* A load waiting for the VMM's data: completed by the next KVM_RUN. */
struct vhv_mmio_pending {
	bool pending;
	struct vhv_dabt dabt;
};

#endif /* VHV_MMU_MMIO_H */
