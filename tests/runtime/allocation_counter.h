// Counts heap allocations made by this process while counting is switched on.
#pragma once

#include <atomic>
#include <cstddef>

namespace lowbit {
namespace testing {

std::atomic<size_t>& allocation_count();
std::atomic<bool>& counting_allocations();

class CountAllocations {
 public:
  CountAllocations() {
    allocation_count() = 0;
    counting_allocations() = true;
  }
  ~CountAllocations() { counting_allocations() = false; }
  size_t count() const { return allocation_count().load(); }
};

}  // namespace testing
}  // namespace lowbit
