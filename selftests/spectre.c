// SPDX-License-Identifier: GPL-2.0
/*
 * The Spectre workarounds as a guest and a VMM see them:
 *
 *  - SMCCC_ARCH_FEATURES for ARCH_WORKAROUND_1/2/3 and the firmware
 *    pseudo-registers KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1/2/3 tell the
 *    same story, and the registers are in KVM_GET_REG_LIST;
 *  - a VMM may write them back under KVM's rules (no promise beyond the
 *    host's level), with KVM's errno, and nothing changes;
 *  - the workaround calls by HVC return 0;
 *  - the story matches the host kernel's own
 *    (/sys/devices/system/cpu/vulnerabilities/spectre_v2): on vhv, which
 *    decides for itself, that checks its rules against the kernel's;
 *  - ID_AA64PFR0_EL1.CSV2 is at most 1, and 1 exactly when Spectre-v2 is
 *    no concern; CSV2_frac at most 1; SCXTNUM_EL0/EL1 are UNDEF;
 *  - (vhv only) each CPU's decision is in the kernel log, and on a
 *    Neoverse-N1 it is the branch loop of 24.
 *
 * KVM ABI only, but for the last.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "lib/test.h"
#include "lib/vmm.h"

#define ARCH_FEATURES		0x80000001ULL
#define WA1			0x80008000ULL
#define WA2			0x80007fffULL
#define WA3			0x80003fffULL
#define RET_SUCCESS		0ULL
#define RET_NOT_SUPPORTED	(~0ULL)
#define RET_NOT_REQUIRED	((u64)-2)
#define RET_UNAFFECTED		1ULL

#define REG_WA1		KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1
#define REG_WA2		KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2
#define REG_WA3		KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3
/* Levels of WORKAROUND_1 and 3 (<asm/kvm.h>): the same numbers. */
#define LVL_NOT_AVAIL		0
#define LVL_AVAIL		1
#define LVL_NOT_REQUIRED	2
#define WA2_ENABLED		KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED

static void guest_ask(u64 unused)
{
	GUEST_SYNC(guest_hvc(ARCH_FEATURES, WA1, 0, 0));
	GUEST_SYNC(guest_hvc(ARCH_FEATURES, WA2, 0, 0));
	GUEST_SYNC(guest_hvc(ARCH_FEATURES, WA3, 0, 0));
	GUEST_SYNC(guest_hvc(WA1, 0, 0, 0));
	GUEST_SYNC(guest_hvc(WA2, 1, 0, 0));
	GUEST_SYNC(guest_hvc(WA3, 0, 0, 0));
}

static u64 next_sync(struct vmm_vcpu *vcpu)
{
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	return uc.args[0];
}

/* ARCH_FEATURES' answer for a level of WORKAROUND_1 or 3. */
static u64 features_of(u64 level)
{
	switch (level) {
	case LVL_AVAIL:
		return RET_SUCCESS;
	case LVL_NOT_REQUIRED:
		return RET_UNAFFECTED;
	}
	return RET_NOT_SUPPORTED;
}

TEST(arch_features_agree_with_the_firmware_registers)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_ask, 0);
	u64 wa1 = vmm_get_reg(vcpu, REG_WA1), wa2 = vmm_get_reg(vcpu, REG_WA2);
	u64 wa3 = vmm_get_reg(vcpu, REG_WA3);
	u64 f2;

	ASSERT_LE(wa1, LVL_NOT_REQUIRED);
	ASSERT_LE(wa3, LVL_NOT_REQUIRED);
	ASSERT_EQ(next_sync(vcpu), features_of(wa1));
	/* WORKAROUND_2: NOT_REQUIRED, or NOT_AVAIL and the call unsupported. */
	f2 = next_sync(vcpu);
	if (wa2 == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED) {
		ASSERT_EQ(f2, RET_NOT_REQUIRED);
	} else {
		ASSERT_EQ(wa2, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL);
		ASSERT_EQ(f2, RET_NOT_SUPPORTED);
	}
	ASSERT_EQ(next_sync(vcpu), features_of(wa3));
	/* The calls themselves, whatever the answers: done, 0. */
	ASSERT_EQ(next_sync(vcpu), 0);
	ASSERT_EQ(next_sync(vcpu), 0);
	ASSERT_EQ(next_sync(vcpu), 0);
	vmm_run_to_done(vcpu);
}

