// SPDX-License-Identifier: GPL-2.0
/*
 * The emulated host's virtual counter (CNTVCT_EL0, which Linux lets EL0
 * read: CNTKCTL_EL1.EL0VCTEN), for the QEMU benchmarks.
 *   cntvct            prints it in decimal
 *   cntvct -w TEXT    copies stdin to stdout and prints the counter to
 *                     stderr when a line first contains TEXT
 */
#include <stdio.h>
#include <string.h>

static unsigned long long cntvct(void)
{
	unsigned long long v;

	/*
	 * ISBs: counter reads are not ordered with other instructions
	 * (Arm ARM, "The Generic Timer": CNTVCT_EL0 reads may be made out
	 * of order), so keep it between the work before and after.
	 */
	asm volatile("isb\n mrs %0, cntvct_el0\n isb" : "=r"(v) :: "memory");
	return v;
}

int main(int argc, char **argv)
{
	char line[4096];
	int seen = 0;

	if (argc == 1) {
		printf("%llu\n", cntvct());
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "-w")) {
		fprintf(stderr, "usage: cntvct [-w TEXT]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (fgets(line, sizeof(line), stdin)) {
		if (!seen && strstr(line, argv[2])) {
			fprintf(stderr, "%llu\n", cntvct());
			seen = 1;
		}
		fputs(line, stdout);
	}
	return !seen;
}
