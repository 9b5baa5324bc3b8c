// SPDX-License-Identifier: GPL-2.0
/* vgic_its_edges sets the ITS up as the ITS tests do: their helpers. */
#include "vgic_its/guest.c"
#include "vgic_its/host.c"
