# SPDX-License-Identifier: GPL-2.0
#
# Shared by the testbed commands (run-tests, demo, kernel-fetch): host
# packages, Debian arm64 kernels in a cache outside the clone, builds of
# vhv.ko and the static test binaries, initramfs images and QEMU boots.
# Documentation/testing.rst describes the whole.
#
# shellcheck shell=bash

VHV_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VHV_CACHE=${VHV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vhv}
VHV_OUT=${VHV_OUT:-$VHV_SRC/build}
HOST_DEB_ARCH=$(dpkg --print-architecture 2>/dev/null || echo unknown)

log() { echo "[testbed] $*" >&2; }
die() { echo "[testbed] error: $*" >&2; exit 1; }

# The kernel flavours of the test matrix and the Debian meta-package each
# resolves through, so that the archive's current version is used.
declare -A KERNEL_META=(
	[6.12]=linux-image-6.12-arm64
	[6.1]=linux-image-arm64
	[6.12-16k]=linux-image-6.12-arm64-16k
)

# Packages of the build host (names for amd64 and arm64 Debian 12).
host_packages() {
	# qemu-efi-aarch64 (arch: all): the UEFI firmware of the ACPI boots.
	local common="make gcc libc6-dev cpio gzip xz-utils dwarves qemu-system-arm qemu-efi-aarch64"
	case $HOST_DEB_ARCH in
	amd64) echo "$common gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
	arm64) echo "$common gcc gcc-12 libc6-dev busybox-static" ;;
	*) die "unsupported build host architecture '$HOST_DEB_ARCH' (Debian amd64 or arm64 needed)" ;;
	esac
}

# arm64 packages are fetched with apt-get download, never installed: on an
# amd64 host installing :arm64 headers would remove the host's gcc.
arm64_suffix() { [ "$HOST_DEB_ARCH" = arm64 ] || echo ":arm64"; }

APT_UPDATED=
apt_update() {
	[ -n "$APT_UPDATED" ] && return 0
	log "apt-get update"
	apt-get update -qq >&2 || die "apt-get update failed"
	APT_UPDATED=1
}

