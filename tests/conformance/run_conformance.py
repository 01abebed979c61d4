"""Conformance run: converts every shared and generated model with lowbit-convert, feeds the same
fresh random inputs to lowbit-run and to the oracles, prints a table and optionally writes
docs/conformance.md.

  .venv/bin/python tests/conformance/run_conformance.py [--seed N] [--quick] [--write-doc FILE]
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import time
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from known_differences import explain  # noqa: E402
from lowbit_tools import cpu_model, machine  # noqa: E402


def operators_of(tflite_path, build_dir):
    done = subprocess.run([harness.tool("lowbit-convert", build_dir), tflite_path, os.devnull],
                          capture_output=True, text=True)
    match = re.search(r"^operators: (.*) \(\d+ total\)$", done.stdout, re.M)
    return match.group(1) if match else "?"


def is_lce(tflite_path):
    with open(tflite_path, "rb") as f:
        return b"LceBconv2d" in f.read() or False


def oracle_plan(tflite_path):
    """(oracle name, lowbit profile, exact?) pairs for one model."""
    if is_lce(tflite_path):
        # LCE's interpreter runs builtin int8 operators with TFLite's optimized kernels: profile
        # tflite_optimized (probe_lce_rounding.py, probe_lce_builtin_int8.py); the LCE operators
        # themselves have no requantization.
        return [("lce", "tflite_optimized", True)]
    return [("litert_ref", "tflite_reference", True), ("litert_xnnpack", "xnnpack_fp32", True)]


def make_oracle(name, tflite_path):
    if name == "lce":
        return harness.LCEOracle(tflite_path)
    return harness.LiteRTOracle(tflite_path, reference=(name == "litert_ref"))


def compare_model(tflite_path, lbm_path, build_dir, rng_seed, count, kernel="auto"):
    rows = []
    for oracle_name, profile, exact in oracle_plan(tflite_path):
        oracle = make_oracle(oracle_name, tflite_path)
        rng = np.random.default_rng(rng_seed)  # every oracle sees the same inputs
        specs = oracle.input_specs()
        float_model = all(np.dtype(d).kind == "f" for d, _ in oracle.output_specs())
        comparison = harness.Comparison(exact=exact and not float_model)
        for index in range(count):
            inputs = [harness.random_input(rng, dtype, shape) for dtype, shape, _ in specs]
            expected = oracle.run(inputs)
            got = harness.run_lowbit(lbm_path, inputs, oracle.output_specs(), profile, build_dir, kernel)
            comparison.add(expected, got, index)
        rows.append((oracle_name, profile, comparison))
    return rows


FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "models")


def model_list(shared_dir, generated_dir, quick, regenerate):
    import binary_models
    import gen_int8_models
    # zoo/ is the coverage issues' target list; most of it does not run yet.
    models = sorted(m for m in glob.glob(os.path.join(shared_dir, "**", "*.tflite"), recursive=True)
                    if not os.path.relpath(m, shared_dir).startswith("zoo" + os.sep))
    models += gen_int8_models.generate(generated_dir, quick=quick, force=regenerate)
    models += binary_models.generate(generated_dir, quick=quick, force=regenerate)
    return models


def fixture_list():
    """The committed copies of the generated models (CI: no TensorFlow, no Larq needed)."""
    models = sorted(glob.glob(os.path.join(FIXTURES, "*.tflite")))
    if not models:
        raise SystemExit(f"no fixtures in {FIXTURES}")
    return models


def refresh_fixtures(models):
    import shutil
    os.makedirs(FIXTURES, exist_ok=True)
    for old in glob.glob(os.path.join(FIXTURES, "*.tflite")):
        os.remove(old)
    for model in models:
        if re.match(r"(int8|lce)_", os.path.basename(model)):
            shutil.copy(model, FIXTURES)
    print(f"refreshed {FIXTURES}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=None, help="input seed (default: time-based)")
    parser.add_argument("--inputs", type=int, default=None, help="random inputs per model (default 20, quick 3)")
    parser.add_argument("--quick", action="store_true", help="fewer generated models and inputs")
    parser.add_argument("--build-dir", default=os.path.join(harness.ROOT, "build"))
    parser.add_argument("--work-dir", default=None, help="generated models and .lbm files")
    parser.add_argument("--shared-models", default=os.path.join(harness.ROOT, "..", "shared", "models"))
    parser.add_argument("--regenerate", action="store_true", help="rewrite generated .tflite files")
    parser.add_argument("--only", default=None, help="regular expression on model file names")
    parser.add_argument("--no-fashion", action="store_true",
                        help="skip the trained Fashion-MNIST network (always skipped with --quick)")
    parser.add_argument("--write-doc", default=None, help="write the Markdown report here")
    parser.add_argument("--fixtures", action="store_true",
                        help="only the committed generated models of tests/conformance/fixtures (CI)")
    parser.add_argument("--refresh-fixtures", action="store_true",
                        help="copy the generated models into tests/conformance/fixtures")
    parser.add_argument("--kernel", default="auto", help="lowbit kernel set (lowbit-run --kernel)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int(time.time()) % 1000000
    count = args.inputs or (3 if args.quick else 20)
    work_dir = args.work_dir or os.path.join(args.build_dir, "conformance")
    print(f"conformance: seed {seed} (rerun with --seed {seed}), {count} inputs per model, "
          f"lowbit kernels {args.kernel}; {machine()}", flush=True)

    started = time.time()
    if args.fixtures:
        models = fixture_list()
    else:
        models = model_list(args.shared_models, os.path.join(work_dir, "models"), args.quick,
                            args.regenerate)
        if args.refresh_fixtures:
            refresh_fixtures(models)
    if args.only:
        models = [m for m in models if re.search(args.only, os.path.basename(m))]
    results = []
    for tflite_path in models:
        name = os.path.splitext(os.path.basename(tflite_path))[0]
        first_row = len(results)
        lbm_path = os.path.join(work_dir, "lbm", name + ".lbm")
        os.makedirs(os.path.dirname(lbm_path), exist_ok=True)
        error = harness.convert(tflite_path, lbm_path, args.build_dir)
        operators = operators_of(tflite_path, args.build_dir) if error is None else "-"
        if error is not None:
            results.append((name, operators, "-", "-", None, "CONVERT FAILED: " + error.splitlines()[0]))
        else:
            try:
                # Inputs depend on the seed and the model's name only, so --only reproduces them.
                model_seed = seed * 1000003 + zlib.crc32(name.encode())
                for oracle, profile, comparison in compare_model(tflite_path, lbm_path, args.build_dir,
                                                                 model_seed, count, args.kernel):
                    results.append((name, operators, oracle, profile, comparison, None))
            except Exception as failure:  # an oracle or lowbit-run refusing the model is a result
                results.append((name, operators, "-", "-", None, f"ERROR: {failure}"))
        for row in results[first_row:]:
            print(format_row(row), flush=True)
    fashion = None
    if not (args.quick or args.no_fashion or args.only or args.fixtures):
        import fashion_mnist
        fashion = fashion_mnist.run(args.build_dir, work_dir)
        print(fashion_mnist.describe(fashion), flush=True)
    elapsed = time.time() - started
    print(summary(results, elapsed))
    if args.write_doc:
        write_doc(args.write_doc, results, seed, count, args, elapsed, fashion)
    failed = [r for r in results if not passed(r)]
    fashion_failed = fashion is not None and fashion["lce_accuracy"] != fashion["lowbit_accuracy"]
    return 1 if failed or fashion_failed else 0


def verdict(row):
    name, _, oracle, _, comparison, error = row
    if error:
        known = explain(name, "error")
        return f"{error[:120]} (known: {known[0]})" if known else error
    text = comparison.verdict()
    if text in ("exact", "within 1e-5 rel"):
        return text
    known = explain(name, oracle)
    if known:
        return f"{text} (known: {known[0]})"
    return text


def passed(row):
    name, _, oracle, _, comparison, error = row
    if error:
        return explain(name, "error") is not None
    return comparison.mismatches == 0 or explain(name, oracle) is not None


def format_row(row):
    name, _, oracle, profile, comparison, _ = row
    if comparison is None:
        return f"{name:44s} {verdict(row)}"
    return (f"{name:44s} {oracle:15s} {profile:17s} max|d| {comparison.max_abs_diff:<10.4g} "
            f"mismatches {comparison.mismatches}/{comparison.elements}  {verdict(row)}")


def summary(results, elapsed):
    models = len({r[0] for r in results})
    exact = sum(1 for r in results if r[4] is not None and r[4].mismatches == 0)
    known = sum(1 for r in results if passed(r) and r[4] is not None and r[4].mismatches)
    bad = sum(1 for r in results if not passed(r))
    return (f"conformance: {models} models, {len(results)} comparisons: {exact} agree, "
            f"{known} known differences, {bad} unexplained failures ({elapsed:.0f} s)")


def command_flags(args):
    flags = " --ci" if args.fixtures else (" --quick" if args.quick else "")
    return flags + (f" --kernel {args.kernel}" if args.kernel != "auto" else "")


def write_doc(path, results, seed, count, args, elapsed, fashion):
    from known_differences import DOC_HEADER, KNOWN
    lines = [DOC_HEADER.strip(), "",
             "## The recorded run", "",
             f"Command: `scripts/conformance.sh{command_flags(args)} --seed {seed}` "
             f"({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {elapsed:.0f} s, "
             f"CPU {cpu_model()}). "
             f"Seed {seed}, {count} random inputs per model and oracle.", "",
             summary(results, elapsed).replace("conformance: ", "Result: ") + ".", "",
             "| model | operators (lowbit) | oracle | lowbit profile | inputs | max abs diff | mismatching elements | result |",
             "|---|---|---|---|---|---|---|---|"]
    for row in results:
        name, operators, oracle, profile, comparison, _ = row
        if comparison is None:
            lines.append(f"| {name} | {operators} | - | - | - | - | - | {verdict(row)} |")
        else:
            lines.append(f"| {name} | {operators} | {oracle} | {profile} | {comparison.inputs_compared} | "
                         f"{comparison.max_abs_diff:.4g} | {comparison.mismatches} of {comparison.elements} | "
                         f"{verdict(row)} |")
    lines += ["", "## Trained binary network", ""]
    if fashion is None:
        lines.append("Not run (`--quick`, `--only` or `--no-fashion`).")
    else:
        import fashion_mnist
        lines.append(fashion_mnist.describe(fashion) + ". The network (tests/conformance/binary_models.py, "
                     "float 3x3 CONV_2D, two binary 3x3 LceBconv2d, max pools, batch norms, "
                     "FULLY_CONNECTED) is trained by fashion_mnist.py with Larq on Debian's dataset-fashion-mnist and "
                     "converted by LCE with a fixed batch of "
                     f"{fashion_mnist.EVAL_BATCH}; lowbit runs it with profile tflite_optimized.")
    lines += ["", "## Mismatches and errors", ""]
    used = []

    def note(known):
        if not known:
            return "**Not explained.**"
        if known[1] not in used:
            used.append(known[1])
        return f"Explanation: [{known[1]}](#{known[1]})."

    for name, _, _, _, comparison, error in results:
        if comparison is None:
            lines.append(f"- **{name}**: {error[:200]}... {note(explain(name, 'error'))}")
    mismatching = [r for r in results if r[4] is not None and r[4].mismatches]
    for name, _, oracle, profile, comparison, _ in mismatching:
        inp, out, position, want, have = comparison.first_mismatch
        lines.append(f"- **{name}** vs {oracle} (profile {profile}): {comparison.mismatches} of "
                     f"{comparison.elements} elements, max abs diff {comparison.max_abs_diff:.4g}; first at "
                     f"input {inp}, output {out}, index {list(position)}: expected {want}, got {have}. "
                     + note(explain(name, oracle)))
    if len(lines) and lines[-1] == "":
        lines.append("None.")
    from known_differences import OPEN_CASES
    lines += ["", OPEN_CASES.strip()]
    if used:
        lines += ["", "## Explanations", ""]
        for key in used:
            lines += [f"### {key}", "", KNOWN[key], ""]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
