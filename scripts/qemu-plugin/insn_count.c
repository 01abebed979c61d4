/* A qemu TCG plugin that counts executed guest instructions, and among
 * them the multiply instructions of lowbit's ARM kernels, for
 * scripts/arm-insn-count.sh (qemu-user) and scripts/check-firmware.sh
 * (qemu-system-arm). Debian's qemu has plugin support but ships no
 * plugins and no qemu-plugin.h, so the few API declarations used are written
 * here (QEMU plugin API version 1, QEMU 7.x). Counters are updated inline
 * without atomics: run the guest with one thread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb* tb, size_t idx);
char* qemu_plugin_insn_disas(const struct qemu_plugin_insn* insn);
const void* qemu_plugin_insn_data(const struct qemu_plugin_insn* insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn* insn);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb* tb, enum qemu_plugin_op op,
                                              void* ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn* insn,
                                                enum qemu_plugin_op op, void* ptr, uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);
void qemu_plugin_outs(const char* string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* Instructions counted separately. On aarch64 they are matched by encoding
 * (this qemu's disassembler predates SDOT and SMMLA and prints ".byte"); on
 * 32-bit ARM (Thumb-2 code) by the disassembler's mnemonic. */
struct Class {
  const char* name;
  uint32_t mask, value; /* A64 encoding; mask 0: match the mnemonic */
};
static const struct Class kClasses[] = {
    {"sdot (by element)", 0xbfc0f400u, 0x0f80e000u},
    {"sdot (vector)", 0xbfe0fc00u, 0x0e809400u},
    {"smmla", 0xffe0fc00u, 0x4e80a400u},
    {"smull/smull2 .8b", 0xbfe0fc00u, 0x0e20c000u},
    {"sadalp", 0xbf3ffc00u, 0x0e206800u},
    {"cnt", 0xbffffc00u, 0x0e205800u},
    /* Single-precision float (the own float kernels, scripts/arm-float-insn-count.sh):
     * vector FMLA/FMUL/FADD (.2s or .4s), FMLA by element, scalar FMADD and FMUL. */
    {"fmla .4s/.2s", 0xbfe0fc00u, 0x0e20cc00u},
    {"fmla .s (by element)", 0xbfc0f400u, 0x0f801000u},
    {"fmul .4s/.2s", 0xbfe0fc00u, 0x2e20dc00u},
    {"fadd .4s/.2s", 0xbfe0fc00u, 0x0e20d400u},
    {"fmadd s (scalar)", 0xffe08000u, 0x1f000000u},
    {"fmul s (scalar)", 0xffe0fc00u, 0x1e200800u},
    {"vmull.s8", 0, 0},
    {"vpadal.s16", 0, 0},
    {"vcnt.8", 0, 0},
    {"vfma.f32", 0, 0},
    {"vmla.f32", 0, 0},
    {"vmul.f32", 0, 0},
    {"vadd.f32", 0, 0},
    /* Cortex-M4's DSP multiply-accumulate (kernels/arm/qs8_gemm_cortexm4.cpp,
     * scripts/check-firmware.sh under qemu-system-arm). */
    {"smlad", 0, 0},
};
enum { kNumClasses = sizeof(kClasses) / sizeof(kClasses[0]) };
static uint64_t total;
static uint64_t class_counts[kNumClasses];
static int guest_a64;

static int matches(const struct Class* c, struct qemu_plugin_insn* insn) {
  if (c->mask != 0) {
    if (!guest_a64 || qemu_plugin_insn_size(insn) != 4) return 0;
    uint32_t word;
    memcpy(&word, qemu_plugin_insn_data(insn), 4);
    return (word & c->mask) == c->value;
  }
  if (guest_a64) return 0;
  char* text = qemu_plugin_insn_disas(insn);
  if (text == NULL) return 0;
  const size_t len = strcspn(text, " \t");
  const int hit = strlen(c->name) == len && strncmp(text, c->name, len) == 0;
  free(text);
  return hit;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &total, n);
  for (size_t i = 0; i < n; ++i) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    for (int c = 0; c < kNumClasses; ++c) {
      if (matches(&kClasses[c], insn)) {
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                   &class_counts[c], 1);
      }
    }
  }
}

static void on_exit_cb(qemu_plugin_id_t id, void* userdata) {
  (void)id;
  (void)userdata;
  char line[128];
  snprintf(line, sizeof(line), "insn_count: total %llu\n", (unsigned long long)total);
  qemu_plugin_outs(line);
  for (int c = 0; c < kNumClasses; ++c) {
    if (class_counts[c] == 0) continue;
    snprintf(line, sizeof(line), "insn_count: %s %llu\n", kClasses[c].name,
             (unsigned long long)class_counts[c]);
    qemu_plugin_outs(line);
  }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                                const qemu_info_t* info, int argc,
                                                                char** argv) {
  (void)info;
  /* Argument "arch=aarch64" (scripts/arm-insn-count.sh passes it). */
  for (int i = 0; i < argc; ++i) {
    if (strcmp(argv[i], "arch=aarch64") == 0) guest_a64 = 1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
  qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
  return 0;
}
