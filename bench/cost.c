// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cost of reading the type1 dirty bitmap: GET_BITMAP, unmap with bitmap,
 * START and STOP, over mappings of several shapes, in a container that
 * holds only an mtty mdev.  mtty pins nothing and a container without an
 * IOMMU domain pins nothing at MAP_DMA, so a mapping may be as large as
 * the address space: the mappings are backed by one untouched
 * MAP_NORESERVE region.  Needs only what the base kernel has, so that
 * harness/bench.sh runs it on the base, the series before its bitmap
 * patches and the whole series.
 *
 * The floor of each measurement is a memcpy() of the bitmap bytes it
 * returns, timed in the same process, and a copy of them with "rep movsb",
 * the instruction the kernel's copy_to_user() and memset() use on a CPU
 * with fast string operations (QEMU's -cpu max): under TCG it is several
 * times slower than glibc's vector memcpy(), so a kernel copy cannot come
 * near the memcpy() floor there.  Every GET and unmap is checked: an
 * mdev that pins nothing leaves every bit clear, and an unmap unmaps the
 * whole range.
 *
 * Prints KTAP, and per measurement one line
 *   # cost OP SHAPE bytes=B ns=T floor=F rep=M runs=R
 * T, F and M are medians of R runs, in nanoseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "timing.h"
#include "vfio_dirty_utils.h"

#define C_IOVA		(1ULL << 40)
#define C_REGION	(64ULL << 30)
#define MIN_RUNS	5
#define MAX_RUNS	101
#define MIN_NS		200000000.0	/* keep timing for 0.2 s, within MAX_RUNS */

struct shape {
	const char *name;
	unsigned long count;	/* mappings, back to back from C_IOVA */
	uint64_t size;		/* of each */
	int pages;		/* GET and unmap one page, first and last */
};

static const struct shape shapes[] = {
	{ "1x1G", 1, 1ULL << 30 },
	{ "1x4G", 1, 4ULL << 30 },
	{ "1x16G", 1, 16ULL << 30 },
	{ "1x64G", 1, 64ULL << 30 },
	{ "512x2M", 512, 2ULL << 20 },
	{ "16384x64K", 16384, 64ULL << 10 },
	{ "1024x4K", 1024, PAGE_4K, 1 },
	{ "4096x4K", 4096, PAGE_4K, 1 },
	{ "16384x4K", 16384, PAGE_4K, 1 },
};

static int container = -1;
static uint8_t *region;
static uint64_t *bitmap, *copy;
static const struct shape *shape;
static int failed;

static uint64_t bitmap_bytes(uint64_t size)
{
	return (size / PAGE_4K + 63) / 64 * 8;
}

/*
 * Unmap, with the bitmap if @with_bitmap: unmap_get_bitmap() would poison
 * the bitmap within the time measured.
 */
static int unmap(uint64_t iova, uint64_t size, int with_bitmap)
{
	struct {
		struct vfio_iommu_type1_dma_unmap unmap;
		struct vfio_bitmap bitmap;
	} req = {
		.unmap.argsz = with_bitmap ? sizeof(req) : sizeof(req.unmap),
		.unmap.flags = with_bitmap ?
			       VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP : 0,
		.unmap.iova = iova,
		.unmap.size = size,
		.bitmap.pgsize = PAGE_4K,
		.bitmap.size = bitmap_bytes(size),
		.bitmap.data = (__u64 *)bitmap,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &req))
		return -errno;
	return req.unmap.size == size ? 0 : -ERANGE;
}

/* Map mappings [first, first + n) of the shape. */
static int map(unsigned long first, unsigned long n)
{
	unsigned long i;
	int ret;

	for (i = first; i < first + n; i++) {
		ret = dma_map(container, region + i * shape->size,
			      C_IOVA + i * shape->size, shape->size);
		if (ret)
			return ret;
	}
	return 0;
}

/* Every bit of the last request clear; poisons the bitmap for the next. */
static int all_clear(uint64_t size)
{
	uint64_t i, n = bitmap_bytes(size) / 8;
	int ret = 0;

	for (i = 0; i < n; i++)
		if (bitmap[i])
			ret = -EIO;
	memset(bitmap, 0xa5, n * 8);
	return ret;
}

enum op { GET, UNMAP, START, STOP };

/*
 * One run of @op over [iova, iova + size): the ioctl is timed, the
 * preparation (mapping again what an unmap took, stopping what START
 * starts) is not.  Returns the time in ns, or -1 on error.
 */
