// SPDX-License-Identifier: GPL-2.0
/*
 * Random numbers, interesting values, and the memory the calls' pointers
 * land in: area A holds a call's argument, area B what it points to. Each
 * area is read-write pages, then a PROT_NONE page, a read-only page and
 * another PROT_NONE page, so that a pointer can start mapped and end on a
 * page the kernel cannot touch, or point at memory it may read but not
 * write. Nothing the kernel is handed points into the fuzzer's own data.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/test.h"
#include "fuzz.h"

/* splitmix64: a stream per (seed, index), each call's own. */
static u64 mix(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void fz_rng_init(struct fz_rng *r, u64 seed, u64 index)
{
	r->s = mix(seed * 0x9e3779b97f4a7c15ULL + mix(index + 1));
}

u64 fz_u64(struct fz_rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix(r->s);
}

u64 fz_below(struct fz_rng *r, u64 n)
{
	return fz_u64(r) % n;
}

bool fz_percent(struct fz_rng *r, unsigned int p)
{
	return fz_below(r, 100) < p;
}

u64 fz_value(struct fz_rng *r)
{
	unsigned int bit = fz_below(r, 64);

	switch (fz_below(r, 8)) {
	case 0:
		return 0;
	case 1:
		return -1ULL;
	case 2:
		return (1ULL << bit) + fz_below(r, 3) - 1;
	case 3:
		return fz_below(r, 256);
	case 4:
		return (u32)fz_u64(r);
	case 5:
		return 1ULL << bit;
	default:
		return fz_u64(r);
	}
}

void fz_fill(struct fz_rng *r, void *buf, size_t len)
{
	u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i += 8) {
		u64 v = fz_percent(r, 20) ? fz_value(r) : fz_u64(r);

		memcpy(p + i, &v, len - i < 8 ? len - i : 8);
	}
}

/* ---- areas ---- */

#define CANARY		0x5a

struct area {
	u8 *base;
	size_t rw;		/* read-write bytes at base */
	const char *name;
};

static struct area areas[2];
u8 *fz_arena;
long fz_page;

