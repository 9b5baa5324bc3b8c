// SPDX-License-Identifier: GPL-2.0
/*
 * Which PPIs of the host vhv takes over, as the firmware describes them:
 * the GIC maintenance interrupt and the EL1 virtual and non-secure EL1
 * physical timer interrupts. The kernel keeps what its GIC and timer
 * drivers found in accessors it does not export (gic_get_kvm_info(),
 * arch_timer_get_kvm_info()), so vhv reads the same descriptions they
 * read at boot:
 *
 * - a device tree: the first "interrupts" entry of the arm,gic-v3 node
 *   (maintenance); the third and the second of the arm,armv8-timer node
 *   (virtual, non-secure physical: the binding's order is secure
 *   physical, non-secure physical, virtual, hypervisor physical);
 * - ACPI, as servers boot: the "VGIC Maintenance interrupt" GSIV of the
 *   MADT's GICC structures, which must be the same on every CPU, level or
 *   edge by the GICC flag "VGIC Maintenance interrupt Mode Flags", active
 *   high (ACPI 6.x, MADT, "GIC CPU Interface (GICC) Structure"); and the
 *   GTDT's "Virtual EL1 Timer GSIV" and "Non-Secure EL1 Timer GSIV" with
 *   their flags, bit 0 edge, bit 1 active low (ACPI 6.x, "Generic Timer
 *   Description Table").
 *
 * The kernel uses one of the two, never both (arm64 unflattens the device
 * tree only when ACPI is off), and so does vhv: acpi_disabled decides.
 *
 * acpi_register_gsi() turns a GSIV into a Linux IRQ; for a PPI the GIC and
 * timer drivers already mapped, with the same trigger, it returns their
 * mapping. vhv never calls acpi_unregister_gsi(): that would dispose of a
 * mapping those drivers still use (nor does it dispose of what
 * irq_of_parse_and_map() gives, for the same reason). A GSIV that is not
 * a PPI is refused before it is mapped, so vhv never creates a mapping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/acpi.h>
#include <linux/cpumask.h>
#include <linux/irq.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <linux/stddef.h>

#include "core/firmware.h"

#define why(out, ...)	snprintf((out)->why, sizeof((out)->why), __VA_ARGS__)

/* Each PPI's node and index in its "interrupts" property. */
static const struct {
	const char *compatible;
	int index;
} dt_ppis[VHV_FW_NR_PPIS] = {
	[VHV_FW_VGIC_MAINT] = { "arm,gic-v3", 0 },
	[VHV_FW_EL1_VTIMER] = { "arm,armv8-timer", 2 },
	[VHV_FW_EL1_PTIMER] = { "arm,armv8-timer", 1 },
};

static int dt_find_ppi(enum vhv_fw_ppi ppi, struct vhv_fw_irq *out)
{
	const char *compatible = dt_ppis[ppi].compatible;
	struct device_node *np;
	struct irq_data *d;
	int irq;

	out->from = "the device tree";
	if (!of_have_populated_dt()) {
		why(out, "the host booted with neither ACPI nor a device tree");
		return -ENODEV;
	}
	np = of_find_compatible_node(NULL, NULL, compatible);
	if (!np) {
		why(out, "no %s node in the device tree", compatible);
		return -ENOENT;
	}
	irq = irq_of_parse_and_map(np, dt_ppis[ppi].index);
	of_node_put(np);
	if (!irq) {
		why(out, "interrupt %d of the device tree's %s node cannot be mapped",
		    dt_ppis[ppi].index, compatible);
		return -ENOENT;
	}
	/* In the GICv3 driver's own domain the hardware IRQ number is the INTID. */
	d = irq_get_irq_data(irq);
	out->intid = d ? irqd_to_hwirq(d) : 0;
	out->irq = irq;
	return 0;
}

#ifdef CONFIG_ACPI
/* GICv3: PPIs are INTIDs 16-31, and 1056-1119 with GICv3.1's extended PPIs. */
static bool intid_is_ppi(u32 intid)
{
	return (intid >= 16 && intid < 32) || (intid >= 1056 && intid < 1120);
}

