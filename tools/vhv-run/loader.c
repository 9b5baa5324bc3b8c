// SPDX-License-Identifier: GPL-2.0
/*
 * vhv-run: the arm64 Linux boot protocol (Documentation/arch/arm64/
 * booting.rst): the Image at text_offset from a 2 MB aligned base, the
 * initrd and the device tree in RAM where the kernel does not overlap
 * them, x0 = the device tree's address.
 *
 * RAM from the bottom: the kernel at RAM_BASE + text_offset, reaching
 * image_size (its BSS and early page tables included); at the top the
 * device tree in the last 2 MB, the initrd page-aligned below it.
 *
 * The VMM writes the images through its cacheable mapping while the
 * guest starts with its MMU off (non-cacheable accesses): the hypervisor
 * cleans each page to the PoC when it maps it at stage 2, as booting.rst
 * asks the boot loader to do for the kernel image.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm.h"

/* The 64-byte header at the start of an arm64 Image, little-endian. */
struct image_header {
	u32 code0;
	u32 code1;
	u64 text_offset;
	u64 image_size;
	u64 flags;
	u64 res2;
	u64 res3;
	u64 res4;
	u32 magic;
	u32 res5;
};

#define IMAGE_MAGIC		0x644d5241	/* "ARM\x64" */
#define IMAGE_FLAG_BE		(1ULL << 0)
#define IMAGE_OLD_TEXT_OFFSET	0x80000		/* image_size 0: before 3.17 */
#define DTB_MAX_SIZE		SZ_2M

/* Reads the whole of PATH into RAM at gpa; returns its size. */
static u64 load_file(struct vm *vm, const char *path, u64 gpa, u64 limit)
{
	struct stat st;
	u64 done = 0;
	ssize_t n;
	u8 *dst;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		die_errno(path);
	if ((u64)st.st_size > limit || !(dst = gpa_to_hva(vm, gpa, st.st_size)))
		die("%s: %llu bytes do not fit in the guest's RAM (--mem)", path,
		    (unsigned long long)st.st_size);
	while (done < (u64)st.st_size) {
		n = read(fd, dst + done, st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno(path);
		if (n == 0)
			die("%s: shorter than its size", path);
		done += n;
	}
	close(fd);
	return done;
}

/* Checks the header of the Image already in RAM at base; gives its end. */
static u64 check_image(struct vm *vm, u64 base, u64 file_size, u64 *text_offset)
{
	struct image_header *h = gpa_to_hva(vm, base, sizeof(*h));

	if (file_size < sizeof(*h) || h->magic != IMAGE_MAGIC)
		die("%s: not an arm64 Image (no ARM\\x64 magic at offset 56)", vm->cfg->kernel);
	if (h->flags & IMAGE_FLAG_BE)
		die("%s: a big-endian kernel; vhv-run boots little-endian ones", vm->cfg->kernel);
	*text_offset = h->image_size ? h->text_offset : IMAGE_OLD_TEXT_OFFSET;
	return (h->image_size > file_size ? h->image_size : file_size);
}

void boot_load(struct vm *vm, struct boot_info *bi)
{
	u64 ram_end = RAM_BASE + vm->ram_size, text_offset, size, kernel_end;
	u64 initrd_size = 0;
	void *dtb;

	/*
	 * The header is read from the file in place: load it at the 2 MB
	 * aligned base first, then move it up by text_offset.
	 */
	bi->dtb = ram_end - DTB_MAX_SIZE;
	size = load_file(vm, vm->cfg->kernel, RAM_BASE, bi->dtb - RAM_BASE);
	kernel_end = check_image(vm, RAM_BASE, size, &text_offset);
	kernel_end += RAM_BASE + text_offset;
	if (text_offset % 8 || text_offset > vm->ram_size || kernel_end > bi->dtb)
		die("%s: the kernel (text_offset %#llx, %llu bytes) does not fit in %llu MB of RAM (--mem)",
		    vm->cfg->kernel, (unsigned long long)text_offset,
		    (unsigned long long)(kernel_end - RAM_BASE - text_offset),
		    (unsigned long long)(vm->ram_size >> 20));
	if (text_offset) {
		memmove(vm->ram + text_offset, vm->ram, size);
		memset(vm->ram, 0, text_offset < size ? text_offset : size);
	}
	bi->entry = RAM_BASE + text_offset;

	bi->initrd_start = bi->initrd_end = 0;
	if (vm->cfg->initrd) {
		struct stat st;

		if (stat(vm->cfg->initrd, &st))
			die_errno(vm->cfg->initrd);
		bi->initrd_start = ALIGN_DOWN(bi->dtb - st.st_size, SZ_4K);
		if (st.st_size > (off_t)(bi->dtb - RAM_BASE) || bi->initrd_start < kernel_end)
			die("%s: kernel and initrd do not fit in %llu MB of RAM (--mem)",
			    vm->cfg->initrd, (unsigned long long)(vm->ram_size >> 20));
		initrd_size = load_file(vm, vm->cfg->initrd, bi->initrd_start, st.st_size);
		bi->initrd_end = bi->initrd_start + initrd_size;
	}
	dtb = gpa_to_hva(vm, bi->dtb, DTB_MAX_SIZE);
	fdt_build(vm, bi, dtb, DTB_MAX_SIZE);
}
