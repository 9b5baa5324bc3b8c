// SPDX-License-Identifier: GPL-2.0
/* bench_gic's MSI figure sets the ITS up as the ITS tests do: their helpers. */
#include "vgic_its/guest.c"
#include "vgic_its/host.c"
