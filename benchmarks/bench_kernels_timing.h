// Timing for the kernel benchmarks (bench_kernels*.cpp): this thread's CPU
// time, for rates that do not count other jobs' time on a shared machine.
// Speeds are held against a measured peak (bench_kernels_peak.h), not a clock.
#pragma once

#include <ctime>

namespace lowbit {

inline double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

}  // namespace lowbit
