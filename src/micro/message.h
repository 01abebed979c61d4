// Error messages without allocation or printf (newlib's printf family can
// reach malloc): text and integers appended into a fixed buffer, cut at
// its end.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lowbit/micro.h"

namespace lowbit {
namespace micro {

// A string that is not NUL-terminated (a name read in place).
struct Text {
  const char* data;
  size_t length;
};

class Message {
 public:
  Message(char* buffer, size_t capacity) : buffer_(buffer), capacity_(capacity) { clear(); }

  void clear() {
    length_ = 0;
    if (capacity_ > 0) buffer_[0] = '\0';
  }
  const char* c_str() const { return buffer_; }

  Message& append(Text text) {
    for (size_t i = 0; i < text.length && length_ + 1 < capacity_; ++i) buffer_[length_++] = text.data[i];
    if (capacity_ > 0) buffer_[length_] = '\0';
    return *this;
  }
  Message& append(const char* text) {
    size_t n = 0;
    while (text[n] != '\0') ++n;
    return append(Text{text, n});
  }
  Message& append(int value) { return append_signed(value); }
  Message& append(long value) { return append_signed(value); }
  Message& append(long long value) { return append_signed(value); }
  Message& append(unsigned value) { return append_unsigned(value); }
  Message& append(unsigned long value) { return append_unsigned(value); }
  Message& append(unsigned long long value) { return append_unsigned(value); }

  template <typename First, typename... Rest>
  Message& append_all(const First& first, const Rest&... rest) {
    append(first);
    if constexpr (sizeof...(rest) > 0) append_all(rest...);
    return *this;
  }

 private:
  Message& append_signed(long long value) {
    if (value >= 0) return append_unsigned(static_cast<unsigned long long>(value));
    append("-");
    return append_unsigned(0 - static_cast<unsigned long long>(value));
  }
  Message& append_unsigned(unsigned long long value) {
    char digits[24];
    size_t n = 0;
    do {
      digits[n++] = char('0' + value % 10);
      value /= 10;
    } while (value != 0);
    char ordered[24];
    for (size_t i = 0; i < n; ++i) ordered[i] = digits[n - 1 - i];
    return append(Text{ordered, n});
  }

  char* buffer_;
  size_t capacity_;
  size_t length_ = 0;
};

}  // namespace micro
}  // namespace lowbit
