# SPDX-License-Identifier: GPL-2.0
# Sourced by /init: bind each PCI device of /rig/devices (guest/devices)
# to its driver and create each mdev it lists.

setup_error() {
	log "setup: $*"
	echo "rig-setup-error $*" >$R
}

# The kernel of an earlier series lacks the samples of the later ones: with
# rig.partial on the command line, a missing sample is noted, not an error.
missing() {
	if grep -q 'rig\.partial' /proc/cmdline; then
		log "setup: $* (not in this tree)"
	else
		setup_error "$*"
	fi
}

# bind BDF DRIVER
bind() {
	d=/sys/bus/pci/devices/$1
	[ -e "$d" ] || { setup_error "no PCI device $1"; return 1; }
	[ -e /sys/bus/pci/drivers/$2 ] ||
		{ missing "no driver $2 in this kernel"; return 1; }
	[ -e "$d/driver" ] && echo "$1" >"$d/driver/unbind"
	echo "$2" >"$d/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$d/driver")")" = "$2" ] ||
		{ setup_error "$1 did not bind to $2"; return 1; }
}

# mdev PARENT TYPE UUID
mdev() {
	t=/sys/class/mdev_bus/$1/mdev_supported_types/$2
	[ -e "$t" ] || { missing "no mdev type $2 (sample $1 missing)"; return 1; }
	echo "$3" >"$t/create" || setup_error "cannot create the $1 mdev"
}

grep -v '^#' /rig/devices | while read -r addr dev drv what; do
	case "$addr" in
	??:??.?) [ "$drv" = - ] || bind "0000:$addr" "$drv" ;;
	?*) mdev "$dev" "$drv" "$addr" ;;
	esac
done
for g in /sys/kernel/iommu_groups/*; do
	log "iommu group ${g##*/}: $(ls "$g/devices" | tr '\n' ' ')"
done
