#!/usr/bin/env bash
# Prints a firmware image's size two ways:
#   - `size` of the whole executable (Berkeley: text, data, bss), which for a
#     static ARM Linux image includes glibc;
#   - from its GNU ld link map (kws_firmware links with -Wl,-Map=<exe>.map),
#     the bytes each part put into the image: lowbit (liblowbit_firmware.a),
#     the embedded model (*_model.c), the example (kws_firmware.c, its
#     allocation counter, the sample input and on bare metal the board's
#     start-up and semihosting; its arena is bss), and everything else (C
#     runtime, libc, libm, libgcc).
# text counts .text, .rodata, .eh_frame, .gcc_except_table and ARM's unwind
# index (.ARM.exidx/.ARM.extab) input sections; data .data*,
# .init_array/.fini_array and .tdata; bss .bss*, .tbss and COMMON.
# LOWBIT_SIZE_TOP=N also lists the N lowbit objects with the most text.
#   scripts/firmware-size.sh EXECUTABLE [SIZE_TOOL]   (default SIZE_TOOL: size)
set -euo pipefail
exe=${1:?usage: firmware-size.sh EXECUTABLE [SIZE_TOOL]}
size_tool=${2:-size}
map="$exe.map"
[[ -f "$map" ]] || { echo "firmware-size.sh: $map missing (link with -Wl,-Map=<exe>.map)" >&2; exit 1; }
"$size_tool" "$exe"
awk -v exe="$(basename "$exe")" -v top="${LOWBIT_SIZE_TOP:-0}" '
  function kind(section) {
    if (section ~ /^\.(text|rodata|eh_frame|gcc_except_table|ARM\.ex)/) return "text"
    if (section ~ /^\.(data|init_array|fini_array|tdata)/) return "data"
    if (section ~ /^(\.bss|\.tbss|COMMON)/) return "bss"
    return ""
  }
  function part(file) {
    if (file ~ /liblowbit_firmware\.a\(/) return "lowbit"
    if (file ~ /_model\.c\.o(bj)?$/) return "model"
    if (file ~ /CMakeFiles\/(kws_firmware|mps2_an386_board)\.dir\//) return "example"
    return "other"
  }
  function hex(s,   v, i, d) {  # "0x1a4" -> 420 (portable awk: no strtonum)
    v = 0
    for (i = 3; i <= length(s); ++i) {
      d = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
      v = v * 16 + d
    }
    return v
  }
  function add(section, size, file,   k, p) {
    k = kind(section)
    if (k == "") return
    p = part(file)
    bytes[p, k] += hex(size)
    if (p == "lowbit" && k == "text") {
      object = file
      sub(/.*\(/, "", object)
      sub(/\)$/, "", object)
      by_object[object] += hex(size)
    }
  }
  # Input sections come after this line (before it: discarded sections).
  /^Linker script and memory map/ { in_map = 1; next }
  !in_map { next }
  # " .text.name  0xADDR  0xSIZE  file" on one line, or the name alone with
  # address, size and file on the next.
  $1 ~ /^(\.|COMMON)/ && NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/ { add($1, $3, $4); pending = ""; next }
  $1 ~ /^(\.|COMMON)/ && NF == 1 { pending = $1; next }
  pending != "" && NF >= 3 && $1 ~ /^0x/ && $2 ~ /^0x/ { add(pending, $2, $3) }
  { pending = "" }
  END {
    printf "%s by part (link map):        text       data        bss\n", exe
    n = split("lowbit model example other", parts, " ")
    for (i = 1; i <= n; ++i) {
      p = parts[i]
      printf "  %-28s %10d %10d %10d\n", p, bytes[p, "text"], bytes[p, "data"], bytes[p, "bss"]
    }
    if (top > 0) {
      printf "largest lowbit objects (text):\n"
      for (shown = 0; shown < top; ++shown) {
        best = ""
        for (o in by_object) if (best == "" || by_object[o] > by_object[best]) best = o
        if (best == "") break
        printf "  %-40s %10d\n", best, by_object[best]
        delete by_object[best]
      }
    }
  }' "$map"
