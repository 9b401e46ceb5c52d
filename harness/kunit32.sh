#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The tree's KUnit suites (drivers/vfio/.kunitconfig) on a 32-bit kernel.
# The type1 dirty bitmaps are arrays of unsigned long in the kernel and of
# u64 in the uAPI, and dma_addr_t and size_t have 32 bits there: only a
# 32-bit kernel tells them apart.
#   kunit32.sh [DIR]      (default DIR: build/series)
# The kernel is "make ARCH=i386 allnoconfig" plus the tree's .kunitconfig
# and what kunit.py's own i386 QEMU configuration asks for (its console):
# a small kernel, where kunit.py's olddefconfig of the same options builds
# one several times larger.  Built out of tree in
# build/QUEUE/obj/kunit-i386-<name of DIR>; it boots in qemu-system-i386
# (TCG) as the kernel's own "kunit.py exec" would boot it, and
# harness/results.py judges the console with kunit.py parse.  Writes
# build/QUEUE/results/kunit32.txt.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$SERIES_TREE
[ $# -gt 0 ] && dir=$(cd "$1" && pwd)
obj=$BUILD/obj/kunit-i386-$(basename "$dir")
out=$RESULTS/kunit32.txt
log=$BUILD/logs/kunit32-$(basename "$dir").log
kunitconfig=$dir/drivers/vfio/.kunitconfig
arch=$dir/tools/testing/kunit/qemu_configs/i386.py
mkdir -p "$obj" "$RESULTS" "$BUILD/logs"
results reset "$out"

fail() {
	result kunit32 FAIL kunit32 "$*"
	exit 1
}
need qemu-system-i386 qemu-system-x86
need make build-essential
[ -f "$dir/tools/testing/kunit/kunit.py" ] || fail "no kunit.py in $dir"
[ -f "$kunitconfig" ] || fail "no drivers/vfio/.kunitconfig in $dir"
[ -f "$arch" ] || fail "no kunit.py QEMU configuration for i386 in $dir"

# The .kunitconfig, and the kconfig='''...''' of kunit.py's i386 QEMU
# configuration.
frag=$obj/.rig-kunitconfig
{
	cat "$kunitconfig"
	sed -n "/kconfig='''/,/'''/p" "$arch" | grep -o 'CONFIG_[A-Za-z0-9_]*=[^'\'']*'
	# allnoconfig turns off the autorun of built-in suites where the
	# tree has the switch (7.3): kunit.py exec would see no test.
	grep -qs '^config KUNIT_AUTORUN_ENABLED' "$dir/lib/kunit/Kconfig" &&
		echo CONFIG_KUNIT_AUTORUN_ENABLED=y
} >"$frag"
say "kunit32: i386 kernel of $dir: $(grep -c '^CONFIG_' "$frag") options from drivers/vfio/.kunitconfig and kunit.py's i386 configuration"
if [ ! -f "$obj/.config" ] || ! cmp -s "$frag" "$obj/.rig-config"; then
	make -s -C "$dir" O="$obj" ARCH=i386 KCONFIG_ALLCONFIG="$frag" \
		allnoconfig >"$BUILD/logs/config-kunit32.log" 2>&1 ||
		fail "allnoconfig failed: see $BUILD/logs/config-kunit32.log"
	missing=$(grep '^CONFIG_.*=y$' "$frag" | grep -vxFf "$obj/.config" | tr '\n' ' ')
	[ -z "$missing" ] || fail "config options not taken: $missing"
	cp "$frag" "$obj/.rig-config"
fi
# The point of the run: 32-bit long, dma_addr_t and size_t.
grep -q '^CONFIG_64BIT=y' "$obj/.config" && fail "$obj/.config is 64-bit"
grep -q '^CONFIG_ARCH_DMA_ADDR_T_64BIT=y' "$obj/.config" &&
	fail "$obj/.config has a 64-bit dma_addr_t"
run_logged "make ARCH=i386 bzImage" "$BUILD/logs/build-kunit32.log" \
	make -C "$dir" O="$obj" ARCH=i386 -j"$JOBS" bzImage ||
	fail "i386 kernel build failed (log: $BUILD/logs/build-kunit32.log)"
# Booted as kunit.py exec boots it (its i386 configuration's command line
# and QEMU options), but always under TCG: kunit.py tries KVM first, and
# where /dev/kvm exists but cannot run this guest (a nested host) the
# kernel never prints a line.  kunit.py parse judges the console.
cmdline=$(sed -n "s/.*kernel_command_line='\([^']*\)'.*/\1/p" "$arch")
run_logged kunit32 "$log" timeout -k 10 600 qemu-system-i386 -nodefaults \
	-m 1024 -kernel "$obj/arch/x86/boot/bzImage" \
	-append "kunit.enable=1 ${cmdline:-console=ttyS0} kunit_shutdown=reboot" \
	-no-reboot -display none -accel tcg -serial stdio </dev/null
rc=$?
results kunit --tree "$dir" --log "$log" --rc "$rc" --name kunit32 --out "$out"
