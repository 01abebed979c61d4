// Force-included into the bare-metal build's C++ sources
// (cmake/LowbitBareMetal.cmake). newlib declares C11's aligned_alloc, but
// Debian's libstdc++ for arm-none-eabi was configured without it
// (_GLIBCXX_HAVE_ALIGNED_ALLOC unset), so <cstdlib> leaves std::aligned_alloc
// out; the runtime's aligned buffers call it by that name. newlib's fcntl.h
// shows O_CLOEXEC only to POSIX 2008 programs; with no exec it means nothing
// here (Model::from_file's open fails anyway: there are no files).
#pragma once

#ifdef __cplusplus
#include <fcntl.h>

#include <cstdlib>

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

namespace std {
using ::aligned_alloc;
}  // namespace std
#endif