TEST(firmware_registers_are_listed)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_ask, 0);
	struct kvm_reg_list probe = { .n = 0 }, *list;
	unsigned int i, found = 0;

	ASSERT_ERRNO(ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe), E2BIG);
	list = calloc(1, sizeof(*list) + probe.n * sizeof(u64));
	ASSERT_TRUE(list);
	list->n = probe.n;
	ASSERT_OK(ioctl(vcpu->fd, KVM_GET_REG_LIST, list));
	for (i = 0; i < list->n; i++)
		if (list->reg[i] == REG_WA1 || list->reg[i] == REG_WA2 || list->reg[i] == REG_WA3)
			found++;
	ASSERT_EQ(found, 3);
}

static int set_reg(struct vmm_vcpu *vcpu, u64 id, u64 val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg);
}

static void expect_set(struct vmm_vcpu *vcpu, u64 id, u64 val, bool ok)
{
	u64 before = vmm_get_reg(vcpu, id);

	if (ok) {
		if (set_reg(vcpu, id, val))
			vt_fail(__FILE__, __LINE__, "reg %#llx value %#llx refused: %s",
				(unsigned long long)id, (unsigned long long)val,
				strerrorname_np(errno) ?: "?");
	} else {
		errno = 0;
		if (set_reg(vcpu, id, val) != -1 || errno != EINVAL)
			vt_fail(__FILE__, __LINE__, "reg %#llx value %#llx: want EINVAL, got %s",
				(unsigned long long)id, (unsigned long long)val,
				errno ? strerrorname_np(errno) ?: "?" : "success");
	}
	/* A write never changes what the host offers. */
	ASSERT_EQ(vmm_get_reg(vcpu, id), before);
}

/* WORKAROUND_2's KVM meaning of a written level: NOT_AVAIL 0, NOT_REQUIRED 3, -1 bad. */
static int wa2_want(u64 level)
{
	if (level <= KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN)
		return KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL;
	if (level <= KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED)
		return KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED;
	return -1;
}

TEST(firmware_register_writes_promise_no_more_than_the_host)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_ask, 0);
	const u64 ids[] = { REG_WA1, REG_WA3 };
	u64 host, v;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		host = vmm_get_reg(vcpu, ids[i]);
		for (v = 0; v <= 0xf; v++)
			expect_set(vcpu, ids[i], v, v <= host);
		expect_set(vcpu, ids[i], 0x10 | host, false);
		expect_set(vcpu, ids[i], 1ULL << 63, false);
	}
	host = vmm_get_reg(vcpu, REG_WA2);
	for (v = 0; v <= 0xf; v++) {
		int want = wa2_want(v);

		expect_set(vcpu, REG_WA2, v, want >= 0 && (u64)want <= host);
		/* ENABLED goes with AVAIL only. */
		expect_set(vcpu, REG_WA2, v | WA2_ENABLED,
			   v == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL && (u64)want <= host);
	}
	expect_set(vcpu, REG_WA2, 0x20, false);
}

/* ---- the host kernel's own view ---- */

struct sysfs_view {
	bool v2_known, bhb_known;
	u64 wa1, wa3;	/* the levels it implies */
};

static struct sysfs_view read_spectre_v2_sysfs(void)
{
	struct sysfs_view v = { 0 };
	char buf[256] = "";
	FILE *f = fopen("/sys/devices/system/cpu/vulnerabilities/spectre_v2", "r");

	ASSERT_TRUE(f);
	ASSERT_TRUE(fgets(buf, sizeof(buf), f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	vt_note("host kernel: spectre_v2: %s", buf);
	if (!strcmp(buf, "Not affected")) {
		v = (struct sysfs_view){ true, true, LVL_NOT_REQUIRED, LVL_NOT_REQUIRED };
	} else if (!strcmp(buf, "Vulnerable")) {
		/* BHB then depends on the core being safe: not told here. */
		v = (struct sysfs_view){ true, false, LVL_NOT_AVAIL, 0 };
	} else if (!strncmp(buf, "Mitigation: ", 12)) {
		v.v2_known = v.bhb_known = true;
		v.wa1 = !strncmp(buf + 12, "CSV2", 4) ? LVL_NOT_REQUIRED : LVL_AVAIL;
		if (strstr(buf, ", but not BHB"))
			v.wa3 = LVL_NOT_AVAIL;
		else if (strstr(buf, ", BHB"))
			v.wa3 = LVL_AVAIL;
		else
			v.wa3 = LVL_NOT_REQUIRED;
	}
	/* "Vulnerable: Unprivileged eBPF enabled" tells too little. */
	return v;
}

TEST(firmware_registers_match_the_host_kernels_view)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_ask, 0);
	struct sysfs_view v = read_spectre_v2_sysfs();

