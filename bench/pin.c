// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cost of pinning with the mdma sample, while type1 tracks dirty pages:
 * transfers of 512 pages (2 MiB), one vfio_pin_pages() call each, that
 * pin and unpin.  "vfio/type1: mark pages pinned for writing only once
 * the pin succeeds" adds a second pass over the pages of a write pin, and
 * "vfio: log the DMA of devices that pin from their pins" counts every pin
 * and vfio_dma_rw() write of mdma in its DMA log, logging or not;
 * harness/bench.sh runs this on the series before each of them and on the
 * whole series.  Workloads:
 *   write        pins writable, writes the 2 MiB, unpins;
 *   write_kept   the same while the pages are kept pinned for reading (the
 *                pin finds each page pinned: no page is faulted in);
 *   read         pins read-only, reads, unpins (no second pass);
 *   rw_write     writes the 2 MiB with vfio_dma_rw(), pinning nothing;
 *   write_logged write, while device DMA logging runs over the mapping
 *                (skipped on a kernel without it).
 * The device's copy of the bytes is part of each transfer, as it is of
 * every pin of a real driver.
 *
 * Prints KTAP, and per workload one line
 *   # pin WORKLOAD pages=P ns=T runs=R
 * T is the median of R transfers, in nanoseconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>

#include "timing.h"
#include "vfio_dirty_utils.h"

#define P_IOVA		0x1000000UL
#define P_PAGES		512UL
#define P_SIZE		(P_PAGES * PAGE_4K)
#define RUNS		41

static int dev;

/* Median time of RUNS transfers in @mode over the mapping, or -1 */
static double transfers(uint64_t mode)
{
	double t[RUNS], start;
	int i;

	for (i = 0; i < RUNS; i++) {
		start = now_ns();
		if (mdma_run(dev, mode, P_IOVA, P_SIZE, i, MDMA_CMD_RUN))
			return -1;
		t[i] = now_ns() - start;
	}
	return median(t, RUNS);
}

static double pin_write(void)
{
	return transfers(MDMA_MODE_WRITE);
}

static double pin_write_kept(void)
{
	double ns;

	if (mdma_run(dev, MDMA_MODE_READ, P_IOVA, P_SIZE, 0, MDMA_CMD_RUN_KEEP))
		return -1;
	ns = transfers(MDMA_MODE_WRITE);
	if (mdma_write(dev, MDMA_REG_COMMAND, MDMA_CMD_RELEASE))
		return -1;
	return ns;
}

static double pin_read(void)
{
	return transfers(MDMA_MODE_READ);
}

static double rw_write(void)
{
	return transfers(MDMA_MODE_RW_WRITE);
}

/* -2: the kernel has no DMA logging for mdma */
static double write_logged(void)
{
	struct vfio_device_feature_dma_logging_range range = {
		.iova = P_IOVA, .length = P_SIZE,
	};
	double ns;

	if (dma_logging_start(dev, &range, 1, PAGE_4K))
		return -2;
	ns = transfers(MDMA_MODE_WRITE);
	if (dma_logging_stop(dev))
		return -1;
	return ns;
}

int main(void)
{
	static const struct {
		const char *name;
		double (*run)(void);
	} workloads[] = {
		{ "write", pin_write },
		{ "write_kept", pin_write_kept },
		{ "read", pin_read },
		{ "rw_write", rw_write },
		{ "write_logged", write_logged },
	};
	unsigned int i, n = sizeof(workloads) / sizeof(workloads[0]);
	struct container c;
	uint8_t *buf;

	printf("KTAP version 1\n1..%u\n", n);
	container_init(&c);
	buf = mmap(NULL, P_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || mdma_container_setup(&c, &dev) ||
	    dma_map(c.fd, buf, P_IOVA, P_SIZE) ||
	    dirty_pages(c.fd, VFIO_IOMMU_DIRTY_PAGES_FLAG_START)) {
		printf("# no mdma container with dirty tracking\n");
		for (i = 0; i < n; i++)
			printf("not ok %u %s\n", i + 1, workloads[i].name);
		return 1;
	}
	/* Faulted in once: every workload pins pages that are present */
	memset(buf, 1, P_SIZE);
	for (i = 0; i < n; i++) {
		double ns = workloads[i].run();

		if (ns == -2) {
			/* Not a skip: the kernel before the pin log has none */
			printf("# %s: no DMA logging on this kernel\n",
			       workloads[i].name);
			printf("ok %u %s\n", i + 1, workloads[i].name);
			continue;
		}
		printf("# pin %s pages=%lu ns=%.0f runs=%d\n", workloads[i].name,
		       P_PAGES, ns, RUNS);
		printf("%s %u %s\n", ns < 0 ? "not ok" : "ok", i + 1,
		       workloads[i].name);
	}
	container_teardown(&c);
	munmap(buf, P_SIZE);
	return 0;
}
