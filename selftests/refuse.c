// SPDX-License-Identifier: GPL-2.0
/*
 * On a host that cannot host, insmod vhv.ko fails with ENODEV and the
 * kernel log gets one vhv error line naming the cause and the fix. The
 * boot says which cause to expect in vhv_refuse= (tools/testbed/run-tests):
 *   el1      kernel booted at EL1, no EL2 (QEMU virtualization=off)
 *   novhe    CPU without VHE (cortex-a57): kernel at EL1, stub at EL2
 *   kvm      in-kernel KVM initialised and holding /dev/kvm
 *   granule  module built for 4K pages in the 16K-page kernel of the
 *            same version: modversions already refuses it (the symbol
 *            CRCs differ); forced past them (modprobe --force), vhv's
 *            own check refuses it
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <linux/module.h>

#include "lib/module.h"
#include "lib/test.h"

static const struct {
	const char *key;
	const char *text;	/* must appear in the log line */
	bool modversions_differ;
} causes[] = {
	{ .key = "el1", .text = "booted at EL1 and no EL2 is available to it" },
	{ .key = "novhe", .text = "this CPU has no VHE (ID_AA64MMFR1_EL1.VH = 0)" },
	{ .key = "kvm", .text = "in-kernel KVM is active and owns EL2" },
	{ .key = "granule", .text = "built for 4K pages but this kernel uses 16K pages",
	  .modversions_differ = true },
};

static unsigned int expected_cause(void)
{
	const char *key = getenv("vhv_refuse");
	unsigned int i;

	if (!key)
		SKIP("this host is expected to load vhv (no vhv_refuse=)");
	for (i = 0; i < ARRAY_SIZE(causes); i++)
		if (!strcmp(causes[i].key, key))
			return i;
	vt_fail(__FILE__, __LINE__, "unknown vhv_refuse=%s", key);
	vt_abort();
}

TEST(insmod_of_other_page_size_build_refused_by_modversions)
{
	unsigned int cause = expected_cause();
	char lines[2048];
	int log;

	if (!causes[cause].modversions_differ)
		SKIP("vhv.ko was built for this kernel");
	log = vmod_log_open();
	ASSERT_EQ(vmod_load(NULL), -EINVAL);
	ASSERT_FALSE(vmod_loaded());
	ASSERT_GE(vmod_log_grep(log, LOG_WARNING, "disagrees about version of symbol",
				lines, sizeof(lines)), 1);
}

TEST(insmod_refused_with_enodev_and_the_cause)
{
	unsigned int cause = expected_cause();
	int flags = 0, log;
	char lines[1024];
	struct stat st;

	/* As modprobe --force: the release strings differ too (-16k). */
	if (causes[cause].modversions_differ)
		flags = MODULE_INIT_IGNORE_MODVERSIONS | MODULE_INIT_IGNORE_VERMAGIC;
	log = vmod_log_open();
	ASSERT_EQ(vmod_load_flags(NULL, flags), -ENODEV);
	ASSERT_FALSE(vmod_loaded());
	ASSERT_ERRNO(stat("/dev/vhv", &st), ENOENT);
	/* One error line from vhv, and it is the expected one. */
	ASSERT_EQ(vmod_log_grep(log, LOG_ERR, "vhv: ", lines, sizeof(lines)), 1);
	vt_note("%.*s", (int)strcspn(lines, "\n"), lines);
	ASSERT_TRUE(strstr(lines, causes[cause].text));
}
