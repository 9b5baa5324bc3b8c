/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small kselftest-style TAP harness. Every TEST() of a binary runs in a
 * forked child with a timeout, so one crash or hang fails one test only.
 *
 *	TEST(api_version)
 *	{
 *		ASSERT_EQ(ioctl(fd, KVM_GET_API_VERSION, 0), 12);
 *	}
 *
 * ASSERT_* end the test on failure, EXPECT_* note it and go on. SKIP()
 * ends the test as skipped with a reason. A binary takes -l (list) and
 * -t NAME (run one test; may repeat); a test may read other arguments of
 * its own from vt_argc and vt_argv.
 */
#ifndef VHV_SELFTESTS_TEST_H
#define VHV_SELFTESTS_TEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct vt_test {
	const char *name;
	void (*fn)(void);
	unsigned int timeout_s;
	struct vt_test *next;
};

extern int vt_argc;
extern char **vt_argv;

void vt_register(struct vt_test *t);
void vt_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vt_abort(void) __attribute__((noreturn));
void vt_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void vt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define VT_DEFAULT_TIMEOUT_S	120

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define TEST_TIMEOUT(tname, secs)						\
	static void test_##tname(void);						\
	static struct vt_test vt_desc_##tname = {				\
		.name = #tname, .fn = test_##tname, .timeout_s = (secs),	\
	};									\
	__attribute__((constructor)) static void vt_reg_##tname(void)		\
	{									\
		vt_register(&vt_desc_##tname);					\
	}									\
	static void test_##tname(void)

#define TEST(tname) TEST_TIMEOUT(tname, VT_DEFAULT_TIMEOUT_S)

#define VT_CMP(fatal, a, op, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);			\
	if (!(_a op _b)) {							\
		vt_fail(__FILE__, __LINE__, "%s %s %s: %lld (0x%llx) vs %lld (0x%llx)", \
			#a, #op, #b, _a, (unsigned long long)_a, _b,		\
			(unsigned long long)_b);				\
		if (fatal)							\
			vt_abort();						\
	}									\
} while (0)

#define ASSERT_EQ(a, b)	VT_CMP(1, a, ==, b)
#define ASSERT_NE(a, b)	VT_CMP(1, a, !=, b)
#define ASSERT_LT(a, b)	VT_CMP(1, a, <, b)
#define ASSERT_LE(a, b)	VT_CMP(1, a, <=, b)
#define ASSERT_GE(a, b)	VT_CMP(1, a, >=, b)
#define ASSERT_GT(a, b)	VT_CMP(1, a, >, b)
#define EXPECT_EQ(a, b)	VT_CMP(0, a, ==, b)
#define EXPECT_LE(a, b)	VT_CMP(0, a, <=, b)
#define EXPECT_GE(a, b)	VT_CMP(0, a, >=, b)
#define ASSERT_TRUE(c)	VT_CMP(1, !!(c), ==, 1)
#define ASSERT_FALSE(c)	VT_CMP(1, !!(c), ==, 0)

/* A call that must fail with -1 and exactly this errno. */
#define ASSERT_ERRNO(call, err) do {						\
	long _r;								\
	errno = 0;								\
	_r = (long)(call);							\
	if (_r != -1 || errno != (err)) {					\
		vt_fail(__FILE__, __LINE__, "%s: want -1/%s, got %ld/%s",	\
			#call, strerrorname_np(err) ?: "?", _r,			\
			errno ? (strerrorname_np(errno) ?: "?") : "0");		\
		vt_abort();							\
	}									\
} while (0)

/* A call that must succeed (return >= 0); gives its result. */
#define ASSERT_OK(call) ({							\
	long _r;								\
	errno = 0;								\
	_r = (long)(call);							\
	if (_r < 0) {								\
		vt_fail(__FILE__, __LINE__, "%s failed: %ld, errno %s",		\
			#call, _r, strerrorname_np(errno) ?: "?");		\
		vt_abort();							\
	}									\
	_r;									\
})

#define SKIP(...) vt_skip(__VA_ARGS__)

#endif /* VHV_SELFTESTS_TEST_H */
