#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot a tree's test kernel under qemu-system-x86_64 -M q35 (TCG) with an
# emulated VT-d and QEMU edu devices, run the named guest tests and judge
# them.
#   vm.sh [DIR] [TEST...]      (default DIR: build/linux)
# Tests: selftest:DIR/BIN, kunit, script:NAME (guest/NAME.sh).
# Results come on a second serial port, the verdict through isa-debug-exit:
# a truncated or garbled console cannot fake a pass.  Writes the per-test
# verdicts to build/results/<name>.txt ("PASS|FAIL|SKIP|XFAIL name").
set -uo pipefail
. "$(dirname "$0")/lib.sh"

dir=$WORK_TREE
if [ $# -gt 0 ] && [ -d "$1" ]; then dir=$(cd "$1" && pwd); shift; fi
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(selftest:vfio/vfio_dirty_tracking)
name=$(basename "$dir")
obj=$BUILD/obj/$name
# RIG_VM_APPEND adds to the kernel command line, e.g. to run one KUnit case:
# RIG_VM_APPEND=kunit.filter_glob=vfio-iommu-type1.t1_pin_no_page.
# RIG_VM_NAME names the run (its directory and result file) when one tree
# boots more than once.
run_name=${RIG_VM_NAME:-$name}
kernel=$obj/arch/x86/boot/bzImage
timeout=${RIG_VM_TIMEOUT:-900}

need qemu-system-x86_64 qemu-system-x86
need cpio cpio
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
	die "/bin/busybox is missing or not static: install busybox-static"
[ -f "$kernel" ] || die "no kernel at $kernel: run ./rig build $dir"

run=$BUILD/vm/$run_name
rm -rf "$run"
mkdir -p "$run/initramfs"/{bin,sbin,dev,proc,sys,tmp,rig,selftests} "$BUILD/results"
cp /bin/busybox "$run/initramfs/bin/"
cp "$ROOT/guest/init" "$run/initramfs/init"
cp "$ROOT"/guest/*.sh "$run/initramfs/rig/"
[ -d "$obj/selftests" ] && cp -r "$obj/selftests/." "$run/initramfs/selftests/"
chmod +x "$run/initramfs/init"
(cd "$run/initramfs" && find . | cpio -o -H newc --quiet) >"$run/initramfs.cpio" ||
	die "cannot make the initramfs"

list=$(IFS=,; echo "${tests[*]}")
say "vm: booting $name (TCG, intel-iommu, 4 edu), tests: $list (timeout ${timeout}s)"
cmdline="console=ttyS0 intel_iommu=on panic_on_warn=1 panic=-1 oops=panic"
cmdline+=" softlockup_panic=1 rig.tests=$list${RIG_VM_APPEND:+ $RIG_VM_APPEND}"
SECONDS=0
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-nodefaults -display none -no-reboot \
	-M q35 -accel tcg -cpu max -smp 2 -m 2G \
	-kernel "$kernel" -initrd "$run/initramfs.cpio" -append "$cmdline" \
	-device intel-iommu,intremap=on \
	-device edu,addr=5.0 -device edu,addr=7.0 \
	-device edu,addr=6.0,multifunction=on -device edu,addr=6.1 \
	-serial "file:$run/console.log" -serial "file:$run/results.log" \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	</dev/null >"$run/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null' EXIT INT TERM
seen=0
while kill -0 $qpid 2>/dev/null; do
	sleep 2
	n=$(grep -c '^rig-begin ' "$run/results.log" 2>/dev/null || true)
	if [ "${n:-0}" -gt "$seen" ]; then
		seen=$n
		printf '    [vm] %4ds %s\n' "$SECONDS" \
			"$(grep '^rig-begin ' "$run/results.log" | tail -n 1)"
	fi
done
wait $qpid
rc=$?
trap - EXIT INT TERM
printf '    [vm] QEMU exited with %d after %ds\n' "$rc" "$SECONDS"

case $rc in
33) verdict="guest reported pass" ;;
35) verdict="guest reported failure" ;;
124) verdict="guest hung: no verdict after ${timeout}s (killed)" ;;
137) verdict="QEMU was killed (SIGKILL: hung past the timeout, or out of memory)" ;;
0) verdict="guest died without a verdict (kernel panic or reboot)" ;;
*) verdict="QEMU failed (exit $rc): $(head -c 300 "$run/qemu.log" | tr '\n' ' ')" ;;
esac
python3 "$ROOT/harness/parse_results.py" ${RIG_SHOW:+--show} --tree "$dir" --exit "$rc" \
	--verdict "$verdict" --console "$run/console.log" \
	--results "$run/results.log" --out "$BUILD/results/$run_name.txt" \
	-- "${tests[@]}"
