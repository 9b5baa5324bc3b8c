// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the guest's device tree, written with libfdt's sequential-write
 * API (Documentation/devicetree/bindings: arm/cpus.yaml, arm/psci.yaml,
 * interrupt-controller/arm,gic-v3.yaml, timer/arm,arch_timer.yaml,
 * serial/arm,pl011.yaml, virtio/mmio.yaml).
 *
 * The root has #address-cells = #size-cells = 2; interrupts have three
 * cells as the GICv3 binding says: type (0 SPI, 1 PPI), number (SPIs
 * from 32, PPIs from 16), flags (1 edge rising, 4 level high).
 */
#include <libfdt.h>
#include <stdio.h>

#include "vmm.h"

#define PHANDLE_GIC	1
#define PHANDLE_CLK	2
#define PHANDLE_ITS	3

#define IRQ_SPI		0
#define IRQ_PPI		1
#define IRQ_EDGE	1
#define IRQ_LEVEL	4

/* Architected PPIs of the generic timer, as PPI numbers (INTID - 16). */
#define PPI_SEC_PHYS	13
#define PPI_PHYS	14
#define PPI_VIRT	11
#define PPI_HYP		10

static void check(int err, const char *what)
{
	if (err)
		die("device tree: %s: %s", what, fdt_strerror(err));
}

static void prop_cells(void *fdt, const char *name, const u32 *cells, unsigned int n)
{
	fdt32_t be[16];
	unsigned int i;

	for (i = 0; i < n && i < ARRAY_SIZE(be); i++)
		be[i] = cpu_to_fdt32(cells[i]);
	check(fdt_property(fdt, name, be, n * sizeof(be[0])), name);
}

/* A reg of 2 address and 2 size cells per range. */
static void prop_reg(void *fdt, const u64 *ranges, unsigned int n)
{
	u32 cells[8];
	unsigned int i;

	for (i = 0; i < 2 * n && i < ARRAY_SIZE(cells) / 2; i++) {
		cells[2 * i] = ranges[i] >> 32;
		cells[2 * i + 1] = (u32)ranges[i];
	}
	prop_cells(fdt, "reg", cells, 4 * n);
}

static void begin(void *fdt, const char *name)
{
	check(fdt_begin_node(fdt, name), name);
}

static void end(void *fdt)
{
	check(fdt_end_node(fdt), "end of node");
}

static void str(void *fdt, const char *name, const char *val)
{
	check(fdt_property_string(fdt, name, val), name);
}

/* A string list: the strings with their NULs, as one property. */
static void strs(void *fdt, const char *name, const char *val, size_t len)
{
	check(fdt_property(fdt, name, val, len), name);
}

static void u32p(void *fdt, const char *name, u32 val)
{
	check(fdt_property_u32(fdt, name, val), name);
}

static void empty(void *fdt, const char *name)
{
	check(fdt_property(fdt, name, NULL, 0), name);
}

static void node_cpus(void *fdt, struct vm *vm)
{
	char name[32];
	unsigned int i;

	begin(fdt, "cpus");
	u32p(fdt, "#address-cells", 1);
	u32p(fdt, "#size-cells", 0);
	for (i = 0; i < vm->cfg->cpus; i++) {
		/* reg is MPIDR_EL1's Aff2..Aff0 (arm/cpus.yaml). */
		u32 reg = vm->vcpus[i].mpidr & 0xffffff;

		snprintf(name, sizeof(name), "cpu@%x", reg);
		begin(fdt, name);
		str(fdt, "device_type", "cpu");
		str(fdt, "compatible", "arm,arm-v8");
		str(fdt, "enable-method", "psci");
		u32p(fdt, "reg", reg);
		end(fdt);
	}
	end(fdt);
}

static void node_gic(void *fdt, struct vm *vm)
{
	u64 reg[] = { GICD_BASE, GICD_SIZE, GICR_BASE, GICR_SIZE_PER_CPU * vm->cfg->cpus };
	u64 its[] = { GITS_BASE, GITS_SIZE };
	char name[40];

	snprintf(name, sizeof(name), "interrupt-controller@%llx", GICD_BASE);
	begin(fdt, name);
	str(fdt, "compatible", "arm,gic-v3");
	u32p(fdt, "#interrupt-cells", 3);
	empty(fdt, "interrupt-controller");
	u32p(fdt, "#address-cells", 2);
	u32p(fdt, "#size-cells", 2);
	empty(fdt, "ranges");
	prop_reg(fdt, reg, 2);
	u32p(fdt, "phandle", PHANDLE_GIC);
	if (vm->its_fd >= 0) {
		snprintf(name, sizeof(name), "msi-controller@%llx", GITS_BASE);
		begin(fdt, name);
		str(fdt, "compatible", "arm,gic-v3-its");
		empty(fdt, "msi-controller");
		u32p(fdt, "#msi-cells", 1);
		prop_reg(fdt, its, 1);
		u32p(fdt, "phandle", PHANDLE_ITS);
		end(fdt);
	}
	end(fdt);
}

