/* SPDX-License-Identifier: GPL-2.0 */
/* The host PPIs vhv takes over, as the firmware describes them (core/firmware.c). */
#ifndef VHV_CORE_FIRMWARE_H
#define VHV_CORE_FIRMWARE_H

#include <linux/types.h>

enum vhv_fw_ppi {
	VHV_FW_VGIC_MAINT,	/* the GIC's virtual CPU interface maintenance interrupt */
	VHV_FW_EL1_VTIMER,	/* the EL1 virtual timer (CNTV) */
	VHV_FW_EL1_PTIMER,	/* the non-secure EL1 physical timer (CNTP) */
	VHV_FW_NR_PPIS
};

/* What the lookup found, or why it found nothing. */
struct vhv_fw_irq {
	int irq;		/* Linux IRQ number, > 0 when found */
	u32 intid;		/* the GIC INTID behind it */
	const char *from;	/* "the device tree", "the ACPI MADT", "the ACPI GTDT" */
	char why[128];		/* when not found: the firmware's lack or contradiction */
};

/*
 * Finds one PPI in the firmware the host booted with: ACPI when the kernel
 * uses it (acpi_disabled false), else the device tree. Returns 0 with
 * out->irq set, or a negative errno with out->why saying what is missing
 * or inconsistent; prints nothing (the caller says what follows).
 */
int vhv_fw_find_ppi(enum vhv_fw_ppi ppi, struct vhv_fw_irq *out);

#endif /* VHV_CORE_FIRMWARE_H */
