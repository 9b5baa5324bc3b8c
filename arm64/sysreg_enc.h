/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System register encodings vhv uses, as (op0, op1, CRn, CRm, op2) from
 * the Arm ARM (D23/D24, "AArch64 System Register Descriptions"). Defined
 * here once because the kernel's names differ between 6.1 and 6.12 and
 * some EL12/EL02 aliases are missing from one or the other.
 */
#ifndef VHV_ARM64_SYSREG_ENC_H
#define VHV_ARM64_SYSREG_ENC_H

#include <asm/sysreg.h>

/* EL1 registers as reached from EL2 with HCR_EL2.E2H = 1: the *_EL12 and
 * *_EL02 aliases name the EL1 register itself, whereas the *_EL1 names
 * are redirected to their EL2 counterparts.
 */
#define VHV_SCTLR_EL12		sys_reg(3, 5, 1, 0, 0)
#define VHV_CPACR_EL12		sys_reg(3, 5, 1, 0, 2)
#define VHV_TTBR0_EL12		sys_reg(3, 5, 2, 0, 0)
#define VHV_TTBR1_EL12		sys_reg(3, 5, 2, 0, 1)
#define VHV_TCR_EL12		sys_reg(3, 5, 2, 0, 2)
#define VHV_SPSR_EL12		sys_reg(3, 5, 4, 0, 0)
#define VHV_ELR_EL12		sys_reg(3, 5, 4, 0, 1)
#define VHV_AFSR0_EL12		sys_reg(3, 5, 5, 1, 0)
#define VHV_AFSR1_EL12		sys_reg(3, 5, 5, 1, 1)
#define VHV_ESR_EL12		sys_reg(3, 5, 5, 2, 0)
#define VHV_FAR_EL12		sys_reg(3, 5, 6, 0, 0)
#define VHV_MAIR_EL12		sys_reg(3, 5, 10, 2, 0)
#define VHV_AMAIR_EL12		sys_reg(3, 5, 10, 3, 0)
#define VHV_VBAR_EL12		sys_reg(3, 5, 12, 0, 0)
#define VHV_CONTEXTIDR_EL12	sys_reg(3, 5, 13, 0, 1)
#define VHV_CNTKCTL_EL12	sys_reg(3, 5, 14, 1, 0)
#define VHV_CNTP_CTL_EL02	sys_reg(3, 5, 14, 2, 1)
#define VHV_CNTP_CVAL_EL02	sys_reg(3, 5, 14, 2, 2)
#define VHV_CNTV_CTL_EL02	sys_reg(3, 5, 14, 3, 1)
#define VHV_CNTV_CVAL_EL02	sys_reg(3, 5, 14, 3, 2)

/* EL0/EL1 registers the host uses and the guest could reach. */
#define VHV_MDSCR_EL1		sys_reg(2, 0, 0, 2, 2)
#define VHV_TPIDR2_EL0		sys_reg(3, 3, 13, 0, 5)
#define VHV_MPAMIDR_EL1		sys_reg(3, 0, 10, 4, 4)
/* RAS: an SError deferred by ESB at EL2 (DISR_EL1.A [31] set). */
#define VHV_DISR_EL1		sys_reg(3, 0, 12, 1, 1)
#define VHV_DISR_A		(1ULL << 31)

/* EL2 registers. */
#define VHV_VPIDR_EL2		sys_reg(3, 4, 0, 0, 0)
#define VHV_VMPIDR_EL2		sys_reg(3, 4, 0, 0, 5)
#define VHV_MDCR_EL2		sys_reg(3, 4, 1, 1, 1)
#define VHV_HFGRTR_EL2		sys_reg(3, 4, 1, 1, 4)
#define VHV_HFGWTR_EL2		sys_reg(3, 4, 1, 1, 5)
#define VHV_HFGITR_EL2		sys_reg(3, 4, 1, 1, 6)
#define VHV_HCRX_EL2		sys_reg(3, 4, 1, 2, 2)
#define VHV_VTTBR_EL2		sys_reg(3, 4, 2, 1, 0)
#define VHV_VTCR_EL2		sys_reg(3, 4, 2, 1, 2)
#define VHV_HDFGRTR2_EL2	sys_reg(3, 4, 3, 1, 0)
#define VHV_HDFGWTR2_EL2	sys_reg(3, 4, 3, 1, 1)
#define VHV_HFGRTR2_EL2		sys_reg(3, 4, 3, 1, 2)
#define VHV_HFGWTR2_EL2		sys_reg(3, 4, 3, 1, 3)
#define VHV_HDFGRTR_EL2		sys_reg(3, 4, 3, 1, 4)
#define VHV_HDFGWTR_EL2		sys_reg(3, 4, 3, 1, 5)
#define VHV_HAFGRTR_EL2		sys_reg(3, 4, 3, 1, 6)
#define VHV_HFGITR2_EL2		sys_reg(3, 4, 3, 1, 7)
#define VHV_VSESR_EL2		sys_reg(3, 4, 5, 2, 3)
#define VHV_VDISR_EL2		sys_reg(3, 4, 12, 1, 1)
#define VHV_HPFAR_EL2		sys_reg(3, 4, 6, 0, 4)
#define VHV_MPAMHCR_EL2		sys_reg(3, 4, 10, 4, 0)
#define VHV_MPAM2_EL2		sys_reg(3, 4, 10, 5, 0)
#define VHV_ICH_AP0R_EL2(n)	sys_reg(3, 4, 12, 8, (n))
#define VHV_ICH_AP1R_EL2(n)	sys_reg(3, 4, 12, 9, (n))
#define VHV_ICH_HCR_EL2		sys_reg(3, 4, 12, 11, 0)
#define VHV_ICH_VTR_EL2		sys_reg(3, 4, 12, 11, 1)
#define VHV_ICH_MISR_EL2	sys_reg(3, 4, 12, 11, 2)
#define VHV_ICH_VMCR_EL2	sys_reg(3, 4, 12, 11, 7)
#define VHV_ICH_LR_EL2(n)	sys_reg(3, 4, 12, 12 + ((n) >> 3), (n) & 7)

/* The GIC's SGI generation registers, trapped under HCR_EL2.IMO/FMO. */
#define VHV_ICC_SGI1R_EL1	sys_reg(3, 0, 12, 11, 5)
#define VHV_ICC_ASGI1R_EL1	sys_reg(3, 0, 12, 11, 6)
#define VHV_ICC_SGI0R_EL1	sys_reg(3, 0, 12, 11, 7)
#define VHV_CNTVOFF_EL2		sys_reg(3, 4, 14, 0, 3)

#endif /* VHV_ARM64_SYSREG_ENC_H */
