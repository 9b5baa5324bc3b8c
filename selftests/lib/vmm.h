/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tests' VMM library: the device under test and the KVM objects made
 * from it. Only the KVM ABI of <linux/kvm.h> is used here, so every test
 * built on it runs against vhv and against in-kernel KVM alike.
 *
 * The environment chooses the target:
 *   VHV_DEV     device node (default /dev/vhv)
 *   VHV_TARGET  "vhv" (default) or "kvm" (the in-kernel KVM oracle)
 * Helpers end the test on failure, so tests read as the steps they take.
 */
#ifndef VHV_SELFTESTS_VMM_H
#define VHV_SELFTESTS_VMM_H

#include <stdbool.h>

const char *vmm_dev_path(void);
bool vmm_target_is_kvm(void);

/* SKIP the test unless the target is vhv (for vhv-only behaviour). */
void vmm_require_vhv(void);

int vmm_open_dev(void);
int vmm_create_vm(int dev_fd, unsigned long type);
long vmm_check_extension(int fd, long cap);

#endif /* VHV_SELFTESTS_VMM_H */
