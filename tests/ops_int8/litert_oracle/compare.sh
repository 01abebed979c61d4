#!/bin/bash
# usage: compare.sh CASE_DIR [PROFILE]
# Converts every case with lowbit-convert, runs it with lowbit-run (reference
# kernels, the given profile) and compares the bytes with LiteRT's output.
# BIN defaults to build/bin of the source tree.
BIN=${BIN:-$(cd "$(dirname "$0")/../../.." && pwd)/build/bin}
pass=0; fail=0
for m in "$1"/*.tflite; do
  base=${m%.tflite}
  if ! $BIN/lowbit-convert --quiet "$m" "$base.lbm" >"$base.log" 2>&1; then echo "CONVERT FAIL $base"; cat "$base.log" | head -3; fail=$((fail+1)); continue; fi
  if ! $BIN/lowbit-run "$base.lbm" --input 0="$base.in" --output 0="$base.got" --kernel reference --profile ${2:-tflite_reference} >"$base.log" 2>&1; then echo "RUN FAIL $base"; head -3 "$base.log"; fail=$((fail+1)); continue; fi
  if cmp -s "$base.out" "$base.got"; then pass=$((pass+1)); else
    fail=$((fail+1)); echo "MISMATCH $base: $(python3 -c "
import sys
a=open('$base.out','rb').read(); b=open('$base.got','rb').read()
signed = '_int8_' in '$base'
conv=lambda v: v-256 if signed and v>127 else v
d=[conv(x)-conv(y) for x,y in zip(a,b)]
print(len(a), len(b), 'differ at', sum(1 for x in d if x), 'max', max(abs(x) for x in d) if d else None)
")"; fi
done
echo "pass $pass fail $fail"
