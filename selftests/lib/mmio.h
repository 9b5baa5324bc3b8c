/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest MMIO by single plain loads and stores, for the guest side of the
 * library and of the tests: KVM emulates only accesses with a valid
 * syndrome (no writeback, no pairs), which C through a volatile pointer
 * does not promise. Each accessor is one LDR or STR of its width, and a
 * compiler barrier ("memory") so that it stays in program order with the
 * guest's other memory accesses. Static inlines: no libc, guest-safe.
 */
#ifndef VHV_SELFTESTS_MMIO_H
#define VHV_SELFTESTS_MMIO_H

#include "guest.h"

static inline u32 readl(u64 addr)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r" (v) : "r" (addr) : "memory");
	return v;
}

static inline void writel(u32 v, u64 addr)
{
	asm volatile("str %w0, [%1]" : : "rZ" (v), "r" (addr) : "memory");
}

static inline u64 readq(u64 addr)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r" (v) : "r" (addr) : "memory");
	return v;
}

static inline void writeq(u64 v, u64 addr)
{
	asm volatile("str %x0, [%1]" : : "rZ" (v), "r" (addr) : "memory");
}

static inline u8 readb(u64 addr)
{
	u32 v;

	asm volatile("ldrb %w0, [%1]" : "=r" (v) : "r" (addr) : "memory");
	return v;
}

static inline void writeb(u8 v, u64 addr)
{
	asm volatile("strb %w0, [%1]" : : "rZ" (v), "r" (addr) : "memory");
}

static inline void writew(uint16_t v, u64 addr)
{
	asm volatile("strh %w0, [%1]" : : "rZ" (v), "r" (addr) : "memory");
}

#endif /* VHV_SELFTESTS_MMIO_H */
