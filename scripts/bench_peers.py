#!/usr/bin/env python3
"""lowbit beside its peers, one entry point (scripts/bench_peers.sh runs it with the venv):

  e2e     issue 16's table: LiteRT vs lowbit's default and xnnpack_fp32 profiles, end to end
  int8    bench_model vs LiteRT's Interpreter (XNNPACK delegate), int8 models end to end
  binary  bench_model vs Larq Compute Engine on generated binary networks and layers
  layers  bench_kernels (lowbit, XNNPACK) vs ONNX Runtime on int8 GEMM layer shapes
  zoo     bench_model on .tflite files vs LiteRT (XNNPACK delegate), the zoo vision models
  profiles  bench_model under each requantization profile vs xnnpack_fp32, per model

Every table starts with a line naming the CPU (lscpu's model name), the load and the time.
`scripts/bench_peers.sh SUBCOMMAND --help` lists each one's options.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import binary_lce, e2e_litert, int8_litert, layers_ort, profiles, zoo_litert  # noqa: E402
from lowbit_tools import ROOT  # noqa: E402 (peers put tests/conformance on the path)

SUBCOMMANDS = {"e2e": e2e_litert, "int8": int8_litert, "binary": binary_lce, "layers": layers_ort, "zoo": zoo_litert,
               "profiles": profiles}
HELP = {"e2e": "vs LiteRT, both profiles, the models of issue 16's table",
        "int8": "vs LiteRT, int8 models end to end", "binary": "vs Larq Compute Engine",
        "layers": "vs ONNX Runtime and XNNPACK, int8 GEMM layers",
        "zoo": "vs LiteRT, the zoo vision models (uint8 and int8), both profiles",
        "profiles": "lowbit's requantization profiles vs xnnpack_fp32 (issue 16)"}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    subcommands = parser.add_subparsers(dest="subcommand", required=True)
    for name, module in SUBCOMMANDS.items():
        sub = subcommands.add_parser(name, help=HELP[name], description=module.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.add_argument("--build", default=os.path.join(ROOT, "build"),
                         help="CMake build folder with bin/ (default: build/)")
        sub.add_argument("--markdown", action="store_true", help="print Markdown tables")
        module.add_arguments(sub)
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    return SUBCOMMANDS[args.subcommand].run(args)


if __name__ == "__main__":
    sys.exit(main())