static void node_timer_psci(void *fdt)
{
	static const char psci[] = "arm,psci-1.0\0arm,psci-0.2";
	const u32 irqs[] = {
		IRQ_PPI, PPI_SEC_PHYS, IRQ_LEVEL, IRQ_PPI, PPI_PHYS, IRQ_LEVEL,
		IRQ_PPI, PPI_VIRT, IRQ_LEVEL, IRQ_PPI, PPI_HYP, IRQ_LEVEL,
	};

	begin(fdt, "timer");
	str(fdt, "compatible", "arm,armv8-timer");
	prop_cells(fdt, "interrupts", irqs, ARRAY_SIZE(irqs));
	end(fdt);

	begin(fdt, "psci");
	strs(fdt, "compatible", psci, sizeof(psci));
	str(fdt, "method", "hvc");
	end(fdt);
}

/* The PL011 is an AMBA primecell: the bus wants its apb_pclk clock. */
static void node_uart(void *fdt)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clk_names[] = "uartclk\0apb_pclk";
	const u32 irq[] = { IRQ_SPI, UART_SPI, IRQ_LEVEL };
	const u32 clks[] = { PHANDLE_CLK, PHANDLE_CLK };
	u64 reg[] = { UART_BASE, UART_SIZE };

	begin(fdt, "apb-pclk");
	str(fdt, "compatible", "fixed-clock");
	u32p(fdt, "#clock-cells", 0);
	u32p(fdt, "clock-frequency", 24000000);
	str(fdt, "clock-output-names", "clk24mhz");
	u32p(fdt, "phandle", PHANDLE_CLK);
	end(fdt);

	begin(fdt, "pl011@9000000");
	strs(fdt, "compatible", compat, sizeof(compat));
	prop_reg(fdt, reg, 1);
	prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq));
	prop_cells(fdt, "clocks", clks, ARRAY_SIZE(clks));
	strs(fdt, "clock-names", clk_names, sizeof(clk_names));
	end(fdt);
}

/* Virtio interrupts come through irqfds, which give edges. */
static void node_virtio(void *fdt, unsigned int slot)
{
	u64 reg[] = { VIRTIO_BASE + slot * VIRTIO_SLOT_SIZE, VIRTIO_SLOT_SIZE };
	const u32 irq[] = { IRQ_SPI, VIRTIO_SPI_BASE + slot, IRQ_EDGE };
	char name[32];

	snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)reg[0]);
	begin(fdt, name);
	str(fdt, "compatible", "virtio,mmio");
	prop_reg(fdt, reg, 1);
	prop_cells(fdt, "interrupts", irq, ARRAY_SIZE(irq));
	empty(fdt, "dma-coherent");
	end(fdt);
}

static void node_chosen_memory(void *fdt, struct vm *vm, const struct boot_info *bi)
{
	u64 mem[] = { RAM_BASE, vm->ram_size };

	begin(fdt, "chosen");
	str(fdt, "bootargs", vm->cfg->cmdline);
	str(fdt, "stdout-path", "/pl011@9000000");
	if (bi->initrd_end) {
		check(fdt_property_u64(fdt, "linux,initrd-start", bi->initrd_start), "initrd");
		check(fdt_property_u64(fdt, "linux,initrd-end", bi->initrd_end), "initrd");
	}
	end(fdt);

	begin(fdt, "memory@40000000");
	str(fdt, "device_type", "memory");
	prop_reg(fdt, mem, 1);
	end(fdt);
}

void fdt_build(struct vm *vm, const struct boot_info *bi, void *buf, u32 size)
{
	unsigned int i;

	check(fdt_create(buf, size), "create");
	check(fdt_finish_reservemap(buf), "reserve map");
	begin(buf, "");
	str(buf, "compatible", "linux,dummy-virt");
	str(buf, "model", "vhv-run");
	u32p(buf, "#address-cells", 2);
	u32p(buf, "#size-cells", 2);
	u32p(buf, "interrupt-parent", PHANDLE_GIC);
	node_chosen_memory(buf, vm, bi);
	node_cpus(buf, vm);
	node_gic(buf, vm);
	node_timer_psci(buf);
	node_uart(buf);
	for (i = 0; i < vm->nr_virtio; i++)
		node_virtio(buf, i);
	end(buf);
	check(fdt_finish(buf), "finish");
}
