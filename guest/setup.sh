# SPDX-License-Identifier: GPL-2.0
# Sourced by /init: bind the VM's edu devices to vfio-pci and create an mtty
# mdev.  The VM (harness/vm.sh) has:
#   00:05.0  edu, alone in its IOMMU group
#   00:06.0  edu, function 0 of a slot shared with 00:06.1
#   00:06.1  edu, function 1 (same IOMMU group as 00:06.0)
MTTY_UUID=83b8f4f2-509f-382f-3c1e-e6bfe0fa1001

setup_error() {
	log "setup: $*"
	echo "rig-setup-error $*" >$R
}

bind_vfio_pci() {
	d=/sys/bus/pci/devices/$1
	[ -e "$d" ] || { setup_error "no PCI device $1"; return 1; }
	[ -e "$d/driver" ] && echo "$1" >"$d/driver/unbind"
	echo vfio-pci >"$d/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$d/driver")")" = vfio-pci ] ||
		{ setup_error "$1 did not bind to vfio-pci"; return 1; }
}

for bdf in 0000:00:05.0 0000:00:06.0 0000:00:06.1; do
	bind_vfio_pci $bdf
done
echo $MTTY_UUID >/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2/create ||
	setup_error "cannot create the mtty mdev"
for g in /sys/kernel/iommu_groups/*; do
	log "iommu group ${g##*/}: $(ls "$g/devices" | tr '\n' ' ')"
done
