#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the test kernel and the selftests of a tree, incrementally.
#   build.sh [DIR] [--vmlinux] [--kernel|--selftests]   (default DIR: build/linux)
# The kernel is "make allnoconfig" plus config/test.config (the VM's
# machine), config/mainline-selftests.config (what mainline's own vfio
# selftests need), config/debug.config (unless RIG_DEBUG=0) and what the
# series' selftests and KUnit suites ask for (SERIES_FRAGMENTS below),
# built out of tree in build/obj/<name of DIR>; the selftests of SELFTESTS
# (lib.sh) are installed into build/obj/<name>/selftests.
# --vmlinux builds vmlinux, not bzImage; --kernel builds the kernel without
# the selftests; --selftests builds the selftests of the configured tree,
# not the kernel.  RIG_CONFIG_EXTRA=FILE adds a fragment.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$WORK_TREE
target=bzImage
selftests=yes
kernel=yes
for a in "$@"; do
	case "$a" in
	--vmlinux) target=vmlinux ;;
	--kernel) selftests=no ;;
	--selftests) kernel=no ;;
	*) dir=$(cd "$a" && pwd) || die "no directory $a" ;;
	esac
done
[ -f "$dir/Makefile" ] || die "no kernel tree at $dir (./rig tree makes build/linux)"
need gcc build-essential
need make build-essential
need flex flex
need bison bison
need bc bc

obj=$BUILD/obj/$(basename "$dir")
mkdir -p "$obj" "$BUILD/logs"
# The rig's options (the machine, the debug kernel, a developer's extra
# fragment) must all be taken.  The series' own (what its selftests and
# KUnit suites need, SERIES_FRAGMENTS) are taken where the tree defines the
# option: those of the end of the series (patches/), so that every build
# of the bisect asks for the same options, and those of the tree itself
# (a work tree may be ahead of patches/).
SERIES_FRAGMENTS=(tools/testing/selftests/vfio/config drivers/vfio/.kunitconfig)
debug=$ROOT/config/debug.config
[ "$RIG_DEBUG" != 0 ] || debug=""
rig_want=$(cat "$ROOT/config/test.config" "$ROOT/config/mainline-selftests.config" \
	${debug:+"$debug"} ${RIG_CONFIG_EXTRA:+"$RIG_CONFIG_EXTRA"})
series_want=""
for f in "${SERIES_FRAGMENTS[@]}"; do
	# A series without one of them (series_file warns) has the other.
	series_want+=$(series_file "$f")$'\n' || true
	[ -f "$dir/$f" ] && series_want+=$(cat "$dir/$f")$'\n'
done
series_want=$(grep '^CONFIG_' <<<"$series_want" | sort -u) ||
	die "the series' ${SERIES_FRAGMENTS[*]} hold no CONFIG_ option"
want=$rig_want$'\n'$series_want
# The series' options that this tree defines.
symbols=$(grep -rhoE --include='Kconfig*' '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' "$dir" |
	awk '{ print "CONFIG_" $2 }' | sort -u)
defined=$(grep -o '^CONFIG_[A-Za-z0-9_]*' <<<"$series_want" | grep -xFf <(echo "$symbols") || true)
stamp=$obj/.rig-config
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want$defined" ]; then
	say "build: configuring $obj (allnoconfig + config/test.config, config/mainline-selftests.config${debug:+, config/debug.config}${RIG_CONFIG_EXTRA:+, $RIG_CONFIG_EXTRA} and the series' ${SERIES_FRAGMENTS[*]})"
	merged=$obj/.rig-allconfig
	printf '%s\n' "$want" >"$merged"
	make -s -C "$dir" O="$obj" KCONFIG_ALLCONFIG="$merged" allnoconfig \
		>"$BUILD/logs/config.log" 2>&1 ||
		die "allnoconfig failed: see $BUILD/logs/config.log"
	bad=""
	while IFS= read -r line; do
		case "$line" in CONFIG_*=*) ;; *) continue ;; esac
		key=${line%%=*} val=${line#*=}
		got=$(grep "^$key=" "$obj/.config" | cut -d= -f2- || true)
		[ "$got" = "$val" ] && continue
		[ "$val" = n ] && [ -z "$got" ] && continue
		if grep -qx "$line" <<<"$series_want" && ! grep -qx "$key" <<<"$defined"; then
			continue
		fi
		bad+=" $key=$val(got:${got:-unset})"
	done <<<"$want"
	[ -z "$bad" ] || die "config options not taken (missing dependency?):$bad"
	printf '%s' "$want$defined" >"$stamp"
fi

if [ "$kernel" = yes ]; then
	say "build: kernel ($target) of $dir"
	run_logged "make $target" "$BUILD/logs/build-$(basename "$dir").log" \
		make -C "$dir" O="$obj" -j"$JOBS" "$target" ||
		die "kernel build failed in $dir (log: $BUILD/logs/build-$(basename "$dir").log)"
fi
[ "$selftests" = no ] && { say "build: $target in $obj"; exit 0; }

# uAPI headers of the tree, and the selftests, linked static against
# them, installed by the selftests' own Makefile into $obj/selftests with
# the list of what it installed (kselftest-list.txt): the guest runs that.
make -s -C "$dir" O="$obj" headers >"$BUILD/logs/headers.log" 2>&1 ||
	die "make headers failed: see $BUILD/logs/headers.log"
rm -rf "$obj/selftests"
targets=""
for t in $SELFTESTS; do
	[ ! -d "$dir/tools/testing/selftests/$t" ] || targets+=${targets:+ }$t
done
if [ -n "$targets" ]; then
	log=$BUILD/logs/selftests-$(basename "$dir").log
	run_logged "selftests $targets" "$log" \
		make -C "$dir/tools/testing/selftests" O="$obj" \
			TARGETS="$targets" FORCE_TARGETS=1 USERLDFLAGS=-static \
			KSFT_INSTALL_PATH="$obj/selftests" install ||
		die "selftests $targets failed to build (log: $log)"
	! grep -q 'warning:' "$log" ||
		die "selftests: compiler warnings: $(grep -m3 'warning:' "$log")"
fi
say "build: $obj/arch/x86/boot/bzImage"