static int acpi_map_ppi(u32 gsi, int trigger, int polarity, struct vhv_fw_irq *out)
{
	int irq;

	if (!intid_is_ppi(gsi)) {
		why(out, "GSIV %u of %s is not a PPI", gsi, out->from);
		return -EINVAL;
	}
	irq = acpi_register_gsi(NULL, gsi, trigger, polarity);
	if (irq <= 0) {
		why(out, "GSIV %u of %s cannot be mapped (%d; a trigger other than the kernel's mapping?)",
		    gsi, out->from, irq);
		return irq < 0 ? irq : -EINVAL;
	}
	out->intid = gsi;
	out->irq = irq;
	return 0;
}

/*
 * The MADT as the kernel kept it per CPU (only enabled GICCs become CPUs):
 * one maintenance GSIV and mode for all, as a vCPU may run on any of them.
 */
static int acpi_find_maint(struct vhv_fw_irq *out)
{
	struct acpi_madt_generic_interrupt *gicc;
	u32 gsi = 0, mode = 0;
	int cpu, first = -1;

	out->from = "the ACPI MADT";
	for_each_possible_cpu(cpu) {
		gicc = acpi_cpu_get_madt_gicc(cpu);
		if (!gicc || gicc->header.type != ACPI_MADT_TYPE_GENERIC_INTERRUPT)
			continue;
		if (first < 0) {
			first = cpu;
			gsi = gicc->vgic_interrupt;
			mode = gicc->flags & ACPI_MADT_VGIC_IRQ_MODE;
		} else if (gicc->vgic_interrupt != gsi ||
			   (gicc->flags & ACPI_MADT_VGIC_IRQ_MODE) != mode) {
			why(out, "the MADT's GICC entries disagree on the VGIC maintenance interrupt (GSIV %u%s on CPU %d, %u%s on CPU %d)",
			    gsi, mode ? " edge" : "", first, gicc->vgic_interrupt,
			    gicc->flags & ACPI_MADT_VGIC_IRQ_MODE ? " edge" : "", cpu);
			return -EINVAL;
		}
	}
	if (!gsi) {
		why(out, "the MADT's GICC entries give no VGIC maintenance interrupt");
		return -ENOENT;
	}
	return acpi_map_ppi(gsi, mode ? ACPI_EDGE_SENSITIVE : ACPI_LEVEL_SENSITIVE,
			    ACPI_ACTIVE_HIGH, out);
}

static int acpi_find_timer(enum vhv_fw_ppi ppi, struct vhv_fw_irq *out)
{
	struct acpi_table_header *hdr;
	struct acpi_table_gtdt *gtdt;
	u32 gsi, flags;

	out->from = "the ACPI GTDT";
	if (ACPI_FAILURE(acpi_get_table(ACPI_SIG_GTDT, 0, &hdr))) {
		why(out, "no GTDT in the ACPI tables");
		return -ENOENT;
	}
	if (hdr->length < offsetofend(struct acpi_table_gtdt, virtual_timer_flags)) {
		why(out, "the ACPI GTDT is too short (%u bytes) for its EL1 timers", hdr->length);
		acpi_put_table(hdr);
		return -EINVAL;
	}
	gtdt = container_of(hdr, struct acpi_table_gtdt, header);
	if (ppi == VHV_FW_EL1_VTIMER) {
		gsi = gtdt->virtual_timer_interrupt;
		flags = gtdt->virtual_timer_flags;
	} else {
		gsi = gtdt->non_secure_el1_interrupt;
		flags = gtdt->non_secure_el1_flags;
	}
	acpi_put_table(hdr);
	return acpi_map_ppi(gsi,
			    flags & ACPI_GTDT_INTERRUPT_MODE ? ACPI_EDGE_SENSITIVE :
							       ACPI_LEVEL_SENSITIVE,
			    flags & ACPI_GTDT_INTERRUPT_POLARITY ? ACPI_ACTIVE_LOW :
								   ACPI_ACTIVE_HIGH,
			    out);
}
#endif /* CONFIG_ACPI */

int vhv_fw_find_ppi(enum vhv_fw_ppi ppi, struct vhv_fw_irq *out)
{
	*out = (struct vhv_fw_irq){ };
	if (ppi >= VHV_FW_NR_PPIS)
		return -EINVAL;
#ifdef CONFIG_ACPI
	if (!acpi_disabled) {
		if (ppi == VHV_FW_VGIC_MAINT)
			return acpi_find_maint(out);
		return acpi_find_timer(ppi, out);
	}
#endif
	return dt_find_ppi(ppi, out);
}
