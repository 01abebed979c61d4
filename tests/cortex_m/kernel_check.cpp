// The kernels of a bare-metal build against the reference kernels, run on
// the target itself (scripts/check-firmware.sh: qemu-system-arm -M
// mps2-an386). The desktop suite (tests/kernels/) holds the reference
// kernels to their definition; Catch2 does not build for arm-none-eabi, so
// this program checks the step the desktop cannot run: every variant of the
// build's instruction sets equals the reference byte for byte. Status 1 on
// the first mismatch.
int check_qs8_gemm();    // qs8_gemm_check.cpp
int check_qs8_dwconv();  // qs8_dwconv_check.cpp

int main() {
  const int gemm = check_qs8_gemm();
  const int dwconv = check_qs8_dwconv();
  return gemm != 0 || dwconv != 0 ? 1 : 0;
}
