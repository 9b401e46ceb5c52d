#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the queue's pinned base (series/QUEUE/base.conf: a Debian
# linux-source package), check its sha256 and unpack it once into
# build/QUEUE/base as a git tree with one base commit (tag "base").
# The package comes through the rig's own apt sources (rig_apt in lib.sh:
# the machine's archive addresses, with the suites the bases live in).
# If the archive has a newer package of BASE_NEWEST, warn and name both;
# if it no longer serves the pinned version, take the newest, warn, and
# mark it so that the apply check decides.  build/QUEUE/base.version
# names the package and version the tree was made from.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need apt-get apt
need dpkg-deb dpkg
need git git
need xz xz-utils

stamp=$BUILD/base.version
if [ -f "$stamp" ] && [ -d "$BASE_REPO/.git" ] &&
   base_git rev-parse -q --verify base >/dev/null; then
	say "base ($RIG_QUEUE): $(cat "$stamp") ($(base_git rev-parse --short base))"
	[ "$(cat "$stamp")" = "$BASE_PACKAGE $BASE_VERSION" ] ||
		warn "series/$RIG_QUEUE/base.conf pins $BASE_PACKAGE $BASE_VERSION but $BUILD holds $(cat "$stamp"): remove $BASE_REPO to fetch it again"
	exit 0
fi

dl=$TOP/dl
mkdir -p "$dl" "$BUILD"
# newest_base: "PACKAGE VERSION" of the newest package the archive has
# whose name matches BASE_NEWEST (the highest version; between packages
# of two releases, the later release).
newest_base() {
	local p v best="" bestv=""
	while read -r p; do
		v=$(rig_apt_cache madison "$p" 2>/dev/null |
		    awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
		[ -n "$v" ] || continue
		# shellcheck disable=SC2053
		[[ "$p" == $BASE_NEWEST ]] || continue
		if [ -z "$best" ] || dpkg --compare-versions "${p#linux-source-}.$v" gt \
				"${best#linux-source-}.$bestv"; then
			best=$p bestv=$v
		fi
	done < <(rig_apt_cache pkgnames linux-source- 2>/dev/null | sort)
	[ -n "$best" ] && echo "$best $bestv"
}

pkg=$BASE_PACKAGE
version=$BASE_VERSION
deb=$dl/${pkg}_${version//:/%3a}_all.deb
if [ ! -f "$deb" ] || [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$BASE_SHA256" ]; then
	rig_apt_update
	newest=$(newest_base) ||
		die "no package of $BASE_NEWEST in the rig's apt sources ($TOP/apt/sources.list: $APT_SUITES)"
	if [ "$newest" != "$pkg $version" ]; then
		if rig_apt_cache madison "$pkg" 2>/dev/null | grep -qF "| $version |"; then
			warn "the archive has $newest, newer than the pinned $pkg $version (series/$RIG_QUEUE/base.conf): the rig builds the pin; pin the newer one once the queue applies to it"
		else
			warn "the archive no longer serves $pkg $version (series/$RIG_QUEUE/base.conf);" \
			     "using the newest, $newest: the series must apply cleanly to it"
			pkg=${newest% *} version=${newest#* }
			deb=$dl/${pkg}_${version//:/%3a}_all.deb
		fi
	fi
	if [ ! -f "$deb" ]; then
		say "base ($RIG_QUEUE): downloading $pkg=$version"
		rm -f "$dl/${pkg}_"*.deb
		(cd "$dl" && rig_apt download "$pkg=$version") >"$dl/apt-$RIG_QUEUE.log" 2>&1 ||
			die "apt-get download $pkg=$version failed: see $dl/apt-$RIG_QUEUE.log"
	fi
fi
if [ "$version" = "$BASE_VERSION" ]; then
	sum=$(sha256sum "$deb" | cut -d' ' -f1)
	[ "$sum" = "$BASE_SHA256" ] ||
		die "sha256 mismatch for $deb: got $sum, series/$RIG_QUEUE/base.conf pins $BASE_SHA256"
	say "base ($RIG_QUEUE): $pkg $version, sha256 verified"
fi

say "base ($RIG_QUEUE): unpacking into $BASE_REPO"
rm -rf "$BASE_REPO" "$BUILD/unpack"
mkdir -p "$BUILD/unpack"
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$BUILD/unpack" "./usr/src/$pkg.tar.xz"
tar -xJf "$BUILD/unpack/usr/src/$pkg.tar.xz" -C "$BUILD/unpack"
mv "$BUILD/unpack/$pkg" "$BASE_REPO"
rm -rf "$BUILD/unpack"

# Debian appends "/*" and "!/debian/" to the top-level .gitignore (for its
# packaging repository): that hides every new file from git.  Drop those
# two lines so that new files of the series show up; nothing else changes.
sed -i -e '\#^/\*$#d' -e '\#^!/debian/$#d' "$BASE_REPO/.gitignore"

cd "$BASE_REPO"
git init -q -b base-branch .
git config core.abbrev 12
git add -A -f .
rig_git commit -q -m "Debian $pkg $version

Unpacked from ${deb##*/}; the top-level .gitignore lost the two lines
Debian's packaging appends (\"/*\" and \"!/debian/\")."
git tag base
echo "$pkg $version" >"$stamp"
say "base ($RIG_QUEUE): $(cat "$stamp") committed as $(git rev-parse --short base)"
