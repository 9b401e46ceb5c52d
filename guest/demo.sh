# SPDX-License-Identifier: GPL-2.0
# The live demo (./rig demo): each container the VM can build, what its
# dirty bitmap reports, and why.  Runs the series' own selftests one case
# at a time and shows the bitmaps they log.
D=/selftests/vfio
rc=0

scenario() {
	# $1: test binary, $2: fixture[.variant].test, $3...: explanation
	bin=$D/$1
	name=$2
	shift 2
	echo
	echo "=== $name"
	for l in "$@"; do echo "    $l"; done
	out=$("$bin" -r "$name" 2>&1)
	status=$?
	echo "$out" | sed -n 's/^# [^:]*:[0-9]*:[^:]*:/    reported: /p' |
		grep -v 'Expected'
	if [ $status -ne 0 ]; then
		echo "    result:   UNEXPECTED (exit $status)"
		echo "$out" | grep -E '^#.*(Expected|FAIL)' | sed 's/^/    /'
		rc=1
	elif echo "$out" | grep -q '# XFAIL'; then
		echo "    result:   WRONG on this kernel, as known (an expected failure"
		echo "              that the vfio core patches of the series turn into a pass)"
	else
		echo "    result:   as expected"
	fi
}

echo "Dirty page tracking of the type1 IOMMU backend and device DMA logging"
echo "from pins, live in this VM:"
grep -v '^#' /rig/devices | while read -r addr dev drv what; do
	case "$addr" in
	??:??.?) [ "$drv" = - ] || echo "  $addr on $drv: $what" ;;
	*) echo "  $what (type $drv)" ;;
	esac
done
echo "  16 pages mapped at IOVA 0x100000 in every container; bit n = page n"

scenario vfio_dirty_tracking edu.dma_reports_all_pages_dirty \
	"container: the edu device bound to vfio-pci.  The device DMAs into" \
	"1 page through the emulated VT-d; vfio-pci pins nothing, so type1" \
	"cannot know which pages it wrote: every mapped page is dirty, on" \
	"every round (all-dirty scope)"
scenario vfio_dirty_tracking mtty.no_page_dirty \
	"container: only an mtty mdev, behind an emulated IOMMU: it can touch" \
	"only pages it pins, and it pins none: nothing is dirty"
scenario vfio_dirty_scope mdma.write_reports_written_pages \
	"container: only the mdma mdev.  It writes pages 2-3 and, one page" \
	"long but unaligned, 5-6, pinning them for the copy: exactly those" \
	"four pages are dirty, once (pinned-page scope)"
scenario vfio_dirty_scope mdma.kept_pins_reported_every_round \
	"mdma keeps page 7 pinned: it may write it at any time, so it is dirty" \
	"every round, and once more after the pin is released"
scenario vfio_dirty_scope mdma.read_pins_clean \
	"mdma reads page 9 through a read-only pin: the device cannot write" \
	"it, so it is clean (the base kernel reported it dirty); the migration" \
	"capability says the bitmap is limited to pinned pages"
scenario vfio_dirty_scope mdma.dma_rw \
	"mdma writes 100 bytes of page 10 and reads page 11 with" \
	"vfio_dma_rw(): the write is dirty, the read is not"
scenario vfio_dirty_scope mixed.all_pages_dirty_until_edu_leaves \
	"container: mdma and the vfio-pci edu.  The edu group can DMA anywhere:" \
	"every page is dirty.  When it leaves, every page once more (what it" \
	"wrote must not be lost), then only what mdma pins"
scenario vfio_dirty_scope edu_pin.pinned_pages_only \
	"container: edu on edu-vfio-pci, an IOMMU-backed device that pins.  All" \
	"pages until its first pin, and in the round of that pin; then exactly" \
	"page 3 (written by real DMA through VT-d; page 0, only read, is clean)," \
	"every round while pinned, once after close"
scenario vfio_dirty_scope shared.pin_then_write.other_function_write_reported \
	"container: the shared group.  Function 0 (edu-vfio-pci) tries to pin" \
	"pages 0-1; function 1 (vfio-pci, pins nothing) writes page 8.  type1" \
	"narrows a whole group on a pin, so vfio refuses the pin (EINVAL) while" \
	"function 0 is not alone in its group: every page stays dirty, page 8" \
	"included (the base kernel narrowed the group and lost page 8)"
scenario vfio_group_pin pinned_group.unset_container.bind_refused_until_released \
	"the shared group, function 1 unbound: function 0 is alone and pins." \
	"Binding function 1 to vfio-pci again fails (EBUSY) until the group" \
	"leaves its container; closing function 0 is not enough"
scenario vfio_dirty_scope mdma.unmap_reports_written_pages \
	"unmap with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP after mdma wrote pages" \
	"4 (pinned) and 12 (vfio_dma_rw): the last bitmap of the range"
scenario vfio_dirty_tracking edu.migration_capability \
	"VFIO_IOMMU_GET_INFO's migration capability: page sizes for the" \
	"bitmap, and flags 0: the edu group on vfio-pci can write any page, so" \
	"VFIO_IOMMU_TYPE1_MIGRATION_PINNED_SCOPE is clear (every page dirty)"
scenario vfio_dma_logging migration.type1.live \
	"live migration the way QEMU 8.1 and later do it: through device DMA" \
	"logging, which vfio core builds from the pins of mdma (vfio_pin_log_ops)." \
	"A source and a destination process, each with its own mdma and guest" \
	"RAM (128 pages below 4 GiB, 128 above), in type1 containers.  Round 0" \
	"sends every page; each later round sends what the report returns, which" \
	"must be exactly the pages the device wrote or keeps pinned for writing." \
	"Converged at 4 pages or fewer; then STOP_COPY, the device state through" \
	"the data fd, the destination RESUMING -> RUNNING, compared byte for byte"
scenario vfio_dma_logging migration.cdev.live \
	"the same through iommufd: each mdma opened as a device cdev, bound to" \
	"/dev/iommu and attached to an IOAS, where type1's bitmaps do not exist"
if [ -x /selftests/bench/precopy ]; then
	echo
	echo "=== precopy: a migration loop in the shape of QEMU's (bench/precopy.c)"
	echo "    16 MiB of guest RAM sent once whole, then round by round what the"
	echo "    bitmap reports; mdma writes 32 pages of a 512-page command buffer"
	echo "    per 512 pages sent and keeps 1024 pages pinned for reading (a"
	echo "    texture it never writes); stop and copy once a round reports at"
	echo "    most 128 pages (the downtime budget); the destination is compared"
	echo "    with the source page for page"
	out=$(/selftests/bench/precopy 2>&1)
	status=$?
	echo "$out" | sed -n 's/^# precopy /    /p'
	if [ $status -ne 0 ] || ! echo "$out" | grep -q 'converged=1'; then
		echo "    result:   UNEXPECTED (exit $status)"
		echo "$out" | grep '^#' | grep -v '^# precopy ' | sed 's/^/    /'
		rc=1
	else
		echo "    result:   converged, destination equal to the source (the base"
		echo "              kernel reports the 1024 read-only pages every round"
		echo "              and never converges: ./rig bench shows both)"
	fi
fi
exit $rc