static double run(enum op op, uint64_t iova, uint64_t size)
{
	double t0, t1;
	int ret;

	switch (op) {
	case GET:
		t0 = now_ns();
		ret = get_bitmap_to(container, iova, size, bitmap,
				    bitmap_bytes(size));
		t1 = now_ns();
		ret = ret ?: all_clear(size);
		break;
	case UNMAP:
		t0 = now_ns();
		ret = unmap(iova, size, 1);
		t1 = now_ns();
		ret = ret ?: all_clear(size);
		ret = ret ?: map((iova - C_IOVA) / shape->size,
				 size / shape->size);
		break;
	case START:
		ret = dirty_pages(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
		t0 = now_ns();
		ret = ret ?: dirty_pages(container,
					 VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
		t1 = now_ns();
		break;
	default:
		t0 = now_ns();
		ret = dirty_pages(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
		t1 = now_ns();
		ret = ret ?: dirty_pages(container,
					 VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
		break;
	}
	if (ret) {
		printf("# %s: error %d (%s)\n", shape->name, ret, strerror(-ret));
		return -1;
	}
	return t1 - t0;
}

static double floor_run(uint64_t bytes, int rep)
{
	void *dst = copy, *src = bitmap;
	size_t n = bytes;
	double t0, t1;

	t0 = now_ns();
	if (rep)
		asm volatile("rep movsb"
			     : "+D" (dst), "+S" (src), "+c" (n) : : "memory");
	else
		memcpy(copy, bitmap, bytes);
	asm volatile("" : : "r" (copy) : "memory");
	t1 = now_ns();
	return t1 - t0;
}

static void measure(const char *name, enum op op, uint64_t iova,
		    uint64_t size)
{
	static int test;
	double t[MAX_RUNS], f[MAX_RUNS], m[MAX_RUNS], total = 0;
	uint64_t bytes = op == GET || op == UNMAP ? bitmap_bytes(size) : 0;
	int n;

	for (n = 0; n < MAX_RUNS && (n < MIN_RUNS || total < MIN_NS); n++) {
		t[n] = run(op, iova, size);
		if (t[n] < 0)
			break;
		total += t[n];
	}
	printf("%s %d %s %s\n", n < MIN_RUNS ? "not ok" : "ok", ++test, name,
	       shape->name);
	if (n < MIN_RUNS) {
		failed = 1;
		return;
	}
	for (int i = 0; i < n; i++) {
		f[i] = floor_run(bytes, 0);
		m[i] = floor_run(bytes, 1);
	}
	printf("# cost %s %s bytes=%llu ns=%.0f floor=%.0f rep=%.0f runs=%d\n",
	       name, shape->name, (unsigned long long)bytes, median(t, n),
	       bytes ? median(f, n) : 0, bytes ? median(m, n) : 0, n);
	fflush(stdout);
}

static int open_container(void)
{
	char name[64], path[64];
	int group, fd;

	if (find_mdev("mtty", name, sizeof(name), &group))
		return -ENODEV;
	container = open("/dev/vfio/vfio", O_RDWR);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = open(path, O_RDWR);
	if (container < 0 || fd < 0 ||
	    ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return -errno;
	return 0;
}

int main(void)
{
	size_t i, tests = 0;
	uint64_t last;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		tests += shapes[i].pages ? 6 : 4;
	printf("KTAP version 1\n1..%zu\n", tests);
	region = mmap(NULL, C_REGION, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	bitmap = malloc(bitmap_bytes(C_REGION));
	copy = malloc(bitmap_bytes(C_REGION));
	if (region == MAP_FAILED || !bitmap || !copy || open_container()) {
		printf("# no mtty container: %s\n", strerror(errno));
		return 1;
	}
	memset(bitmap, 0xa5, bitmap_bytes(C_REGION));
	memset(copy, 0, bitmap_bytes(C_REGION));

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		uint64_t all;

		shape = &shapes[i];
		all = shape->count * shape->size;
		last = C_IOVA + all - shape->size;
		if (map(0, shape->count) ||
		    dirty_pages(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START)) {
			printf("# cannot map %s\n", shape->name);
			return 1;
		}
		if (shape->pages) {
			measure("get-first", GET, C_IOVA, PAGE_4K);
			measure("get-last", GET, last, PAGE_4K);
			measure("unmap-first", UNMAP, C_IOVA, PAGE_4K);
			measure("unmap-last", UNMAP, last, PAGE_4K);
		} else {
			measure("get", GET, C_IOVA, all);
			measure("unmap", UNMAP, C_IOVA, all);
		}
		measure("start", START, C_IOVA, all);
		measure("stop", STOP, C_IOVA, all);
		if (dirty_pages(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP) ||
		    unmap(C_IOVA, all, 0)) {
			printf("# cannot unmap %s\n", shape->name);
			return 1;
		}
	}
	return failed;
}
