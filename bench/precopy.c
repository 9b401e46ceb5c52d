// SPDX-License-Identifier: GPL-2.0-only
/*
 * Precopy convergence with the type1 dirty bitmap and the mdma sample, in
 * the shape of QEMU's RAM migration: a bulk round sends every page of
 * "guest RAM", then each round reads the bitmap and sends the pages it
 * reports, until what is left fits the downtime budget (stop and copy,
 * with the device stopped) or the round limit is reached.
 *
 * The device works while pages are sent: one step per SEND_CHUNK pages
 * sent (at least one a round), each writing STEP_PAGES pages of its
 * working set (a command buffer, WS_PAGES), in turn.  It also keeps
 * KEPT_PAGES pages pinned for reading the whole time (a texture), which
 * it never writes.
 *
 * The destination must equal the source at the end, page for page: a
 * page the bitmap missed would differ.  Built by harness/bench.sh against
 * the series' selftest library and run in the rig's VM.
 *
 * Prints KTAP, one line per round and one for the result:
 *   # precopy round=R sent=S reported=D written=W
 *   # precopy converged=0|1 rounds=R sent=TOTAL downtime=PAGES budget=B
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "vfio_dirty_utils.h"

#define P_IOVA		0x1000000UL
#define P_PAGES		4096UL
#define P_SIZE		(P_PAGES * PAGE_4K)
#define P_WORDS		(P_PAGES / 64)
#define WS_PAGES	512UL	/* pages [0, 512): written in turn */
#define STEP_PAGES	32UL
#define KEPT_FIRST	2048UL	/* pages [2048, 3072): pinned for reading */
#define KEPT_PAGES	1024UL
#define SEND_CHUNK	512UL
#define BUDGET		128UL	/* pages that fit the downtime */
#define MAX_ROUNDS	30

static int dev, container;
static uint8_t *ram, *dst;
static uint64_t written[P_WORDS];
static unsigned long steps;

/* One step of the device's work: the next STEP_PAGES of its working set. */
static int step(void)
{
	unsigned long first = steps * STEP_PAGES % WS_PAGES, p;

	if (mdma_run(dev, MDMA_MODE_WRITE, P_IOVA + first * PAGE_4K,
		     STEP_PAGES * PAGE_4K, steps, MDMA_CMD_RUN))
		return -1;
	for (p = first; p < first + STEP_PAGES; p++)
		written[p / 64] |= 1ULL << (p % 64);
	steps++;
	return 0;
}

/*
 * Send the pages of @bitmap, SEND_CHUNK at a time, the device working
 * after each chunk if @running (and once at least): the pages sent.
 */
static long send(const uint64_t *bitmap, int running)
{
	unsigned long p, sent = 0, chunk = 0;

	for (p = 0; p < P_PAGES; p++) {
		if (!(bitmap[p / 64] & (1ULL << (p % 64))))
			continue;
		memcpy(dst + p * PAGE_4K, ram + p * PAGE_4K, PAGE_4K);
		sent++;
		if (running && ++chunk == SEND_CHUNK) {
			chunk = 0;
			if (step())
				return -1;
		}
	}
	if (running && (chunk || !sent) && step())
		return -1;
	return sent;
}

static int count(const uint64_t *bitmap)
{
	int n = 0;
	unsigned int i;

	for (i = 0; i < P_WORDS; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

int main(void)
{
	uint64_t bitmap[P_WORDS];
	long sent, total = 0, reported, w;
	struct container c;
	int round, converged = 0;

	printf("KTAP version 1\n1..1\n");
	container_init(&c);
	ram = mmap(NULL, P_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, P_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ram == MAP_FAILED || dst == MAP_FAILED ||
	    mdma_container_setup(&c, &dev) ||
	    dma_map(c.fd, ram, P_IOVA, P_SIZE)) {
		printf("# no mdma container\nnot ok 1 precopy\n");
		return 1;
	}
	container = c.fd;
	fill_pattern(ram, P_SIZE, 7);
	if (mdma_run(dev, MDMA_MODE_READ, P_IOVA + KEPT_FIRST * PAGE_4K,
		     KEPT_PAGES * PAGE_4K, 0, MDMA_CMD_RUN_KEEP) ||
	    dirty_pages(container, VFIO_IOMMU_DIRTY_PAGES_FLAG_START)) {
		printf("# cannot start\nnot ok 1 precopy\n");
		return 1;
	}
	/* The bulk round: every page, as QEMU's first pass over RAM */
	if (get_bitmap_to(container, P_IOVA, P_SIZE, bitmap, sizeof(bitmap)))
		goto fail;
	memset(bitmap, 0xff, sizeof(bitmap));
	for (round = 0;; round++) {
		sent = send(bitmap, 1);
		if (sent < 0 ||
		    get_bitmap_to(container, P_IOVA, P_SIZE, bitmap,
				  sizeof(bitmap)))
			goto fail;
		total += sent;
		reported = count(bitmap);
		w = count(written);
		memset(written, 0, sizeof(written));
		printf("# precopy round=%d sent=%ld reported=%ld written=%ld\n",
		       round, sent, reported, w);
		converged = reported <= BUDGET;
		if (converged || round + 1 == MAX_ROUNDS)
			break;
	}
	/* Stop and copy: the device is stopped, the rest is sent */
	sent = send(bitmap, 0);
	if (sent < 0)
		goto fail;
	total += sent;
	printf("# precopy converged=%d rounds=%d sent=%ld downtime=%ld budget=%lu\n",
	       converged, round + 1, total, sent, BUDGET);
	if (memcmp(ram, dst, P_SIZE)) {
		printf("# the destination differs from the source\n");
		goto fail;
	}
	printf("ok 1 precopy\n");
	return 0;
fail:
	printf("not ok 1 precopy\n");
	return 1;
}
