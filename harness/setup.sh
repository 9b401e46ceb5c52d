#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the rig needs from Debian bookworm's archive (as root): the
# packages below from bookworm, and QEMU 10 from bookworm-backports (the
# test VM's devices need QEMU 8 or later: the 82576 "igb" that mainline's
# vfio selftests drive).  bookworm-backports is added to the machine's apt
# sources at the address and with the key of its bookworm entry; apt takes
# nothing from it unless asked (its packages have priority 100).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils kmod
	python3 python3-ply python3-git python3-docutils rsync git perl
	busybox-static uuid-dev
	sparse coccinelle ocaml-nox ocaml-findlib codespell
	gnuplot-nox
)
# From bookworm-backports, with the lowest version the rig takes.
BACKPORTS=(qemu-system-x86)
QEMU_MIN=8.0
BACKPORTS_LIST=/etc/apt/sources.list.d/rig-bookworm-backports.list

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'
}
qemu_ok() {
	local v
	command -v qemu-system-x86_64 >/dev/null || return 1
	v=$(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version \([0-9.]*\).*/\1/p')
	[ -n "$v" ] && dpkg --compare-versions "$v" ge "$QEMU_MIN"
}

missing=()
for p in "${PACKAGES[@]}"; do
	installed "$p" || missing+=("$p")
done
backports=()
qemu_ok && installed qemu-system-x86 || backports=("${BACKPORTS[@]}")
if [ ${#missing[@]} -eq 0 ] && [ ${#backports[@]} -eq 0 ]; then
	say "setup: all ${#PACKAGES[@]} packages present, $(qemu-system-x86_64 --version | head -n 1)"
	exit 0
fi
[ "$(id -u)" -eq 0 ] ||
	die "missing packages: ${missing[*]} ${backports[*]}${backports:+ (QEMU >= $QEMU_MIN, from bookworm-backports)}; run as root or install them"
command -v apt-get >/dev/null || die "apt-get not found: the rig needs Debian (bookworm)"
export DEBIAN_FRONTEND=noninteractive

if [ ${#backports[@]} -gt 0 ] &&
   ! machine_sources | awk '$2 == "bookworm-backports" { found = 1 } END { exit !found }'; then
	# The machine's own archive address and key, from its bookworm entry.
	read -r uri key < <(machine_sources | awk '$2 == "bookworm" { print $1, $3; exit }') ||
		die "the machine's apt sources have no entry for bookworm: cannot add bookworm-backports (QEMU >= $QEMU_MIN)"
	say "setup: adding bookworm-backports ($uri) to the apt sources ($BACKPORTS_LIST)"
	if [ "$key" = - ]; then
		echo "deb $uri bookworm-backports main" >"$BACKPORTS_LIST"
	else
		echo "deb [signed-by=$key] $uri bookworm-backports main" >"$BACKPORTS_LIST"
	fi
fi
say "setup: installing ${missing[*]}${backports:+ ${backports[*]} (bookworm-backports)}"
apt-get update -qq || die "apt-get update failed (network or sources.list?)"
if [ ${#missing[@]} -gt 0 ]; then
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install failed for: ${missing[*]}"
fi
if [ ${#backports[@]} -gt 0 ]; then
	apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		"${backports[@]}" >/dev/null ||
		die "apt-get install -t bookworm-backports failed for: ${backports[*]}"
	qemu_ok || die "qemu-system-x86_64 is $(qemu-system-x86_64 --version | head -n 1), the rig needs $QEMU_MIN or later (bookworm-backports)"
fi
say "setup: done, $(qemu-system-x86_64 --version | head -n 1)"
