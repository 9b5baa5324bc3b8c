/* SPDX-License-Identifier: GPL-2.0 */
/* MPIDR_EL1 affinity to vCPU, the VM's one map of it (core/mpidr.c). */
#ifndef VHV_CORE_MPIDR_H
#define VHV_CORE_MPIDR_H

#include <linux/types.h>

struct vhv_mpidr_map;
struct vhv_vcpu;
struct vhv_vm;

/*
 * A new map is allocated before the change it is for, so that a failure
 * leaves nothing changed; publishing it cannot fail (vm->lock held).
 */
struct vhv_mpidr_map *vhv_mpidr_map_alloc(unsigned int nr);
void vhv_mpidr_map_free(struct vhv_mpidr_map *map);
void vhv_mpidr_map_publish(struct vhv_vm *vm, struct vhv_mpidr_map *map, unsigned int nr);
void vhv_mpidr_map_destroy(struct vhv_vm *vm);

/* The vCPU with this affinity (the first created if several), or NULL. */
struct vhv_vcpu *vhv_vcpu_by_mpidr(struct vhv_vm *vm, u64 mpidr);

#endif /* VHV_CORE_MPIDR_H */
