# SPDX-License-Identifier: GPL-2.0
# The live demo (./rig demo): each container the VM can build, what its
# dirty bitmap reports, and why.  Runs the series' own selftests one case
# at a time and shows the bitmaps they log.
T=/selftests/vfio/vfio_dirty_tracking
rc=0

scenario() {
	# $1: fixture.test, $2...: explanation lines
	name=$1
	shift
	echo
	echo "=== $name"
	for l in "$@"; do echo "    $l"; done
	out=$("$T" -r "$name" 2>&1)
	status=$?
	echo "$out" | sed -n 's/^# [^:]*:[0-9]*:[^:]*:/    reported: /p'
	if [ $status -eq 0 ]; then
		echo "    result:   as expected"
	else
		echo "    result:   UNEXPECTED (exit $status)"
		echo "$out" | grep -E '^#.*(Expected|FAIL)' | sed 's/^/    /'
		rc=1
	fi
}

echo "Dirty page tracking of the type1 IOMMU backend, live in this VM:"
echo "  00:05.0 edu (vfio-pci, singleton group), mtty mdev (emulated IOMMU)"

scenario edu.dma_reports_all_pages_dirty \
	"container: the edu device bound to vfio-pci, 16 pages mapped" \
	"the device DMAs into 1 page through the emulated VT-d;" \
	"vfio-pci pins nothing, so type1 cannot know which pages the device" \
	"wrote: every mapped page is dirty, on every round (all-dirty scope)"
scenario edu.unmap_reports_all_pages_dirty \
	"the same container, unmapped with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP:" \
	"the last bitmap of the range comes back with the unmap"
scenario mtty.no_page_dirty \
	"container: only an mtty mdev, behind an emulated IOMMU; its driver" \
	"would pin every page it touches, and it pins none: the bitmap is" \
	"limited to pinned pages (pinned-page scope), so nothing is dirty"
scenario edu.migration_capability \
	"VFIO_IOMMU_GET_INFO's migration capability: page sizes for the" \
	"bitmap; its flags do not yet tell userspace which scope applies"
exit $rc
