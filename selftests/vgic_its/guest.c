// SPDX-License-Identifier: GPL-2.0
/* The guest's side of the ITS tests: see its.h. */
#include "lib/guest.h"
#include "lib/mmio.h"
#include "vgic_its/its.h"

/* In the guest's RAM (the test binary is loaded there), 64 KB aligned. */
u8 its_prop_table[0x10000] __attribute__((aligned(0x10000)));

u8 its_pend_table[ITS_MAX_VCPUS][0x10000] __attribute__((aligned(0x10000)));
u64 its_dev_table[0x2000] __attribute__((aligned(0x10000)));
u64 its_coll_table[0x2000] __attribute__((aligned(0x10000)));
static u64 cmdq[QUEUE_CMDS * 4] __attribute__((aligned(0x10000)));
u64 its_itt[256] __attribute__((aligned(0x100)));
static u32 cmd_next;

static void barrier_dsb(void)
{
	asm volatile("dsb sy" : : : "memory");
}

void its_cmd_queue(const u64 (*cmds)[4], u32 n)
{
	u32 i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < 4; j++)
			cmdq[cmd_next * 4 + j] = cmds[i][j];
		cmd_next = (cmd_next + 1) % QUEUE_CMDS;
	}
	barrier_dsb();
	writeq(cmd_next * 32, ITS_BASE + GITS_CWRITER);
	/* The queue is processed before the write completes, on both hypervisors. */
	GUEST_ASSERT_EQ(readq(ITS_BASE + GITS_CREADR), cmd_next * 32);
}

void its_cmd(u64 w0, u64 w1, u64 w2, u64 w3)
{
	const u64 c[1][4] = { { w0, w1, w2, w3 } };

	its_cmd_queue(c, 1);
}

void its_guest_rd_lpis(void)
{
	u64 rd = gic_redist_base();

	writeq((u64)(uintptr_t)its_prop_table | 15, rd + GICR_PROPBASER);
	GUEST_ASSERT(gic_cpu_index() < ITS_MAX_VCPUS);
	writeq((u64)(uintptr_t)its_pend_table[gic_cpu_index()], rd + GICR_PENDBASER);
	writel(1, rd + GICR_CTLR);
	GUEST_ASSERT_EQ(readl(rd + GICR_CTLR) & 1, 1);
	GUEST_ASSERT_EQ(readq(rd + GICR_TYPER) & 1, 1);	/* PLPIS */
}

void its_guest_tables(void)
{
	writeq((1ULL << 63) | (u64)(uintptr_t)its_dev_table, ITS_BASE + GITS_BASER0);
	writeq((1ULL << 63) | (u64)(uintptr_t)its_coll_table, ITS_BASE + GITS_BASER1);
	writeq((1ULL << 63) | (u64)(uintptr_t)cmdq, ITS_BASE + GITS_CBASER);
	writel(1, ITS_BASE + GITS_CTLR);
	GUEST_ASSERT_EQ(readl(ITS_BASE + GITS_CTLR) & 1, 1);
}

void its_guest_enable(void)
{
	its_prop_table[LPI - 8192] = PRIO | 1;
	barrier_dsb();
	its_guest_tables();
	/* LPIS [17] and 16 ID bits in GICD_TYPER once there is an ITS. */
	GUEST_ASSERT_EQ((gic_dist_read(GICD_TYPER) >> 17) & 0x7f, 1 | 15 << 2);
}

void its_guest_map(void)
{
	its_cmd(CMD_MAPD | (u64)DEVID << 32, 3, (1ULL << 63) | (u64)(uintptr_t)its_itt, 0);
	its_cmd(CMD_MAPC, 0, (1ULL << 63) | 0, 0);
	its_cmd(CMD_MAPTI | (u64)DEVID << 32, EVENT | (u64)LPI << 32, 0, 0);
	its_cmd(CMD_SYNC, 0, 0, 0);
}
