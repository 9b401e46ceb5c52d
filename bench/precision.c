// SPDX-License-Identifier: GPL-2.0-only
/*
 * Precision of the type1 dirty bitmap with the mdma sample: pages reported
 * dirty per page the device really wrote, in workloads where half of the
 * pages the device pins are only read.  Built by harness/bench.sh against
 * a tree's selftest library (vfio_dirty_utils.c) and run in the rig's VM.
 *
 * Prints KTAP, and per workload one line
 *   # precision WORKLOAD rounds=R written=W reported=V
 * The bitmap must report every written page: a round that misses one
 * fails the workload.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "vfio_dirty_utils.h"

#define B_IOVA		0x1000000UL
#define B_PAGES		1024UL
#define B_SIZE		(B_PAGES * PAGE_4K)
#define B_WORDS		(B_PAGES / 64)
#define B_HALF		(B_PAGES / 2)
#define ROUNDS		8

static int dev;
static int container;

/* Bits set in the bitmap of the benchmark mapping; -1 on error. */
static long round_bitmap(uint64_t *written, long *missed)
{
	uint64_t bitmap[B_WORDS];
	long n = 0;
	unsigned int i;

	if (get_bitmap_to(container, B_IOVA, B_SIZE, bitmap, sizeof(bitmap)))
		return -1;
	for (i = 0; i < B_WORDS; i++) {
		n += __builtin_popcountll(bitmap[i]);
		*missed += __builtin_popcountll(written[i] & ~bitmap[i]);
		written[i] = 0;
	}
	return n;
}

static void mark(uint64_t *written, unsigned long first, unsigned long n)
{
	for (; n; n--, first++)
		written[first / 64] |= 1ULL << (first % 64);
}

/*
 * Each round, one transfer writes the first half of the mapping and one
 * reads the second half: 512 pages pinned writable, 512 read-only.
 */
static int transfers(long *w, long *v, long *missed)
{
	uint64_t written[B_WORDS] = { 0 };
	int r;
	long n;

	for (r = 0; r < ROUNDS; r++) {
		if (mdma_run(dev, MDMA_MODE_WRITE, B_IOVA, B_HALF * PAGE_4K,
			     r, MDMA_CMD_RUN) ||
		    mdma_run(dev, MDMA_MODE_READ, B_IOVA + B_HALF * PAGE_4K,
			     B_HALF * PAGE_4K, 0, MDMA_CMD_RUN))
			return -1;
		mark(written, 0, B_HALF);
		*w += B_HALF;
		n = round_bitmap(written, missed);
		if (n < 0)
			return -1;
		*v += n;
	}
	return 0;
}

/*
 * The second half stays pinned read-only (a texture), while each round
 * writes 64 pages of the first half (a command buffer), a different run
 * each round.
 */
static int kept_reads(long *w, long *v, long *missed)
{
	uint64_t written[B_WORDS] = { 0 };
	int r;
	long n;

	if (mdma_run(dev, MDMA_MODE_READ, B_IOVA + B_HALF * PAGE_4K,
		     B_HALF * PAGE_4K, 0, MDMA_CMD_RUN_KEEP))
		return -1;
	/* The round the pins were taken in */
	if (round_bitmap(written, missed) < 0)
		return -1;
	for (r = 0; r < ROUNDS; r++) {
		if (mdma_run(dev, MDMA_MODE_WRITE, B_IOVA + r * 64 * PAGE_4K,
			     64 * PAGE_4K, r, MDMA_CMD_RUN))
			return -1;
		mark(written, r * 64, 64);
		*w += 64;
		n = round_bitmap(written, missed);
		if (n < 0)
			return -1;
		*v += n;
	}
	return mdma_write(dev, MDMA_REG_COMMAND, MDMA_CMD_RELEASE);
}

int main(void)
{
	static const struct {
		const char *name;
		int (*run)(long *w, long *v, long *missed);
	} workloads[] = {
		{ "transfers", transfers },
		{ "kept_reads", kept_reads },
	};
	struct container c;
	unsigned int i;
	void *buf;

	printf("KTAP version 1\n1..%zu\n",
	       sizeof(workloads) / sizeof(workloads[0]));
	container_init(&c);
	buf = mmap(NULL, B_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || mdma_container_setup(&c, &dev) ||
	    dma_map(c.fd, buf, B_IOVA, B_SIZE) ||
	    dirty_pages(c.fd, VFIO_IOMMU_DIRTY_PAGES_FLAG_START)) {
		printf("# no mdma container with dirty tracking\n");
		for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
			printf("not ok %u %s\n", i + 1, workloads[i].name);
		return 1;
	}
	container = c.fd;
	for (i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++) {
		long w = 0, v = 0, missed = 0;
		int ret;

		/* Start each workload from a clean bitmap */
		ret = get_bitmap_to(c.fd, B_IOVA, B_SIZE,
				    (uint64_t [B_WORDS]){ 0 }, B_WORDS * 8);
		ret = ret ?: workloads[i].run(&w, &v, &missed);
		printf("# precision %s rounds=%d written=%ld reported=%ld missed=%ld\n",
		       workloads[i].name, ROUNDS, w, v, missed);
		printf("%s %u %s\n", ret || missed ? "not ok" : "ok", i + 1,
		       workloads[i].name);
	}
	container_teardown(&c);
	return 0;
}
