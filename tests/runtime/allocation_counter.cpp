// Replaces the global allocation functions of this test binary so tests can
// prove that a code path allocates nothing. malloc from C libraries is not
// seen here; the runtime itself allocates only through operator new or
// aligned_alloc at prepare time.
#include "allocation_counter.h"

#include <cstdlib>
#include <new>

namespace lowbit {
namespace testing {

std::atomic<size_t>& allocation_count() {
  static std::atomic<size_t> count{0};
  return count;
}

std::atomic<bool>& counting_allocations() {
  static std::atomic<bool> on{false};
  return on;
}

}  // namespace testing
}  // namespace lowbit

namespace {
void* counted_alloc(std::size_t size) {
  if (lowbit::testing::counting_allocations().load(std::memory_order_relaxed)) {
    lowbit::testing::allocation_count().fetch_add(1, std::memory_order_relaxed);
  }
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
