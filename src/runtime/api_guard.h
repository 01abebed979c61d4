// No exception crosses the public API: entry points run their bodies through
// guard_api, which turns one (in practice std::bad_alloc while loading or
// preparing) into a Status. Builds without exceptions call the body directly.
#pragma once

#include <exception>
#include <new>
#include <string>

#include "lowbit/status.h"

namespace lowbit {

template <typename Fn>
auto guard_api(const char* what, Fn&& body) -> decltype(body()) {
#if defined(__cpp_exceptions)
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kResourceExhausted, std::string(what) + ": out of memory");
  } catch (const std::exception& e) {
    return Status(StatusCode::kInternal, std::string(what) + ": " + e.what());
  } catch (...) {
    return Status(StatusCode::kInternal, std::string(what) + ": unknown exception");
  }
#else
  (void)what;
  return body();
#endif
}

}  // namespace lowbit
