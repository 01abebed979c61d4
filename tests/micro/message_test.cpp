// Message (src/micro/message.h): lowbit micro's errors without printf or
// allocation. Integers print exactly; text past the buffer is cut, always
// NUL-terminated, never written past the end.
#include <catch2/catch.hpp>

#include <climits>
#include <cstring>
#include <string>

#include "micro/message.h"

namespace lowbit {
namespace micro {
namespace {

template <typename T>
std::string printed(T value) {
  char buffer[64];
  Message m(buffer, sizeof buffer);
  m.append(value);
  return m.c_str();
}

TEST_CASE("Message prints integers of every width exactly") {
  CHECK(printed(0) == "0");
  CHECK(printed(7) == "7");
  CHECK(printed(-7) == "-7");
  CHECK(printed(1234567890) == "1234567890");
  CHECK(printed(INT_MAX) == "2147483647");
  CHECK(printed(INT_MIN) == "-2147483648");
  CHECK(printed(LONG_MIN) == std::to_string(LONG_MIN));
  CHECK(printed(LLONG_MAX) == "9223372036854775807");
  CHECK(printed(LLONG_MIN) == "-9223372036854775808");
  CHECK(printed(UINT_MAX) == "4294967295");
  CHECK(printed(ULONG_MAX) == std::to_string(ULONG_MAX));
  CHECK(printed(ULLONG_MAX) == "18446744073709551615");
  CHECK(printed(size_t(1) << 63) == std::to_string(size_t(1) << 63));
}

TEST_CASE("Message appends text, names that are not NUL-terminated, and lists") {
  char buffer[64];
  Message m(buffer, sizeof buffer);
  CHECK(std::string(m.c_str()).empty());
  const char name[] = {'c', 'o', 'n', 'v', 'X'};
  m.append("tensor ").append(3).append(" '").append(Text{name, 4}).append("'");
  CHECK(std::string(m.c_str()) == "tensor 3 'conv'");
  m.clear();
  CHECK(std::string(m.c_str()).empty());
  m.append_all("operator ", 2, " has ", 9u, " inputs of ", -1L);
  CHECK(std::string(m.c_str()) == "operator 2 has 9 inputs of -1");
  m.clear();
  m.append(Text{nullptr, 0});
  CHECK(std::string(m.c_str()).empty());
}

TEST_CASE("Message cuts at its capacity and never writes past it") {
  char buffer[16];
  std::memset(buffer, '#', sizeof buffer);
  Message m(buffer + 4, 8);  // 7 characters and the NUL
  m.append("hello world");
  CHECK(std::string(m.c_str()) == "hello w");
  m.append(12345).append("more");
  CHECK(std::string(m.c_str()) == "hello w");
  for (int i = 0; i < 4; ++i) CHECK(buffer[i] == '#');
  for (int i = 12; i < 16; ++i) CHECK(buffer[i] == '#');

  // Digits are cut like text.
  char digits[5];
  Message d(digits, sizeof digits);
  d.append(-123456);
  CHECK(std::string(d.c_str()) == "-123");

  char one[1] = {'#'};
  Message empty(one, 1);
  empty.append("x").append(5);
  CHECK(one[0] == '\0');

  Message none(nullptr, 0);  // nothing to write into: appends are no-ops
  none.append("x").append(5);
  SUCCEED("no write through a null buffer of capacity 0");
}

TEST_CASE("Message fills lowbit_micro_error's buffer to its last byte") {
  char buffer[LOWBIT_MICRO_MESSAGE_BYTES];
  Message m(buffer, sizeof buffer);
  const std::string long_text(300, 'a');
  m.append(long_text.c_str());
  CHECK(std::strlen(m.c_str()) == LOWBIT_MICRO_MESSAGE_BYTES - 1);
}

}  // namespace
}  // namespace micro
}  // namespace lowbit
