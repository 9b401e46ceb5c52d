#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a tree's test kernel under qemu-system-x86_64 -M q35 (TCG) with an
# emulated VT-d and the devices of guest/devices, run guest tests and judge
# them (harness/results.py).
#   vm.sh [DIR] [TEST...]      (default DIR: build/linux)
# Tests: selftest:COLLECTION/PROGRAM, kunit, script:NAME (guest/NAME.sh);
# by default every test of the tree (its selftest install's list, then
# KUnit).  Results come on a second serial port, the verdict through
# isa-debug-exit: a truncated or garbled console cannot fake a pass.
# Writes the verdicts to build/results/<RIG_VM_NAME or tree name>.txt.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$WORK_TREE
if [ $# -gt 0 ] && [ -d "$1" ]; then dir=$(cd "$1" && pwd); shift; fi
name=$(basename "$dir")
obj=${RIG_VM_OBJ:-$BUILD/obj/$name}
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	list=$(tree_tests "$dir") || die "no list of the tests of $dir (see above)"
	mapfile -t tests <<<"$list"
fi
run_name=${RIG_VM_NAME:-$name}
kernel=$obj/arch/x86/boot/bzImage
timeout=$RIG_VM_TIMEOUT

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	die "/bin/busybox is missing or not static: install busybox-static"
[ -f "$kernel" ] || die "no kernel at $kernel: run ./rig build $dir"
[ ! "$obj/vmlinux" -nt "$kernel" ] ||
	die "$kernel is older than its vmlinux: run ./rig build $dir"

# QEMU's -device arguments, from guest/devices: its PCI devices, function
# 0 multifunction where its slot has other functions.  A device on a bus
# other than 00 sits behind a root port of guest/devices, named in its
# DEVICE column (bus=ID).
devices=() what=()
while read -r addr dev _ _; do
	case "$addr" in
	0[0-9a-f]:[0-1][0-9a-f].[0-7]) ;;
	*:*.*) die "guest/devices: $addr: the VM has PCI buses 00 to 0f (BB:SS.F, lower-case hex)" ;;
	*) continue ;;
	esac
	slot=${addr#*:}
	[ "${addr%%:*}" = 00 ] || [[ "$dev" == *,bus=* ]] ||
		die "guest/devices: $addr is not on bus 00: name its root port (bus=ID)"
	arg="$dev,addr=$slot"
	[ "${slot#*.}" = 0 ] &&
		grep -qE "^${addr%.*}\\.[1-7][[:space:]]" "$ROOT/guest/devices" &&
		arg+=",multifunction=on"
	devices+=(-device "$arg")
	what+=("${dev%%,*}@$addr")
done < <(grep -v '^#' "$ROOT/guest/devices")

run=$BUILD/vm/$run_name
rm -rf "$run"
mkdir -p "$run/initramfs"/{bin,sbin,dev,proc,sys,tmp,rig,selftests} "$RESULTS"
cp /bin/busybox "$run/initramfs/bin/"
cp "$ROOT/guest/init" "$run/initramfs/init"
cp "$ROOT"/guest/*.sh "$ROOT/guest/devices" "$ROOT/guest/selftest-devices" \
	"$ROOT/guest/splats" "$run/initramfs/rig/"
[ -d "$obj/selftests" ] && cp -r "$obj/selftests/." "$run/initramfs/selftests/"
chmod +x "$run/initramfs/init"
(cd "$run/initramfs" && find . | cpio -o -H newc --quiet) >"$run/initramfs.cpio" ||
	die "cannot make the initramfs"

# A tree whose queue does not carry the samples yet (no mdma) lacks some
# drivers of guest/devices, as the end of an earlier series does: the
# guest notes them instead of failing (rig.partial).
append=$RIG_VM_APPEND
[ -f "$dir/samples/vfio-mdev/mdma.c" ] || [[ " $append " == *" rig.partial "* ]] ||
	append+="${append:+ }rig.partial"
list=$(IFS=,; echo "${tests[*]}")
say "vm: booting $name (TCG, intel-iommu, ${what[*]}), ${#tests[@]} tests: $list (timeout ${timeout}s)"
# no_timer_check: under TCG on a loaded host the IO-APIC timer check can
# fail and panic.  For mainline's vfio selftests: SR-IOV on vfio-pci (the
# igb's VF), huge pages for the mapping test's 2M and 1G variants, and THP
# for shared memory, without which vfio_pci_driver_test pins its 1 GiB
# buffer page by page for longer than its harness's timeout.
cmdline="console=ttyS0 intel_iommu=on panic_on_warn=1 panic=-1 oops=panic"
cmdline+=" softlockup_panic=1 no_timer_check vfio_pci.enable_sriov=1"
cmdline+=" hugepagesz=1G hugepages=1 hugepagesz=2M hugepages=8"
cmdline+=" transparent_hugepage_shmem=always"
# Built-in KUnit suites run at boot: allnoconfig turns 7.3's
# KUNIT_AUTORUN_ENABLED off (6.12 has no such switch and ignores it).
cmdline+=" kunit.autorun=1"
cmdline+=" rig.tests=$list${append:+ $append}"
SECONDS=0
# -cpu max without 5-level paging: one early-boot KASAN "wild-memory-access"
# panic was seen in some 46 boots with it on.
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-nodefaults -display none -no-reboot \
	-M q35 -accel tcg -cpu max,la57=off -smp 2 -m 4G \
	-kernel "$kernel" -initrd "$run/initramfs.cpio" -append "$cmdline" \
	-device intel-iommu,intremap=on "${devices[@]}" \
	-serial "file:$run/console.log" -serial "file:$run/results.log" \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	</dev/null >"$run/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null' EXIT INT TERM
# Progress: each test as it begins, and the last line of a long one
# every minute.
seen=0 shown=0
while kill -0 $qpid 2>/dev/null; do
	sleep 2
	n=$(grep -c '^rig-begin ' "$run/results.log" 2>/dev/null || true)
	if [ "${n:-0}" -gt "$seen" ]; then
		seen=$n shown=$SECONDS
		printf '    [vm] %4ds %s\n' "$SECONDS" \
			"$(grep '^rig-begin ' "$run/results.log" | tail -n 1)"
	elif (( SECONDS - shown >= 60 )); then
		shown=$SECONDS
		printf '    [vm] %4ds ... %.100s\n' "$SECONDS" \
			"$(tail -n 1 "$run/results.log" 2>/dev/null | tr -d '\r')"
	fi
done
wait $qpid
rc=$?
trap - EXIT INT TERM
printf '    [vm] QEMU exited with %d after %ds\n' "$rc" "$SECONDS"
results vm ${RIG_SHOW:+--show} --tree "$dir" --run "$run" --exit "$rc" \
	--timeout "$timeout" --out "$RESULTS/$run_name.txt" -- "${tests[@]}"
