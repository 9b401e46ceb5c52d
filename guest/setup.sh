# SPDX-License-Identifier: GPL-2.0
# Sourced by /init: bind the VM's edu devices to their VFIO drivers and
# create the mdevs.  The VM (harness/vm.sh) has:
#   00:05.0  edu, alone in its IOMMU group          -> vfio-pci
#   00:07.0  edu, alone in its IOMMU group          -> edu-vfio-pci (pins)
#   00:06.0  edu, function 0 of a slot shared with 00:06.1 -> edu-vfio-pci
#   00:06.1  edu, function 1 (same IOMMU group)     -> vfio-pci
# and one mdev of the mtty sample and one of the mdma sample.
MTTY_UUID=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
MDMA_UUID=83b8f4f2-509f-382f-3c1e-e6bfe0fa1002

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

bind 0000:00:05.0 vfio-pci
bind 0000:00:07.0 edu-vfio-pci
bind 0000:00:06.0 edu-vfio-pci
bind 0000:00:06.1 vfio-pci
mdev mtty mtty-2 $MTTY_UUID
mdev mdma mdma-1 $MDMA_UUID
for g in /sys/kernel/iommu_groups/*; do
	log "iommu group ${g##*/}: $(ls "$g/devices" | tr '\n' ' ')"
done
