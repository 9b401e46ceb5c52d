#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch the pinned Debian linux-source-6.12 package, check its sha256 and
# unpack it once into build/base as a git tree with one base commit (tag
# "base").  If the archive no longer serves the pinned version, take the
# newest one it has, warn, and mark it so that the apply check decides.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need apt-get apt
need dpkg-deb dpkg
need git git
need xz xz-utils

stamp=$BUILD/base.version
if [ -f "$stamp" ] && [ -d "$BASE_REPO/.git" ] &&
   base_git rev-parse -q --verify base >/dev/null; then
	say "base: $(cat "$stamp") ($(base_git rev-parse --short base))"
	[ "$(cat "$stamp")" = "$BASE_PACKAGE $BASE_VERSION" ] ||
		warn "base.conf pins $BASE_VERSION but $BUILD holds $(cat "$stamp"): remove $BUILD to fetch it again"
	exit 0
fi

mkdir -p "$BUILD/dl"
version=$BASE_VERSION
deb=$BUILD/dl/${BASE_PACKAGE}_${version//:/%3a}_all.deb
if [ ! -f "$deb" ]; then
	say "base: downloading $BASE_PACKAGE=$version"
	if ! (cd "$BUILD/dl" && apt-get download "$BASE_PACKAGE=$version") \
			>"$BUILD/dl/apt.log" 2>&1; then
		newest=$(apt-cache madison "$BASE_PACKAGE" 2>/dev/null |
			 awk -F'|' 'NR == 1 { gsub(/ /, "", $2); print $2 }')
		[ -n "$newest" ] ||
			die "$BASE_PACKAGE is not in the apt sources (run apt-get update; need bookworm-security)"
		warn "the archive no longer serves $BASE_PACKAGE $BASE_VERSION;" \
		     "using the newest, $newest: the series must apply cleanly to it"
		version=$newest
		deb=$BUILD/dl/${BASE_PACKAGE}_${version//:/%3a}_all.deb
		(cd "$BUILD/dl" && apt-get download "$BASE_PACKAGE=$version") \
			>>"$BUILD/dl/apt.log" 2>&1 ||
			die "apt-get download $BASE_PACKAGE=$version failed: see $BUILD/dl/apt.log"
	fi
fi
if [ "$version" = "$BASE_VERSION" ]; then
	sum=$(sha256sum "$deb" | cut -d' ' -f1)
	[ "$sum" = "$BASE_SHA256" ] ||
		die "sha256 mismatch for $deb: got $sum, base.conf pins $BASE_SHA256"
	say "base: $BASE_PACKAGE $version, sha256 verified"
fi

say "base: unpacking into $BASE_REPO"
rm -rf "$BASE_REPO" "$BUILD/unpack"
mkdir -p "$BUILD/unpack"
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$BUILD/unpack" "./usr/src/$BASE_PACKAGE.tar.xz"
tar -xJf "$BUILD/unpack/usr/src/$BASE_PACKAGE.tar.xz" -C "$BUILD/unpack"
mv "$BUILD/unpack/$BASE_PACKAGE" "$BASE_REPO"
rm -rf "$BUILD/unpack"

# Debian appends "/*" and "!/debian/" to the top-level .gitignore (for its
# packaging repository): that hides every new file from git.  Drop those
# two lines so that new files of the series show up; nothing else changes.
sed -i -e '\#^/\*$#d' -e '\#^!/debian/$#d' "$BASE_REPO/.gitignore"

cd "$BASE_REPO"
git init -q -b base-branch .
git config core.abbrev 12
git add -A -f .
rig_git commit -q -m "Debian $BASE_PACKAGE $version

Unpacked from ${deb##*/}; the top-level .gitignore lost the two lines
Debian's packaging appends (\"/*\" and \"!/debian/\")."
git tag base
echo "$BASE_PACKAGE $version" >"$stamp"
say "base: $(cat "$stamp") committed as $(git rev-parse --short base)"