ensure_host() {
	local missing=() p
	[ "$HOST_DEB_ARCH" = amd64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64 &&
		missing+=(arch:arm64)
	for p in $(host_packages); do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	compgen -G "/var/lib/apt/lists/*binary-arm64_Packages*" >/dev/null ||
		missing+=(arm64-package-lists)
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing: ${missing[*]}; run as root once so that the testbed can apt-get them"
	if [[ " ${missing[*]} " == *" arch:arm64 "* ]]; then
		log "dpkg --add-architecture arm64"
		dpkg --add-architecture arm64
	fi
	apt_update
	local pkgs=()
	for p in "${missing[@]}"; do
		case $p in arch:*|arm64-package-lists) ;; *) pkgs+=("$p") ;; esac
	done
	if [ ${#pkgs[@]} -gt 0 ]; then
		log "apt-get install ${pkgs[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >&2 ||
			die "apt-get install failed"
	fi
}

# Depends of packages, as "package dependency" lines, without arch
# qualifiers or the <> of virtual names; one apt-cache call for all, as
# each call costs a second of loading the package cache.
pkg_deps() {
	apt-cache depends --no-recommends --no-suggests "$@" 2>/dev/null | awk '
		/^[^ ]/ { pkg = $1; sub(/:.*/, "", pkg); next }
		/Depends:/ { dep = $2; gsub(/[<>]/, "", dep); sub(/:.*/, "", dep); print pkg, dep }'
}

# Resolves every flavour through its meta-package once per process:
# RESOLVED[flavour] = "release image headers common kbuild".
declare -A RESOLVED=()
kernel_resolve_all() {
	local sfx f meta line pkg dep
	local -A image_of=() common_of=() kbuild_of=()
	sfx=$(arm64_suffix)
	local metas=() heads=()
	for f in "${!KERNEL_META[@]}"; do metas+=("${KERNEL_META[$f]}$sfx"); done
	while read -r pkg dep; do
		[[ $dep == linux-image-* ]] && [ -z "${image_of[$pkg]:-}" ] && image_of[$pkg]=$dep
	done < <(pkg_deps "${metas[@]}")
	for meta in "${!image_of[@]}"; do heads+=("linux-headers-${image_of[$meta]#linux-image-}$sfx"); done
	[ ${#heads[@]} -gt 0 ] || die "cannot resolve Debian's arm64 kernels: are the arm64 package lists there (apt-get update as root)?"
	while read -r pkg dep; do
		case $dep in
		linux-headers-*-common) common_of[$pkg]=$dep ;;
		linux-kbuild-*) kbuild_of[$pkg]=$dep ;;
		esac
	done < <(pkg_deps "${heads[@]}")
	for f in "${!KERNEL_META[@]}"; do
		line=${image_of[${KERNEL_META[$f]}]:-}
		[ -n "$line" ] || continue
		local rel=${line#linux-image-}
		local hdr=linux-headers-$rel
		if [ -z "${common_of[$hdr]:-}" ] || [ -z "${kbuild_of[$hdr]:-}" ]; then
			continue
		fi
		RESOLVED[$f]="$rel $line $hdr ${common_of[$hdr]} ${kbuild_of[$hdr]}"
	done
}

# Sets KREL (the kernel's uname -r) and the four package names of FLAVOUR.
kernel_resolve() {
	local flavour=$1
	[ -n "${KERNEL_META[$flavour]:-}" ] || die "unknown kernel flavour '$flavour' (known: ${!KERNEL_META[*]})"
	[ ${#RESOLVED[@]} -gt 0 ] || kernel_resolve_all
	[ -n "${RESOLVED[$flavour]:-}" ] || die "cannot resolve ${KERNEL_META[$flavour]} and its headers"
	read -r KREL PKG_IMAGE PKG_HEADERS PKG_COMMON PKG_KBUILD <<<"${RESOLVED[$flavour]}"
}

deb_fetch() {
	local pkg=$1 debs=$VHV_CACHE/debs
	mkdir -p "$debs"
	local base=${pkg%%:*}
	compgen -G "$debs/${base}_*.deb" >/dev/null && return 0
	log "downloading $pkg"
	(cd "$debs" && apt-get download -q "$pkg" >/dev/null 2>&1) || die "apt-get download $pkg failed"
}

deb_path() { compgen -G "$VHV_CACHE/debs/${1%%:*}_*.deb" | sort -V | tail -n1; }

# Unpacks FLAVOUR into $VHV_CACHE/kernels/$KREL once; sets KTREE.
kernel_fetch() {
	kernel_resolve "$1"
	KTREE=$VHV_CACHE/kernels/$KREL
	[ -f "$KTREE/.complete" ] && return 0
	local sfx p
	sfx=$(arm64_suffix)
	for p in "$PKG_IMAGE$sfx" "$PKG_HEADERS$sfx" "$PKG_COMMON" "$PKG_KBUILD"; do
		deb_fetch "$p"
	done
	log "unpacking $KREL into $KTREE"
	rm -rf "$KTREE" && mkdir -p "$KTREE"
	for p in "$PKG_IMAGE" "$PKG_HEADERS" "$PKG_COMMON" "$PKG_KBUILD"; do
		dpkg -x "$(deb_path "$p")" "$KTREE" || die "cannot unpack $p"
	done
	# The headers' Makefile includes the -common tree by an absolute
	# /usr/src path; scripts/ and tools/ are relative links that already
	# resolve inside the cache.
	local hdr=$KTREE/usr/src/linux-headers-$KREL common=$KTREE/usr/src/$PKG_COMMON
	[ -d "$common" ] || die "no -common tree in $PKG_COMMON"
	echo "include $common/Makefile" >"$hdr/Makefile"
	touch "$KTREE/.complete"
}

kernel_headers() { kernel_fetch "$1"; echo "$KTREE/usr/src/linux-headers-$KREL"; }
kernel_image() { kernel_fetch "$1"; echo "$KTREE/boot/vmlinuz-$KREL"; }
kernel_modules() { kernel_fetch "$1"; echo "$KTREE/lib/modules/$KREL"; }

# The kernel's UAPI headers as `make headers_install` would give them, so
# that the tests see the KVM ABI of this kernel, not the older one of the
# cross libc. Processed with the kernel's own headers_install.sh.
kernel_uapi() {
	kernel_fetch "$1"
	local out=$KTREE/uapi
	if [ ! -f "$out/.complete" ]; then
		local common kbuild f rel
		common=$KTREE/usr/src/$PKG_COMMON
		kbuild=$KTREE/usr/lib/$PKG_KBUILD
		rm -rf "$out"
		log "installing UAPI headers of $KREL"
		while read -r f; do
			case $f in
			*/arch/arm64/include/uapi/*) rel=${f#*/arch/arm64/include/uapi/} ;;
			*) rel=${f#*/include/uapi/} ;;
			esac
			mkdir -p "$out/$(dirname "$rel")"
			(cd "$kbuild" && sh scripts/headers_install.sh "$f" "$out/$rel") ||
				die "headers_install failed on $f"
		done < <(find "$common/include/uapi/linux" "$common/include/uapi/asm-generic" \
				"$common/arch/arm64/include/uapi/asm" -name '*.h')
		cp -r "$KTREE/usr/src/linux-headers-$KREL/arch/arm64/include/generated/uapi/asm/." "$out/asm/"
		touch "$out/.complete"
	fi
	echo "$out"
}

# Cross compiler for the static test binaries.
target_cc() {
	case $HOST_DEB_ARCH in
	arm64) echo gcc ;;
	*) echo aarch64-linux-gnu-gcc ;;
	esac
}

# Builds vhv.ko for FLAVOUR from a copy of the source tree (Kbuild builds
# in place, and the flavours must not share objects) into
# $VHV_OUT/mod-FLAVOUR/vhv.ko, with the build log beside it for the
# warning check. Several may run at once once their kernels are fetched.
build_module() {
	local flavour=$1 dir=$VHV_OUT/mod-$1
	rm -rf "$dir" && mkdir -p "$dir/src"
	(cd "$VHV_SRC" && git ls-files -co --exclude-standard 2>/dev/null || find . -type f -not -path './build/*' -not -path './.git/*') |
		grep -v '^build/' | (cd "$VHV_SRC" && cpio -pdm --quiet "$dir/src") || die "cannot copy the source tree"
	log "building vhv.ko for $flavour"
	if ! make -C "$dir/src" KDIR="$(kernel_headers "$flavour")" >"$dir/build.log" 2>&1; then
		cat "$dir/build.log" >&2
		die "vhv.ko does not build for $flavour"
	fi
	cp "$dir/src/vhv.ko" "$dir/vhv.ko"
}

module_path() { echo "$VHV_OUT/mod-$1/vhv.ko"; }

# Everything a run needs built, the independent builds in parallel:
# vhv.ko for each FLAVOUR given, the selftests and vhv-run.
build_all() {
	local f pids=()
	for f in "$@" 6.12; do kernel_fetch "$f"; done
	kernel_uapi 6.12 >/dev/null
	for f in "$@"; do
		build_module "$f" &
		pids+=($!)
	done
	build_selftests &
	pids+=($!)
	build_unit_tests &
	pids+=($!)
	build_tools &
	pids+=($!)
	for f in "${pids[@]}"; do
		wait "$f" || die "a build failed (see above)"
	done
}

build_selftests() {
	local uapi
	uapi=$(kernel_uapi 6.12)
	log "building selftests"
	rm -rf "$VHV_OUT/selftests/bin"
	make -s -j"$(nproc)" -C "$VHV_SRC/selftests" O="$VHV_OUT/selftests" CC="$(target_cc)" UAPI="$uapi" >&2 ||
		die "selftests do not build"
}

# Unit tests of vhv's pure code, for the build host itself.
build_unit_tests() {
	log "building host unit tests"
	make -s -C "$VHV_SRC/selftests/unit" O="$VHV_OUT/unit" HOSTCC=gcc >&2 ||
		die "host unit tests do not build"
}

# Debian's libfdt-dev for arm64 (headers and libfdt.a), unpacked into the
# cache: vhv-run links it static.
libfdt_arm64() {
	local dir=$VHV_CACHE/libfdt
	if [ ! -f "$dir/.complete" ]; then
		deb_fetch "libfdt-dev$(arm64_suffix)"
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg -x "$(deb_path libfdt-dev)" "$dir" || die "cannot unpack libfdt-dev"
		touch "$dir/.complete"
	fi
	echo "$dir"
}

build_tools() {
	local uapi fdt
	uapi=$(kernel_uapi 6.12)
	fdt=$(libfdt_arm64)
	make -s -C "$VHV_SRC/tools/vhv-run" O="$VHV_OUT/tools" CC="$(target_cc)" UAPI="$uapi" \
		FDT="$fdt" >&2 || die "vhv-run does not build"
}

# The modules the initramfs needs to reach the virtio-serial port that
# carries test output apart from the kernel's serial console. Debian
# 6.12 builds virtio_console in; 6.1 has it as a module.
copy_virtio_modules() {
	local moddir=$1 dest=$2 m f
	mkdir -p "$dest"
	for m in drivers/virtio/virtio_mmio drivers/char/virtio_console; do
		f=$(compgen -G "$moddir/kernel/$m.ko*" | head -n1) || continue
		case $f in
		*.xz) xz -dc "$f" >"$dest/$(basename "$m").ko" ;;
		*) cp "$f" "$dest/" ;;
		esac
	done
}

