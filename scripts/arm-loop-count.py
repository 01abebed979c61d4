#!/usr/bin/env python3
"""Counts instructions per multiply-accumulate in the inner loops of ARM kernels.

For each function of an object file whose name matches PATTERN, objdump's
disassembly is split into loops (a backward branch closes a loop), and every
innermost loop with multiply instructions is reported: instructions per
iteration by class, MACs per iteration and MACs per instruction. MACs per
instruction: SDOT 16, SMMLA 32, SMULL/SMULL2/VMULL.S8 8 (their SADALP/VPADAL
partner adds and counts as an instruction, not as MACs).

  scripts/arm-loop-count.py OBJDUMP OBJECT.o PATTERN
  e.g. scripts/arm-loop-count.py aarch64-linux-gnu-objdump \\
         build-aarch64/CMakeFiles/lowbit_kernels.dir/kernels/arm/qs8_gemm_neondot.cpp.o qs8_gemm
"""
import re
import subprocess
import sys

MACS = {"sdot": 16, "smmla": 32, "smull": 8, "smull2": 8, "vmull.s8": 8}
ACCUMULATE = {"sadalp", "vpadal.s16", "smlal", "smlal2", "vmlal.s8"}
JUMPS = {"b", "b.n", "b.w", "bl", "blx", "bx", "ret", "br", "blr"}
LINE = re.compile(r"^\s*([0-9a-f]+):\s+(\S+)\s*(.*)$")
TARGET = re.compile(r"\b([0-9a-f]+) <")


def functions(objdump, obj):
    text = subprocess.run([objdump, "-d", "--no-show-raw-insn", "-C", obj], check=True,
                          capture_output=True, text=True).stdout
    name, body = None, []
    for line in text.splitlines():
        header = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
        if header:
            if name:
                yield name, body
            name, body = header.group(1), []
            continue
        m = LINE.match(line)
        if m and name:
            body.append((int(m.group(1), 16), m.group(2), m.group(3)))
    if name:
        yield name, body


def loops(body):
    found = []
    for addr, mnemonic, operands in body:
        if not mnemonic.startswith(("b", "cb", "tb")) or mnemonic.startswith(("bic", "bif", "bit", "bsl")):
            continue
        t = TARGET.search(operands)
        if t and int(t.group(1), 16) < addr:
            found.append((int(t.group(1), 16), addr))
    # A kernel's K loop is one straight block closed by its branch: spans
    # holding returns, calls or unconditional jumps are out-of-line code
    # that jumps back (tails, requantization), not loops.
    def straight(span):
        s, e = span
        return not any(s <= a < e and m in JUMPS for a, m, _ in body)
    found = [span for span in found if straight(span)]
    # Innermost: contains no other loop.
    return [(s, e) for s, e in found
            if not any((s2, e2) != (s, e) and s <= s2 and e2 <= e for s2, e2 in found)]


def macs_of(mnemonic, operands):
    # SMULL also widens 32-bit lanes (the requantization's 64-bit products):
    # only the byte forms are the GEMM's multiplies.
    if mnemonic in ("smull", "smull2") and "8b" not in operands and "16b" not in operands:
        return 0
    return MACS.get(mnemonic, 0)


def classify(mnemonic):
    if mnemonic in MACS:
        return mnemonic
    if mnemonic in ACCUMULATE:
        return mnemonic
    if mnemonic.startswith(("ld", "vld")):
        return "load"
    if mnemonic.startswith(("st", "vst")):
        return "store"
    return "other"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    objdump, obj, pattern = sys.argv[1:]
    for name, body in functions(objdump, obj):
        if not re.search(pattern, name):
            continue
        # Every innermost loop that multiplies: tiles of fewer rows are
        # often inlined into the kernel function, each its own loop.
        for start, end in loops(body):
            insns = [b for b in body if start <= b[0] <= end]
            macs = sum(macs_of(m, ops) for _, m, ops in insns)
            if not macs:
                continue
            counts = {}
            for _, m, _ in insns:
                counts[classify(m)] = counts.get(classify(m), 0) + 1
            detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
            short = name.replace("(anonymous namespace)::", "").split("(")[0]
            print(f"{short}: loop {insns[0][0]:#x}-{insns[-1][0]:#x}: "
                  f"{len(insns)} instructions ({detail}); {macs} MACs; "
                  f"{macs / len(insns):.2f} MACs/instruction")


if __name__ == "__main__":
    main()
