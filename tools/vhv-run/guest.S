/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vhv-run's built-in guest, copied into guest RAM and run at EL1 with its
 * MMU off: it asks PSCI for its version, reports it with a store to the
 * report address (an MMIO exit), then asks PSCI to power the system off.
 * Position-independent: no absolute addresses.
 */
#define PSCI_VERSION	0x84000000
#define PSCI_SYSTEM_OFF	0x84000008
#define REPORT_MMIO	0x10000000

	.text
	.global	demo_guest_start
	.global	demo_guest_end
demo_guest_start:
	movz	x0, #(PSCI_VERSION >> 16), lsl #16
	hvc	#0
	movz	x1, #(REPORT_MMIO >> 16), lsl #16
	str	x0, [x1]
	movz	x0, #(PSCI_SYSTEM_OFF >> 16), lsl #16
	movk	x0, #(PSCI_SYSTEM_OFF & 0xffff)
	hvc	#0
1:	wfi
	b	1b
demo_guest_end:
	.section .note.GNU-stack, "", %progbits