	if (!v.v2_known)
		SKIP("the kernel's spectre_v2 line says too little");
	ASSERT_EQ(vmm_get_reg(vcpu, REG_WA1), v.wa1);
	if (v.bhb_known)
		ASSERT_EQ(vmm_get_reg(vcpu, REG_WA3), v.wa3);
}

/* ---- CSV2 and SCXTNUM_ELx ---- */

static u32 undefs;

static void undef_handler(struct guest_regs *regs)
{
	GUEST_ASSERT_EQ(ESR_EC(regs->esr), 0);
	undefs++;
	regs->elr += 4;
}

static void guest_csv2(u64 unused)
{
	guest_install_handler(VECTOR_SYNC_CUR, undef_handler);
	GUEST_SYNC2(read_sysreg(id_aa64pfr0_el1), read_sysreg(id_aa64pfr1_el1));
	(void)read_sysreg(s3_0_c13_c0_7);	/* SCXTNUM_EL1 */
	write_sysreg(1, s3_0_c13_c0_7);
	(void)read_sysreg(s3_3_c13_c0_7);	/* SCXTNUM_EL0 */
	write_sysreg(1, s3_3_c13_c0_7);
	GUEST_SYNC(undefs);
}

TEST(csv2_at_most_1_and_scxtnum_undef)
{
	struct vmm_vcpu *vcpu = vmm_vcpu_new(vmm_vm_new(), 0, guest_csv2, 0);
	u64 pfr0, pfr1, csv2;
	struct ucall uc;

	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	pfr0 = uc.args[0];
	pfr1 = uc.args[1];
	csv2 = (pfr0 >> 56) & 0xf;
	ASSERT_LE(csv2, 1);
	ASSERT_LE((pfr1 >> 32) & 0xf, csv2);
	/* CSV2 = 1: nothing for Spectre-v2 to do, as WORKAROUND_1 says. */
	ASSERT_EQ(csv2 == 1, vmm_get_reg(vcpu, REG_WA1) == LVL_NOT_REQUIRED);
	ASSERT_EQ(vmm_get_reg(vcpu, REG_SYS(3, 0, 0, 4, 0)), pfr0);
	ASSERT_EQ(vmm_run_ucall(vcpu, &uc), UCALL_SYNC);
	ASSERT_EQ(uc.args[0], 4);
	vmm_run_to_done(vcpu);
}

/* ---- vhv's own record ---- */

static unsigned int midr_part(unsigned int cpu)
{
	char path[96], buf[32] = "";
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/devices/system/cpu/cpu%u/regs/identification/midr_el1", cpu);
	f = fopen(path, "r");
	ASSERT_TRUE(f);
	ASSERT_TRUE(fgets(buf, sizeof(buf), f));
	fclose(f);
	return (strtoull(buf, NULL, 16) >> 4) & 0xfff;
}

/* The last "vhv: CPU<n> (MIDR" line of the kernel log, from /dev/kmsg. */
static bool find_cpu_line(unsigned int cpu, char *out, size_t len)
{
	char rec[1024], want[32];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	bool found = false;
	ssize_t n;

	ASSERT_GE(fd, 0);
	snprintf(want, sizeof(want), "vhv: CPU%u (MIDR", cpu);
	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		char *msg;

		if (n <= 0)
			continue;
		rec[n] = 0;
		msg = strchr(rec, ';');
		if (msg && !strncmp(msg + 1, want, strlen(want))) {
			snprintf(out, len, "%s", msg + 1);
			found = true;
		}
	}
	close(fd);
	return found;
}

TEST(each_cpu_logs_its_exit_mitigation)
{
	char line[512];
	unsigned int cpu;

	vmm_require_vhv();
	for (cpu = 0; cpu < 2; cpu++) {
		ASSERT_TRUE(find_cpu_line(cpu, line, sizeof(line)));
		vt_note("%s", strtok(line, "\n"));
		ASSERT_TRUE(strstr(line, "Spectre-v2: ") && strstr(line, "Spectre-BHB: "));
		/* Neoverse-N1: k = 24 (Arm, Spectre-BHB white paper). */
		if (midr_part(cpu) == 0xd0c)
			ASSERT_TRUE(strstr(line, "Spectre-BHB: branch loop of 24 on exit"));
	}
}
