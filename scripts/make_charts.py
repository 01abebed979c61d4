#!/usr/bin/env python3
"""Charts for docs/benchmarks.md from `bench_model --output_json` files.

    scripts/make_charts.py OUT_DIR RESULT.json [RESULT.json ...]

Writes OUT_DIR/latency.svg (average and minimum inference time
per model, one bar per kernel set and thread count; also the speed-up over
the reference kernels measured in the same run) and OUT_DIR/operators.svg
(share of time per operator kind, from results made with
--enable_op_profiling). Needs matplotlib (pip install matplotlib).
"""
import collections
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(paths):
    results = []
    for path in paths:
        with open(path) as f:
            r = json.load(f)
        r["model"] = os.path.splitext(os.path.basename(r["graph"]))[0]
        r["config"] = f'{r["kernel_set"]}, {r["num_threads"]} thr'
        results.append(r)
    return results


def latency_chart(results, path):
    models = sorted({r["model"] for r in results})
    configs = sorted({r["config"] for r in results})
    width = 0.8 / max(1, len(configs))
    fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(models) + 2), 4))
    for ci, config in enumerate(configs):
        xs, avg, low = [], [], []
        for mi, model in enumerate(models):
            match = [r for r in results if r["model"] == model and r["config"] == config]
            if match:
                xs.append(mi + ci * width)
                avg.append(match[0]["inference_avg_ms"])
                low.append(match[0]["inference_min_ms"])
        bars = ax.bar(xs, avg, width, label=config)
        ax.scatter(xs, low, color="black", marker="_", s=80, zorder=3)
        for bar, value in zip(bars, avg):
            ax.annotate(f"{value:.2f}", (bar.get_x() + bar.get_width() / 2, value),
                        ha="center", va="bottom", fontsize=7)
    ax.set_xticks([i + width * (len(configs) - 1) / 2 for i in range(len(models))])
    ax.set_xticklabels(models, rotation=15)
    ax.set_ylabel("inference time, ms (bar: average, tick: minimum)")
    ax.set_yscale("log")
    ax.set_title("bench_model, CPU features: " + (results[0]["cpu_features"] if results else ""),
                 fontsize=8)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def operator_chart(results, path):
    profiled = [r for r in results if r.get("operators")]
    if not profiled:
        return False
    kinds = collections.OrderedDict()
    rows = []
    for r in profiled:
        per_kind = collections.Counter()
        for op in r["operators"]:
            per_kind[op["type"]] += op["avg_ms"]
            kinds.setdefault(op["type"], None)
        total = sum(per_kind.values()) or 1.0
        rows.append((f'{r["model"]}\n{r["config"]}', {k: 100.0 * v / total for k, v in per_kind.items()}))
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(rows) + 1.5))
    left = [0.0] * len(rows)
    colors = plt.get_cmap("tab20").colors  # more kinds than the default cycle's 10
    for i, kind in enumerate(kinds):
        values = [row[1].get(kind, 0.0) for row in rows]
        ax.barh(range(len(rows)), values, left=left, label=kind, color=colors[i % len(colors)])
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([row[0] for row in rows], fontsize=8)
    ax.set_xlabel("share of inference time, %")
    ax.set_xlim(0, 100)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = argv[1]
    os.makedirs(out_dir, exist_ok=True)
    results = load(argv[2:])
    latency_chart(results, os.path.join(out_dir, "latency.svg"))
    written = ["latency.svg"]
    if operator_chart(results, os.path.join(out_dir, "operators.svg")):
        written.append("operators.svg")
    # The ratio table docs/benchmarks.md quotes: each result over the reference
    # kernels with the same model and threads, from the same run.
    for r in sorted(results, key=lambda r: (r["model"], r["config"])):
        ref = [x for x in results if x["model"] == r["model"] and x["kernel_set"] == "reference"
               and x["num_threads"] == r["num_threads"]]
        ratio = f'{ref[0]["inference_avg_ms"] / r["inference_avg_ms"]:.1f}x' if ref else "-"
        print(f'{r["model"]:<28} {r["config"]:<16} avg {r["inference_avg_ms"]:9.3f} ms  '
              f'min {r["inference_min_ms"]:9.3f} ms  vs reference {ratio}')
    print("wrote", ", ".join(os.path.join(out_dir, w) for w in written))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
