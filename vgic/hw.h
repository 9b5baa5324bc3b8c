/* SPDX-License-Identifier: GPL-2.0 */
/* The virtual CPU interface registers by index (vgic/hw.c). */
#ifndef VHV_VGIC_HW_H
#define VHV_VGIC_HW_H

#include <linux/bits.h>
#include <linux/types.h>

/*
 * ICH_LR<n>_EL2 (Arm GIC architecture, ICH_LR<n>_EL2): State [63:62],
 * HW [61], Group [60], Priority [55:48], EOI [41] (with HW = 0: a
 * maintenance interrupt when the guest deactivates it), vINTID [31:0].
 */
#define LR_STATE_PENDING	(1ULL << 62)
#define LR_STATE_ACTIVE		(1ULL << 63)
#define LR_GROUP1		(1ULL << 60)
#define LR_PRIORITY_SHIFT	48
#define LR_EOI			(1ULL << 41)
#define LR_VINTID_MASK		0xffffffffULL

/* ICH_HCR_EL2: En [0], UIE [1] (maintenance when at most one LR is valid). */
#define VGIC_HCR_EN		(1ULL << 0)
#define VGIC_HCR_UIE		(1ULL << 1)

/*
 * ICH_VMCR_EL2: VENG0 [0], VENG1 [1], VCBPR [4], VEOIM [9], VBPR1
 * [20:18], VBPR0 [23:21], VPMR [31:24]: the guest's ICC_* state that the
 * hardware keeps while it runs.
 */
#define VMCR_ENG0		BIT(0)
#define VMCR_ENG1		BIT(1)
#define VMCR_CBPR		BIT(4)
#define VMCR_EOIM		BIT(9)
#define VMCR_BPR1		GENMASK(20, 18)
#define VMCR_BPR0		GENMASK(23, 21)
#define VMCR_PMR		GENMASK(31, 24)

/*
 * ICH_VTR_EL2: ListRegs [4:0], A3V [21], SEIS [22], IDbits [25:23],
 * PREbits [28:26], PRIbits [31:29].
 */
#define VTR_A3V			BIT(21)
#define VTR_SEIS		BIT(22)
#define VTR_IDBITS		GENMASK(25, 23)
#define VTR_PRIBITS		GENMASK(31, 29)

u64 vhv_vgic_read_lr(unsigned int n);
void vhv_vgic_write_lr(unsigned int n, u64 val);
void vhv_vgic_save_aprs(u32 *ap0r, u32 *ap1r);
void vhv_vgic_load_aprs(const u32 *ap0r, const u32 *ap1r);

#endif /* VHV_VGIC_HW_H */
