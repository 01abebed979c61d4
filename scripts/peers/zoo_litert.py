"""Zoo models: lowbit's bench_model, loading each .tflite directly, beside LiteRT's
Interpreter on its default path (XNNPACK delegate): --set vision (default) is the vision models
of ../shared/models/zoo/coral and the int8 MobileNetV2 that is the uint8 iNat classifier's twin;
--set audio the recurrent keyword and sequence models (LSTM, SVDF; issue 15), whose state
carries over from one invoke to the next in both runtimes.
Per model and thread count LiteRT runs first, then lowbit under each profile, so all rows of a
model see about the same machine load; each row repeats that LiteRT figure. Columns as in the
int8 subcommand ("ms": minimum latency; "CPU ms": CPU time per inference, all threads summed).

Each runtime gets --runs measured inferences, or as many as fit in --budget seconds when it is
slower than that allows (at least 5, after a single warm-up), so a model on slow kernels costs
seconds, not minutes. Issues 14 and 15's target: every ratio at most 1.0."""
import os
import sys

from lowbit_tools import SHARED_MODELS
from .int8_litert import comparison_cells, litert_latency
from .measure import add_latency_arguments, lowbit_latency, thread_counts
from .report import Table

COLUMNS = ["model", "threads", "profile", "lowbit ms", "LiteRT ms", "ratio", "lowbit CPU ms",
           "LiteRT CPU ms", "CPU ratio"]
# Relative to the shared models folder; the LSTM model of zoo/coral is not a vision model.
VISION_MODELS = [
    "zoo/coral/deeplabv3_mnv2_dm05_pascal_quant.tflite",
    "zoo/coral/movenet_single_pose_lightning_ptq.tflite",
    "zoo/coral/traffic_model.tflite",
    "zoo/coral/mobilenet_v2_1.0_224_inat_bird_quant.tflite",
    "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite",  # the int8 twin: uint8 vs int8 speed
    "zoo/coral/split_concat.tflite",
]
AUDIO_MODELS = [
    "zoo/tflite_micro/keyword_scrambled_8bit.tflite",
    "zoo/tflite_micro/trained_lstm_int8.tflite",
    "zoo/coral/keras_lstm_mnist_ptq.tflite",
]
MODEL_SETS = {"vision": VISION_MODELS, "audio": AUDIO_MODELS}
# Models LiteRT cannot run at all (it would take the whole process down): lowbit runs alone.
LITERT_CANNOT_RUN = {
    "keyword_scrambled_8bit": "LiteRT reads its SVDFs' int8 state as int16 and corrupts its heap "
                              "(TFLite Micro is this model's oracle)",
}
PROFILES = ["xnnpack_fp32", "tflite_reference"]


def add_arguments(parser):
    add_latency_arguments(parser)
    parser.add_argument("--models", default=SHARED_MODELS, help="the shared models folder")
    parser.add_argument("--budget", type=float, default=3.0,
                        help="seconds of measured inferences per runtime, model, thread count and "
                             "profile, at most (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a rough look: --runs 10 --budget 0.5")
    parser.add_argument("--set", default="vision", choices=sorted(MODEL_SETS),
                        help="which models: vision (issue 14) or audio (issue 15)")
    parser.add_argument("--only", default="",
                        help="comma-separated parts of model names to keep, e.g. deeplab,movenet")
    parser.add_argument("--profiles", default=",".join(PROFILES),
                        help="lowbit's profiles, comma-separated (default: both)")


def models(args):
    """(name, .tflite) of every model of --set present that --only keeps."""
    wanted = [part for part in args.only.split(",") if part]
    found = []
    for rel in MODEL_SETS[args.set]:
        name = os.path.basename(rel)[:-len(".tflite")]
        if wanted and not any(part in name for part in wanted):
            continue
        tflite = os.path.join(args.models, rel)
        if os.path.exists(tflite):
            found.append((name, tflite))
        else:
            print(f"skipped (missing): {tflite}", file=sys.stderr)
    return found


def run(args):
    if args.quick:
        args.runs, args.budget = 10, 0.5
    table = Table(f"lowbit (.tflite loaded directly) vs LiteRT (XNNPACK), zoo {args.set} models, "
                  f"{args.runs} runs or {args.budget:g} s each", COLUMNS, args.markdown,
                  text=(0, 2), widths={0: 36, 2: 16})
    within = total = 0
    for name, tflite in models(args):
        for threads in thread_counts(args):
            if name in LITERT_CANNOT_RUN:
                theirs = None
            else:
                theirs = litert_latency(name, tflite, threads, args.runs, args.warmup,
                                        args.budget)
            for profile in args.profiles.split(","):
                ours = lowbit_latency(args.build, tflite, threads, args.runs, args.warmup, profile,
                                      args.budget)
                table.row(name, threads, profile, *comparison_cells(ours, theirs))
                if theirs:
                    total += 1
                    within += ours.min_ms <= theirs.min_ms
    table.note(f"{within} of {total} rows at most 1.0x LiteRT's latency")
    for name, _ in models(args):
        if name in LITERT_CANNOT_RUN:
            table.note(f"{name}: lowbit only: {LITERT_CANNOT_RUN[name]}")
    return 0