static void area_init(struct area *a, const char *name, size_t rw_pages)
{
	size_t rw = rw_pages * fz_page;
	u8 *p = mmap(NULL, rw + 3 * fz_page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_TRUE(p != MAP_FAILED);
	memset(p, CANARY, rw);
	/* The read-only page holds a pattern the kernel may read. */
	memset(p + rw + fz_page, 0xc3, fz_page);
	ASSERT_OK(mprotect(p + rw, fz_page, PROT_NONE));
	ASSERT_OK(mprotect(p + rw + fz_page, fz_page, PROT_READ));
	ASSERT_OK(mprotect(p + rw + 2 * fz_page, fz_page, PROT_NONE));
	a->base = p;
	a->rw = rw;
	a->name = name;
}

void fz_areas_init(void)
{
	fz_page = getpagesize();
	/* A: a call's struct, up to _IOC_SIZE's 16 kB. B: routing tables, register lists. */
	area_init(&areas[FZ_AREA_A], "A", (16384 + fz_page - 1) / fz_page + 1);
	area_init(&areas[FZ_AREA_B], "B", (256 << 10) / fz_page);
	fz_arena = mmap(NULL, FZ_ARENA_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_TRUE(fz_arena != MAP_FAILED);
}

void fz_area_a_reset(void)
{
	memset(areas[FZ_AREA_A].base, CANARY, areas[FZ_AREA_A].rw);
}

long fz_area_a_check(size_t off, size_t len)
{
	const struct area *a = &areas[FZ_AREA_A];
	size_t i;

	for (i = 0; i < a->rw; i++)
		if ((i < off || i - off >= len) && a->base[i] != CANARY)
			return i;
	return -1;
}

/* ---- pointers ---- */

static const u64 kernel_ptrs[] = {
	0xffff000000000000ULL, 0xffff800080000000ULL, 0xffff800000000000ULL,
	0xfffffffffffff000ULL,
};

static enum fz_ptr pick_class(struct fz_rng *r)
{
	/* Weights out of 100, in enum order. */
	static const unsigned char w[FZ_NR_PTR] = { 70, 5, 4, 4, 5, 3, 3, 1, 4, 1 };
	unsigned int x = fz_below(r, 100), i;

	for (i = 0; i < FZ_NR_PTR - 1; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return FZ_NR_PTR - 1;
}

static const char *const class_name[FZ_NR_PTR] = {
	"", "unaligned", "end", "read-only", "straddling", "PROT_NONE", "NULL", "low",
	"kernel", "non-canonical",
};

/* A place in the area's read-write pages, and how many of size bytes fit there. */
static u8 *mapped_place(struct fz_call *c, const struct area *a, enum fz_ptr cls, size_t size,
			size_t *copy)
{
	size_t room = a->rw > size ? a->rw - size : 0;
	u8 *rw_end = a->base + a->rw, *p;

	*copy = size;
	switch (cls) {
	case FZ_PTR_OK:
		return a->base + (fz_below(&c->rng, room / 8 + 1) * 8);
	case FZ_PTR_UNALIGNED:
		p = a->base + (fz_below(&c->rng, room / 8 + 1) * 8) + 1 + fz_below(&c->rng, 7);
		return p + size > rw_end ? rw_end - size : p;
	case FZ_PTR_END:
		return rw_end - size;
	case FZ_PTR_STRADDLE:
		/* At least one byte on each side, if the struct has two. */
		*copy = size > 1 ? 1 + fz_below(&c->rng, size - 1) : 0;
		if (*copy > a->rw)
			*copy = a->rw;
		return rw_end - *copy;
	default:
		*copy = 0;
		return NULL;
	}
}

/* An address the fuzzer cannot write through; the class may become STRADDLE. */
static u64 unmapped_addr(struct fz_call *c, const struct area *a, enum fz_ptr *cls, size_t size)
{
	u8 *rw_end = a->base + a->rw;
	u64 addr;

	switch (*cls) {
	case FZ_PTR_RO:
		addr = (u64)(uintptr_t)(rw_end + fz_page) + fz_below(&c->rng, 64) * 8;
		if (addr + size > (u64)(uintptr_t)(rw_end + 2 * fz_page))
			*cls = FZ_PTR_STRADDLE;	/* runs onto the last PROT_NONE page */
		return addr;
	case FZ_PTR_PROTNONE:
		return (u64)(uintptr_t)rw_end + fz_below(&c->rng, 64) * 8;
	case FZ_PTR_NULL:
		return 0;
	case FZ_PTR_LOW:
		return 8 + fz_below(&c->rng, 0x1000);
	case FZ_PTR_KERNEL:
		return FZ_PICK(&c->rng, kernel_ptrs) + fz_below(&c->rng, 0x1000) * 8;
	default:
		return (1ULL << 52) + fz_below(&c->rng, 1ULL << 40) * 8;
	}
}

u64 fz_place(struct fz_call *c, enum fz_area_id id, const void *src, size_t size)
{
	const struct area *a = &areas[id];
	enum fz_ptr cls = pick_class(&c->rng);
	size_t copy;
	u8 *p;
	u64 addr;

	/* More than the area holds: it straddles anyway. */
	if (size > a->rw && fz_ptr_readable(cls))
		cls = FZ_PTR_STRADDLE;
	p = mapped_place(c, a, cls, size, &copy);
	if (p) {
		if (src)
			memcpy(p, src, copy);
		addr = (u64)(uintptr_t)p;
	} else {
		addr = unmapped_addr(c, a, &cls, size);
	}
	if (size && cls >= FZ_PTR_RO)
		c->bad_ptr = true;
	c->last_cls = size ? cls : FZ_PTR_OK;
	c->last_mapped = p ? copy : cls == FZ_PTR_RO ? size : 0;
	if (id == FZ_AREA_A && p) {
		c->in_a = true;
		c->a_off = p - a->base;
		c->a_len = copy;
	}
	if (p)
		fz_say(c, "%s+%#zx%s%s", a->name, (size_t)(p - a->base), *class_name[cls] ? ":" : "",
		       class_name[cls]);
	else
		fz_say(c, "%s:%#llx", class_name[cls], (unsigned long long)addr);
	return addr;
}

void fz_place_arg(struct fz_call *c)
{
	fz_say(c, " arg=");
	c->arg = fz_place(c, FZ_AREA_A, c->buf, c->size);
	c->arg_cls = c->last_cls;
}

u64 fz_ind(struct fz_call *c, size_t size)
{
	u8 tmp[256];

	if (size > sizeof(tmp))
		return fz_place(c, FZ_AREA_B, NULL, size);
	fz_fill(&c->rng, tmp, size);
	return fz_place(c, FZ_AREA_B, tmp, size);
}

void fz_say(struct fz_call *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->len >= sizeof(c->desc) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->desc + c->len, sizeof(c->desc) - c->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->len += n;
	if (c->len >= sizeof(c->desc))
		c->len = sizeof(c->desc) - 1;
}
