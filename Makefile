# SPDX-License-Identifier: GPL-2.0
#
# Builds vhv.ko (the module itself is described by Kbuild).
#
#   make                 on an arm64 host: against the running kernel
#                        (/lib/modules/$(uname -r)/build);
#                        elsewhere: cross-build for Debian's 6.12 arm64
#   make KVER=6.12       Debian's stock arm64 kernels, fetched into
#   make KVER=6.1        $VHV_CACHE (default ~/.cache/vhv) through their
#   make KVER=6.12-16k   meta-packages; see tools/testbed/kernel-fetch
#   make KDIR=<dir>      any prepared kernel build tree
#
# W=1 is the default: vhv builds without warnings at W=1.

HOST_ARCH := $(shell uname -m)

ifeq ($(KDIR),)
ifeq ($(HOST_ARCH)$(origin KVER),aarch64undefined)
KDIR := /lib/modules/$(shell uname -r)/build
else
KVER ?= 6.12
KDIR := $(shell $(CURDIR)/tools/testbed/kernel-fetch headers $(KVER))
$(if $(KDIR),,$(error cannot fetch the headers of Debian's $(KVER) arm64 kernel))
endif
endif

ifneq ($(HOST_ARCH),aarch64)
CROSS_COMPILE ?= aarch64-linux-gnu-
endif
W ?= 1

KBUILD_ARGS := -C $(KDIR) M=$(CURDIR) ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE) W=$(W)

all: modules

modules clean:
	$(MAKE) $(KBUILD_ARGS) $@

.PHONY: all modules clean
