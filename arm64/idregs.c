// SPDX-License-Identifier: GPL-2.0
/*
 * Guest ID register values. Each register keeps only the fields listed
 * for it (features that need nothing from the hypervisor, or that vhv
 * handles), takes fixed values for a few, and reads as zero otherwise:
 * SVE, SME, MTE, pointer authentication, the PMU, SPE, trace, RAS, MPAM,
 * AMU, nested virtualization, FGT, ECV, LOR, MOPS, WFxT, LS64, AArch32 at
 * every EL (D23.2, "General system control registers", ID register field
 * descriptions). ID_AA64PFR0_EL1.GIC follows the VM's vGIC (below).
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/cpufeature.h>
#include <asm/sysreg.h>

#include "arm64/idregs.h"
#include "arm64/spectre.h"
#include "core/vm.h"
#include "vgic/vgic.h"

/* ID_AA64PFR0_EL1.GIC [27:24]: 1, the GICv3 system register interface. */
#define PFR0_GIC_SHIFT		24

/* A 4-bit ID field at bit position pos. */
#define FIELD4(pos)		(0xfULL << (pos))
#define VAL4(pos, v)		((u64)(v) << (pos))

struct idreg_rule {
	u32 enc;
	u64 keep;	/* host fields passed through */
	u64 fixed;	/* fields with vhv's own value */
};

static const struct idreg_rule rules[] = {
	/* ID_AA64PFR0_EL1: EL0 and EL1 AArch64 only [3:0],[7:4]; FP [19:16],
	 * AdvSIMD [23:20], DIT [51:48], CSV3 [63:60] kept; CSV2 [59:56]
	 * below; EL2, EL3, GIC, RAS, SVE, SEL2, MPAM, AMU, RME hidden.
	 */
	{ SYS_ID_AA64PFR0_EL1,
	  FIELD4(16) | FIELD4(20) | FIELD4(48) | FIELD4(60),
	  VAL4(0, 1) | VAL4(4, 1) },
	/* ID_AA64PFR1_EL1: BT [3:0], SSBS [7:4]; CSV2_frac [35:32] below. */
	{ SYS_ID_AA64PFR1_EL1, FIELD4(0) | FIELD4(4), 0 },
	/* ID_AA64DFR0_EL1: the architectural minimum of debug: v8.0
	 * (DebugVer 6), 2 breakpoints (BRPs 1), 2 watchpoints (WRPs 1).
	 */
	{ SYS_ID_AA64DFR0_EL1, 0, VAL4(0, 6) | VAL4(12, 1) | VAL4(20, 1) },
	/* ID_AA64ISAR0_EL1: every instruction set feature but TME [27:24]. */
	{ SYS_ID_AA64ISAR0_EL1, ~FIELD4(24), 0 },
	/* ID_AA64ISAR1_EL1: all but APA [7:4], API [11:8], GPA [27:24],
	 * GPI [31:28] (pointer authentication) and LS64 [63:60].
	 */
	{ SYS_ID_AA64ISAR1_EL1, ~(FIELD4(4) | FIELD4(8) | FIELD4(24) | FIELD4(28) | FIELD4(60)), 0 },
	/* ID_AA64ISAR2_EL1: RPRES [7:4], BC [23:20], CLRBHB [31:28],
	 * RPRFM [51:48], CSSC [55:52].
	 */
	{ SYS_ID_AA64ISAR2_EL1, FIELD4(4) | FIELD4(20) | FIELD4(28) | FIELD4(48) | FIELD4(52), 0 },
	/* ID_AA64MMFR0_EL1: all but PARange [3:0] (the VM's own, below),
	 * FGT [59:56] and ECV [63:60].
	 */
	{ SYS_ID_AA64MMFR0_EL1, ~(FIELD4(0) | FIELD4(56) | FIELD4(60)), 0 },
	/* ID_AA64MMFR1_EL1: HAFDBS [3:0], VMIDBits [7:4], HPDS [15:12],
	 * PAN [23:20], SpecSEI [27:24], XNX [31:28], ETS [39:36], AFP
	 * [47:44], nTLBPA [51:48], CMOW [59:56], ECBHB [63:60]; VH, LO,
	 * TWED, HCX, TIDCP1 hidden.
	 */
	{ SYS_ID_AA64MMFR1_EL1,
	  FIELD4(0) | FIELD4(4) | FIELD4(12) | FIELD4(20) | FIELD4(24) | FIELD4(28) |
	  FIELD4(36) | FIELD4(44) | FIELD4(48) | FIELD4(56) | FIELD4(60), 0 },
	/* ID_AA64MMFR2_EL1: all but CCIDX [23:20] (CCSIDR_EL1 keeps its
	 * 32-bit format, arm64/cacheid.c), NV [27:24], FWB [43:40], EVT [59:56].
	 */
	{ SYS_ID_AA64MMFR2_EL1, ~(FIELD4(20) | FIELD4(24) | FIELD4(40) | FIELD4(56)), 0 },
};

