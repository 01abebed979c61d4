# cmake -DINPUT=<file> -DOUTPUT=<file.c> -DNAME=<symbol> -P LowbitEmbedFile.cmake
# Writes a C source holding the file's bytes as a 64-byte aligned array
# (<NAME>, <NAME>_size), for firmware that has no file system.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUTPUT}" "/* Generated from ${INPUT}. */\n#include <stddef.h>\n"
  "_Alignas(64) const unsigned char ${NAME}[${size}] = {\n${bytes}\n};\n"
  "const size_t ${NAME}_size = ${size};\n")
