/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels vhv builds for (6.1 and 6.12): the
 * parts of the KVM ABI newer than the oldest <linux/kvm.h>, defined here
 * with the same numbers and layouts, and renamed fields.
 */
#ifndef VHV_CORE_COMPAT_H
#define VHV_CORE_COMPAT_H

#include <linux/kvm.h>
#include <linux/eventfd.h>
#include <linux/version.h>

/* Linux 6.8: KVM_SET_USER_MEMORY_REGION2 and its capability. */
#ifndef KVM_SET_USER_MEMORY_REGION2
struct kvm_userspace_memory_region2 {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;
	__u64 userspace_addr;
	__u64 guest_memfd_offset;
	__u32 guest_memfd;
	__u32 pad1;
	__u64 pad2[14];
};

#define KVM_SET_USER_MEMORY_REGION2 _IOW(KVMIO, 0x49, struct kvm_userspace_memory_region2)
#define KVM_CAP_USER_MEMORY2 231
#endif

/* Linux 6.4: KVM_ARM_SET_COUNTER_OFFSET and its capability. */
#ifndef KVM_ARM_SET_COUNTER_OFFSET
struct kvm_arm_counter_offset {
	__u64 counter_offset;
	__u64 reserved;
};

#define KVM_ARM_SET_COUNTER_OFFSET _IOW(KVMIO, 0xb5, struct kvm_arm_counter_offset)
#define KVM_CAP_COUNTER_OFFSET 227
#endif

/* Linux 6.9 renamed kvm_run.immediate_exit for kernel code, unchanged for users. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define vhv_run_immediate_exit(run) READ_ONCE((run)->immediate_exit__unsafe)
#else
#define vhv_run_immediate_exit(run) READ_ONCE((run)->immediate_exit)
#endif

/* Linux 6.8: eventfd_signal() lost its count argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define vhv_eventfd_signal(ctx) eventfd_signal(ctx)
#else
#define vhv_eventfd_signal(ctx) eventfd_signal(ctx, 1)
#endif

#endif /* VHV_CORE_COMPAT_H */
