// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the example VMM of vhv. It speaks only the KVM ABI, so the
 * same binary runs on /dev/vhv and on in-kernel KVM's /dev/kvm.
 *
 *   vhv-run --kernel Image [--initrd F] [--cpus N] [--mem SIZE]
 *           [--cmdline S] [--device PATH] [--max-reboots N] [--mark TEXT]
 *           [--dev PATH]
 *	boots an arm64 Linux Image: console on stdio (PL011, and hvc0 on
 *	virtio), PATH as a virtio block device. Exits 0 when the guest
 *	powers off (PSCI SYSTEM_OFF), boots it again on SYSTEM_RESET.
 *   vhv-run --info [--dev PATH]
 *	what the hypervisor offers.
 *
 * The device node is --dev, else $VHV_DEV, else /dev/vhv.
 * Status: 0 for a power-off, 1 for any failure (one line on stderr names
 * the call and the errno), 2 for bad arguments.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm.h"

int vmm_info(const char *dev);

#define DEFAULT_MEM		(256ULL << 20)
#define DEFAULT_CMDLINE		"console=ttyAMA0"
#define DEFAULT_MAX_REBOOTS	8

static const char usage_text[] =
	"usage: vhv-run --kernel Image [--initrd FILE] [--cpus N] [--mem SIZE]\n"
	"               [--cmdline TEXT] [--device PATH] [--max-reboots N]\n"
	"               [--mark TEXT] [--dev PATH]\n"
	"       vhv-run --info [--dev PATH]\n"
	"  --cpus N         vCPUs, 1 to %llu (default 1)\n"
	"  --mem SIZE       RAM, a multiple of 2M, with K, M or G (default 256M)\n"
	"  --cmdline TEXT   the kernel's command line (default \"" DEFAULT_CMDLINE "\")\n"
	"  --device PATH    a file or block device as a virtio disk\n"
	"  --max-reboots N  guest resets to follow before giving up (default %d)\n"
	"  --mark TEXT      report the CNTVCT ticks until TEXT is on the console\n"
	"  --dev PATH       the hypervisor (default $VHV_DEV, else /dev/vhv)\n";

static void __attribute__((noreturn, format(printf, 1, 2))) usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "vhv-run: ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, "\n");
	}
	fprintf(stderr, usage_text, (unsigned long long)MAX_CPUS, DEFAULT_MAX_REBOOTS);
	exit(2);
}

static u64 parse_number(const char *opt, const char *arg, bool size)
{
	unsigned long long val;
	char *end;

	errno = 0;
	val = strtoull(arg, &end, 0);
	if (errno || end == arg || *arg == '-')
		usage("%s: '%s' is not a number", opt, arg);
	if (size && *end) {
		switch (*end++) {
		case 'G': case 'g': val <<= 10; /* fall through */
		case 'M': case 'm': val <<= 10; /* fall through */
		case 'K': case 'k': val <<= 10; break;
		default: end--;
		}
	}
	if (*end)
		usage("%s: '%s' is not a %s", opt, arg, size ? "size" : "number");
	return val;
}

static void parse_args(int argc, char **argv, struct config *cfg, bool *info)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cmdline", required_argument, NULL, 'a' },
		{ "device", required_argument, NULL, 'd' },
		{ "max-reboots", required_argument, NULL, 'r' },
		{ "mark", required_argument, NULL, 'M' },
		{ "dev", required_argument, NULL, 'D' },
		{ "info", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cfg->kernel = optarg; break;
		case 'i': cfg->initrd = optarg; break;
		case 'c': cfg->cpus = parse_number("--cpus", optarg, false); break;
		case 'm': cfg->mem = parse_number("--mem", optarg, true); break;
		case 'a': cfg->cmdline = optarg; break;
		case 'd': cfg->disk = optarg; break;
		case 'r': cfg->max_reboots = parse_number("--max-reboots", optarg, false); break;
		case 'M': cfg->mark = optarg; break;
		case 'D': cfg->dev = optarg; break;
		case 'I': *info = true; break;
		case 'h': usage(NULL);
		default:
			usage("%s: unknown option or missing argument", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage("'%s': unexpected argument", argv[optind]);
}

static void check_config(const struct config *cfg)
{
	const char *files[] = { cfg->kernel, cfg->initrd, cfg->disk };
	unsigned int i;
	int fd;

	if (!cfg->kernel)
		usage("--kernel is needed");
	if (cfg->cpus < 1 || cfg->cpus > MAX_CPUS)
		usage("--cpus: %u is not between 1 and %llu", cfg->cpus,
		      (unsigned long long)MAX_CPUS);
	if (cfg->mem < 8 * SZ_2M || cfg->mem % SZ_2M || cfg->mem > (64ULL << 30))
		usage("--mem: %llu bytes is not a multiple of 2M from 16M to 64G",
		      (unsigned long long)cfg->mem);
	if (cfg->mark && !*cfg->mark)
		usage("--mark: empty text");
	/* A missing or unreadable file is said before any VM exists. */
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		if (!files[i])
			continue;
		fd = open(files[i], (i == 2 ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (fd < 0)
			die_errno(files[i]);
		close(fd);
	}
}

/* One boot of the guest in a new VM, until it powers off, resets or fails. */
static enum vm_end boot(const struct config *cfg)
{
	struct boot_info bi;
	enum vm_end end;
	struct vm vm;

	vm_create(&vm, cfg);
	vcpus_create(&vm);
	vm_create_gic(&vm);
	vm.io = iothread_create();
	pl011_create(&vm);
	virtio_console_create(&vm);
	if (cfg->disk)
		virtio_blk_create(&vm, cfg->disk);
	boot_load(&vm, &bi);
	vcpus_set_boot_regs(&vm, &bi);
	iothread_start(vm.io);
	end = vcpus_run(&vm);
	vm_destroy(&vm);
	return end;
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.dev = getenv("VHV_DEV") ?: "/dev/vhv",
		.cmdline = DEFAULT_CMDLINE,
		.cpus = 1,
		.mem = DEFAULT_MEM,
		.max_reboots = DEFAULT_MAX_REBOOTS,
	};
	unsigned int reboots;
	bool info = false;

	stdout_setup();
	parse_args(argc, argv, &cfg, &info);
	if (info) {
		if (cfg.kernel)
			usage("--info takes no --kernel");
		return vmm_info(cfg.dev);
	}
	check_config(&cfg);
	for (reboots = 0;; reboots++) {
		switch (boot(&cfg)) {
		case VM_POWER_OFF:
			fprintf(stderr, "vhv-run: the guest powered off\n");
			return 0;
		case VM_RESET:
			if (reboots == cfg.max_reboots)
				die("the guest reset %u times (--max-reboots): stopping", reboots + 1);
			fprintf(stderr, "vhv-run: the guest reset: booting it again (%u of %u)\n",
				reboots + 1, cfg.max_reboots);
			break;
		case VM_CRASH:
		case VM_FAILED:
			return 1;
		}
	}
}