int vhv_idreg_index(u32 enc)
{
	if (sys_reg_Op0(enc) != 3 || sys_reg_Op1(enc) != 0 || sys_reg_CRn(enc) != 0 ||
	    sys_reg_CRm(enc) < 1 || sys_reg_CRm(enc) > 7)
		return -1;
	return (sys_reg_CRm(enc) - 1) * 8 + sys_reg_Op2(enc);
}

/* ID_AA64MMFR0_EL1.PARange: the largest size the VM's IPA space holds. */
static u64 parange_of(unsigned int ipa_bits)
{
	static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48 };
	u64 i = 0;

	while (i + 1 < ARRAY_SIZE(bits) && bits[i + 1] <= ipa_bits)
		i++;
	return i;
}

/*
 * CSV2 as KVM 6.12 shows it: 1 if no CPU of the host is exposed to
 * Spectre-v2 (arm64/spectre.c), else 0. Never 2 or 3 (FEAT_CSV2_2,
 * FEAT_CSV2_3), which promise SCXTNUM_EL0/EL1: the guest's accesses to
 * those trap (HCR_EL2.EnSCXT clear) and are UNDEF. For the same reason
 * CSV2_frac is at most 1 (FEAT_CSV2_1p1, "SCXTNUM_ELx not implemented";
 * 2 would promise them), and only along with CSV2 = 1.
 */
static void set_csv2(struct vhv_idregs *id)
{
	u64 frac = cpuid_feature_extract_unsigned_field(read_sanitised_ftr_reg(SYS_ID_AA64PFR1_EL1),
							32);

	if (vhv_spectre_state(VHV_SPECTRE_V2) != VHV_SPECTRE_UNAFFECTED)
		return;
	id->val[vhv_idreg_index(SYS_ID_AA64PFR0_EL1)] |= VAL4(56, 1);
	id->val[vhv_idreg_index(SYS_ID_AA64PFR1_EL1)] |= VAL4(32, min_t(u64, frac, 1));
}

void vhv_idregs_init(struct vhv_idregs *id, unsigned int ipa_bits)
{
	unsigned int i;

	memset(id, 0, sizeof(*id));
	for (i = 0; i < ARRAY_SIZE(rules); i++) {
		const struct idreg_rule *r = &rules[i];

		id->val[vhv_idreg_index(r->enc)] =
			(read_sanitised_ftr_reg(r->enc) & r->keep) | r->fixed;
	}
	id->val[vhv_idreg_index(SYS_ID_AA64MMFR0_EL1)] |= parange_of(ipa_bits);
	set_csv2(id);
	/*
	 * GIC = 1 while the VM may still get a vGICv3, as KVM 6.12 starts it
	 * on a host with one; the first KVM_RUN clears it for a VM without
	 * one (vhv_idregs_first_run()). A guest then sees 1 exactly when
	 * its ICC_* registers work, and Linux probes the GIC by it.
	 */
	if (vhv_vgic_available())
		id->val[vhv_idreg_index(SYS_ID_AA64PFR0_EL1)] |= VAL4(PFR0_GIC_SHIFT, 1);
}

/*
 * Under vm->lock, before the VM is marked as having run: no vGIC may be
 * created from then on (KVM_CREATE_DEVICE is EBUSY, as in KVM), so a VM
 * without one has no GIC for its life. KVM does the same at each vCPU's
 * first run (kvm_finalize_sys_regs()), after the VMM's own writes.
 */
void vhv_idregs_first_run(struct vhv_vm *vm)
{
	lockdep_assert_held(&vm->lock);
	if (!vm->vgic)
		vm->idregs.val[vhv_idreg_index(SYS_ID_AA64PFR0_EL1)] &= ~FIELD4(PFR0_GIC_SHIFT);
}

/*
 * A VMM's write of an ID register with another value than it reads: the
 * VMM may lower ID_AA64PFR0_EL1.GIC (or raise it back to what the host
 * offers) before the VM runs, as KVM 6.12 lets it; nothing else. EINVAL
 * for another field or value, EBUSY once the VM has run (KVM's errnos).
 */
int vhv_idreg_set(struct vhv_vm *vm, u32 enc, u64 val)
{
	u64 *cur = &vm->idregs.val[vhv_idreg_index(enc)];
	u64 gic = FIELD4(PFR0_GIC_SHIFT);
	int ret = -EINVAL;

	mutex_lock(&vm->lock);
	if (val == *cur) {
		ret = 0;
	} else if (test_bit(VHV_VM_RAN, &vm->flags)) {
		ret = -EBUSY;
	} else if (enc == SYS_ID_AA64PFR0_EL1 && !((val ^ *cur) & ~gic) &&
		   (val & gic) <= (vhv_vgic_available() ? VAL4(PFR0_GIC_SHIFT, 1) : 0)) {
		/* Read without the lock by the guest's trapped reads: one store. */
		WRITE_ONCE(*cur, val);
		ret = 0;
	}
	mutex_unlock(&vm->lock);
	return ret;
}
