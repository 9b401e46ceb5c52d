/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timing helpers of the benchmarks: a monotonic clock in nanoseconds and
 * the median of a run of measurements (which it sorts).
 */
#ifndef _BENCH_TIMING_H
#define _BENCH_TIMING_H

#include <stdlib.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static inline double median(double *t, int n)
{
	qsort(t, n, sizeof(*t), cmp_double);
	return t[n / 2];
}

#endif /* _BENCH_TIMING_H */
