# SPDX-License-Identifier: GPL-2.0
#
# Debian's own arm64 QEMU as a client of vhv (and of KVM, the oracle)
# inside the emulated host: bookworm's qemu-system-arm:arm64 (7.2, which
# holds qemu-system-aarch64) and the arm64 libraries it links against,
# downloaded with apt-get download and unpacked into the cache once, never
# installed. The boots that run it get a cpio of their own with
#   /opt/qemu/bin/qemu-system-aarch64     the unmodified binary
#   /opt/qemu/lib/                        the loader, libc and every library
#                                         it needs (its DT_NEEDED closure)
#   /opt/qemu/qemu-system-aarch64         a wrapper that runs it through
#                                         the loader with --library-path
#   /tests/qemu, /tests/bench_qemu        the client test and benchmark
#   /opt/qemu/cntvct                      the host counter, for the bench
# (the emulated host's initramfs has busybox and static binaries only).
# Sourced by lib.sh; Documentation/testing.rst describes the test.
#
# shellcheck shell=bash

QEMU_ARM64_DIR=$VHV_CACHE/qemu-arm64

# The arm64 packages to unpack: qemu-system-arm and the closure of its
# Depends, without the qemu-system-common/-data parts (helpers, ROMs,
# keymaps: nothing a -kernel boot with romfile= on its PCI devices needs)
# and without what only a package manager uses (adduser).
qemu_arm64_packages() {
	local -A seen=()
	local queue=(qemu-system-arm) next p dep
	while [ ${#queue[@]} -gt 0 ]; do
		next=()
		for p in "${queue[@]}"; do
			case $p in qemu-system-common | qemu-system-data | adduser) continue ;; esac
			[ -n "${seen[$p]:-}" ] && continue
			seen[$p]=1
			next+=("$p:arm64")
			echo "$p"
		done
		queue=()
		[ ${#next[@]} -gt 0 ] || break
		while read -r _ dep; do
			[ -n "${seen[$dep]:-}" ] || queue+=("$dep")
		done < <(pkg_deps "${next[@]}")
	done
}

# Downloads what is missing from $VHV_CACHE/debs in one apt-get call and
# unpacks the set into $QEMU_ARM64_DIR once.
qemu_arm64_fetch() {
	[ -f "$QEMU_ARM64_DIR/.complete" ] && return 0
	local pkgs=() missing=() p debs=$VHV_CACHE/debs
	mapfile -t pkgs < <(qemu_arm64_packages)
	[ ${#pkgs[@]} -gt 1 ] || die "cannot resolve qemu-system-arm:arm64 (arm64 package lists missing?)"
	mkdir -p "$debs"
	for p in "${pkgs[@]}"; do
		compgen -G "$debs/${p}_*_arm64.deb" >/dev/null || missing+=("$p:arm64")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "downloading QEMU 7.2 for arm64 and its libraries (${#missing[@]} packages)"
		(cd "$debs" && apt-get download -q "${missing[@]}" >/dev/null 2>&1) ||
			die "apt-get download of ${missing[*]} failed"
	fi
	rm -rf "$QEMU_ARM64_DIR" && mkdir -p "$QEMU_ARM64_DIR"
	for p in "${pkgs[@]}"; do
		dpkg -x "$(compgen -G "$debs/${p}_*_arm64.deb" | sort -V | tail -n1)" "$QEMU_ARM64_DIR" ||
			die "cannot unpack $p"
	done
	[ -x "$QEMU_ARM64_DIR/usr/bin/qemu-system-aarch64" ] || die "no qemu-system-aarch64 in qemu-system-arm:arm64"
	touch "$QEMU_ARM64_DIR/.complete"
}

# The file of an arm64 shared library by soname, in the unpacked set.
qemu_arm64_lib() {
	local d
	for d in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
		[ -e "$QEMU_ARM64_DIR/$d/$1" ] && { echo "$QEMU_ARM64_DIR/$d/$1"; return 0; }
	done
	return 1
}

# Every library the binary loads: the DT_NEEDED closure, and the loader.
qemu_arm64_needed() {
	local -A seen=()
	local queue=("$QEMU_ARM64_DIR/usr/bin/qemu-system-aarch64") next f so path
	while [ ${#queue[@]} -gt 0 ]; do
		next=()
		for f in "${queue[@]}"; do
			while read -r so; do
				[ -n "${seen[$so]:-}" ] && continue
				seen[$so]=1
				path=$(qemu_arm64_lib "$so") || die "QEMU needs $so, in none of the unpacked packages"
				echo "$path"
				next+=("$path")
			done < <(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
		done
		queue=("${next[@]}")
	done
}

# Static helpers, built with the cross compiler into $VHV_OUT/qemu-client:
# cntvct for the emulated host, blkread and mtwork for the guest.
build_qemu_client_tools() {
	local out=$VHV_OUT/qemu-client src=$VHV_SRC/tools/testbed/qemu-client t
	mkdir -p "$out"
	for t in cntvct blkread mtwork; do
		"$(target_cc)" -O2 -Wall -Wextra -Werror -static -pthread -o "$out/$t" "$src/$t.c" ||
			die "$t does not build"
	done
}

# The guest's job directory (build_guest_bundle's JOBDIR): the job
# scripts of tools/testbed/guest.d and the guest's helper binaries.
guest_jobdir() {
	local dir=$VHV_OUT/guest.d
	build_qemu_client_tools
	rm -rf "$dir" && mkdir -p "$dir"
	cp "$VHV_SRC"/tools/testbed/guest.d/* "$VHV_OUT/qemu-client/blkread" \
		"$VHV_OUT/qemu-client/mtwork" "$dir/"
	echo "$dir"
}

# The cpio of QEMU and its tests for the boots that run them. Sets
# QEMU_BUNDLE.
build_qemu_bundle() {
	local root=$VHV_OUT/initramfs/qemu-bundle src=$VHV_SRC/tools/testbed/qemu-client f libs
	qemu_arm64_fetch
	[ -x "$VHV_OUT/qemu-client/cntvct" ] || build_qemu_client_tools
	rm -rf "$root" && mkdir -p "$root"/opt/qemu/{bin,lib} "$root/tests"
	cp "$QEMU_ARM64_DIR/usr/bin/qemu-system-aarch64" "$root/opt/qemu/bin/"
	libs=$(qemu_arm64_needed) || exit 1
	for f in $libs; do
		cp -L "$f" "$root/opt/qemu/lib/"
	done
	install -m 755 "$src/qemu-system-aarch64" "$root/opt/qemu/"
	install -m 755 "$VHV_OUT/qemu-client/cntvct" "$root/opt/qemu/"
	install -m 755 "$src/qemu" "$src/bench_qemu" "$root/tests/"
	QEMU_BUNDLE=$VHV_OUT/initramfs/qemu-bundle.cpio.gz
	pack_cpio "$root" "$QEMU_BUNDLE"
}