# cpio.gz of a directory, owned by root, reproducible order.
pack_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$2"
}

# A static arm64 busybox: the host's own on arm64, else Debian's package
# unpacked into the cache.
busybox_arm64() {
	[ "$HOST_DEB_ARCH" = arm64 ] && { echo /bin/busybox; return 0; }
	[ -x "$VHV_CACHE/busybox/bin/busybox" ] || {
		deb_fetch "busybox-static$(arm64_suffix)"
		mkdir -p "$VHV_CACHE/busybox" && dpkg -x "$(deb_path busybox-static)" "$VHV_CACHE/busybox"
	}
	echo "$VHV_CACHE/busybox/bin/busybox"
}

# The part of every initramfs that does not depend on the kernel: busybox,
# /init, the test binaries and the tools.
build_base_initramfs() {
	local root=$VHV_OUT/initramfs/base
	rm -rf "$root" && mkdir -p "$root"/{bin,dev,proc,sys,tmp,tests,lib/modules}
	cp "$(busybox_arm64)" "$root/bin/busybox"
	cp "$VHV_SRC/tools/testbed/init" "$root/init"
	chmod 755 "$root/init"
	cp "$VHV_OUT"/selftests/bin/* "$root/tests/"
	install -m 755 "$VHV_SRC"/tools/vhv-run/tests/* "$root/tests/"
	[ -d "$VHV_OUT/tools" ] && cp "$VHV_OUT"/tools/* "$root/bin/"
	pack_cpio "$root" "$VHV_OUT/initramfs/base.cpio.gz"
}

# The Linux guest that VMMs boot inside the emulated host: Debian's 6.12
# Image (the host's own, uncompressed) and a busybox initramfs whose /init
# is tools/testbed/guest-init, with the virtio drivers Debian builds as
# modules, and the job scripts of JOBDIR (if any) in /guest.d.
GUEST_MODULES="net/core/failover drivers/net/net_failover drivers/net/virtio_net
	drivers/block/virtio_blk drivers/virtio/virtio_mmio"

build_guest_initramfs() {	# OUT [JOBDIR]
	local out=$1 jobs=${2:-} root m f moddir
	moddir=$(kernel_modules 6.12)
	root=$(mktemp -d "$VHV_OUT/initramfs/guest.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,guest.d}
	cp "$(busybox_arm64)" "$root/bin/busybox"
	install -m 755 "$VHV_SRC/tools/testbed/guest-init" "$root/init"
	for m in $GUEST_MODULES; do
		f=$(compgen -G "$moddir/kernel/$m.ko*" | head -n1) || die "guest: no $m.ko in $moddir"
		case $f in
		*.xz) xz -dc "$f" >"$root/lib/modules/$(basename "$m").ko" ;;
		*) cp "$f" "$root/lib/modules/" ;;
		esac
	done
	[ -z "$jobs" ] || install -m 755 "$jobs"/* "$root/guest.d/"
	pack_cpio "$root" "$out"
	rm -rf "$root"
}

# The cpio added to an emulated host's initramfs so that its VMMs can boot
# the guest: /guest/Image and /guest/initrd.gz. Sets GUEST_BUNDLE.
build_guest_bundle() {	# [JOBDIR]
	local root=$VHV_OUT/initramfs/guest-bundle
	rm -rf "$root" && mkdir -p "$root/guest"
	build_guest_initramfs "$root/guest/initrd.gz" "${1:-}"
	ln "$(kernel_image 6.12)" "$root/guest/Image" 2>/dev/null ||
		cp "$(kernel_image 6.12)" "$root/guest/Image"
	GUEST_BUNDLE=$VHV_OUT/initramfs/guest-bundle.cpio.gz
	pack_cpio "$root" "$GUEST_BUNDLE"
}

# initramfs = base + the kernel's virtio modules + one vhv.ko, as two
# concatenated cpio archives (the kernel unpacks them in order), and the
# guest bundle as a third when the boot runs Linux guests (GUEST=1), and
# Debian's QEMU with its test (qemu-client.sh) when QEMU=1.
build_initramfs() {
	local kernel=$1 ko=$2 out=$3 root
	root=$(mktemp -d "$VHV_OUT/initramfs/extra.XXXXXX")
	copy_virtio_modules "$(kernel_modules "$kernel")" "$root/lib/modules"
	cp "$ko" "$root/lib/modules/vhv.ko"
	pack_cpio "$root" "$root.cpio.gz"
	cat "$VHV_OUT/initramfs/base.cpio.gz" "$root.cpio.gz" >"$out"
	[ "${GUEST:-0}" = 0 ] || cat "$GUEST_BUNDLE" >>"$out"
	[ "${QEMU:-0}" = 0 ] || cat "$QEMU_BUNDLE" >>"$out"
	rm -rf "$root" "$root.cpio.gz"
}

# QEMU 7.2 is Debian 12's own. For an emulated CPU with what it lacks
# (FEAT_FGT, FEAT_HCX, FEAT_ECV, FEAT_WFxT, MOPS, ...), some boots use the
# QEMU of bookworm-backports, also Debian's archive: downloaded into the
# cache with apt-get download and unpacked there, never installed; only
# the bookworm libraries it links against are installed.
QEMU_BPO_SUITE=bookworm-backports
QEMU_BPO_DIR=$VHV_CACHE/qemu-bpo

# Adds bookworm-backports to apt's sources if it is not there. Backports
# are never installed unless asked for by suite, so nothing else changes.
ensure_backports_source() {
	grep -rqs "$QEMU_BPO_SUITE" /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
	[ "$(id -u)" -eq 0 ] || die "bookworm-backports is not in apt's sources; run as root once"
	local uri
	uri=$(grep -rhs '^URIs:.*/debian/\?$' /etc/apt/sources.list.d/ | head -n1 | awk '{ print $2 }')
	log "adding $QEMU_BPO_SUITE to apt's sources (for QEMU ${1:-})"
	cat >/etc/apt/sources.list.d/vhv-$QEMU_BPO_SUITE.sources <<EOS
Types: deb
URIs: ${uri:-http://deb.debian.org/debian}
Suites: $QEMU_BPO_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	APT_UPDATED=
	apt_update
}

# The newer QEMU, in $QEMU_BPO_DIR, fetched once.
qemu_fetch_backports() {
	[ -x "$QEMU_BPO_DIR/usr/bin/qemu-system-aarch64" ] && return 0
	ensure_backports_source
	local tmp libs p
	tmp=$(mktemp -d)
	log "downloading qemu-system-arm from $QEMU_BPO_SUITE"
	(cd "$tmp" && apt-get download -q qemu-system-arm/$QEMU_BPO_SUITE \
		qemu-system-data/$QEMU_BPO_SUITE >/dev/null 2>&1) ||
		die "apt-get download of qemu-system-arm/$QEMU_BPO_SUITE failed"
	# Its shared libraries come from bookworm itself.
	libs=$(apt-cache show "qemu-system-arm/$QEMU_BPO_SUITE" | sed -n 's/^Depends: //p' | head -n1 |
	       tr ',' '\n' | sed 's/[ (].*//; s/^ *//' | grep -v '^qemu-' | grep -v '^$' || true)
	for p in $libs; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" && continue
		log "apt-get install $p (for QEMU from $QEMU_BPO_SUITE)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >&2 ||
			die "apt-get install $p failed"
	done
	rm -rf "$QEMU_BPO_DIR" && mkdir -p "$QEMU_BPO_DIR"
	for p in "$tmp"/*.deb; do dpkg -x "$p" "$QEMU_BPO_DIR" || die "cannot unpack $p"; done
	rm -rf "$tmp"
	"$QEMU_BPO_DIR/usr/bin/qemu-system-aarch64" --version >/dev/null ||
		die "QEMU from $QEMU_BPO_SUITE does not run here"
}

# The QEMU binary of a boot's qemu column: 7.2 (Debian 12's) or 10.
qemu_binary() {
	case $1 in
	7.2) echo qemu-system-aarch64 ;;
	10) echo "$QEMU_BPO_DIR/usr/bin/qemu-system-aarch64" ;;
	*) die "unknown QEMU '$1' (7.2 or 10)" ;;
	esac
}

# The UEFI firmware (EDK2) of Debian's qemu-efi-aarch64.
UEFI_FW=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd

# qemu_args IMAGE CPU VIRT APPEND INITRD: the emulated host. Sets the
# array QEMU_ARGS (for the caller), without console wiring.
#
# With acpi=force in APPEND the host boots as servers do: QEMU starts the
# UEFI firmware, which loads the kernel, initrd and command line from
# fw_cfg and hands the kernel QEMU's ACPI tables and no device tree.
# Without it QEMU enters the kernel directly with a device tree.
qemu_args() {
	local image=$1 cpu=$2 virt=$3 append=$4 initrd=$5
	# shellcheck disable=SC2034 # used by the caller
	QEMU_ARGS=(-M "virt,virtualization=$virt,gic-version=3" -cpu "$cpu" -smp 2 -m 1G
		-nic none -no-reboot -kernel "$image" -initrd "$initrd"
		-append "console=ttyAMA0 panic=-1 loglevel=5 $append")
	case " $append " in
	*" acpi=force "*)
		[ -f "$UEFI_FW" ] || die "no $UEFI_FW: apt-get install qemu-efi-aarch64"
		QEMU_ARGS+=(-bios "$UEFI_FW") ;;
	esac
}

# Debian's arm64 QEMU as a client inside the emulated host.
. "$VHV_SRC/tools/testbed/qemu-client.sh"
