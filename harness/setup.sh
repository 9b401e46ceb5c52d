#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the rig needs from Debian bookworm's archive (as root).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils kmod
	python3 python3-ply python3-git python3-docutils rsync git perl
	qemu-system-x86 busybox-static
	sparse coccinelle ocaml-nox ocaml-findlib codespell
	gnuplot-nox
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	say "setup: all ${#PACKAGES[@]} packages present"
	exit 0
fi
[ "$(id -u)" -eq 0 ] ||
	die "missing packages: ${missing[*]}; run as root or: apt-get install ${missing[*]}"
command -v apt-get >/dev/null || die "apt-get not found: the rig needs Debian (bookworm)"
say "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed (network or sources.list?)"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
	die "apt-get install failed for: ${missing[*]}"
say "setup: done"
