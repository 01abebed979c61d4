"""lowbit beside its peers: the subcommands of scripts/bench_peers.py (int8_litert: LiteRT end to
end; binary_lce: Larq Compute Engine; layers_ort with ort_graphs: ONNX Runtime and XNNPACK on GEMM
layers; zoo_litert: LiteRT on the zoo vision models) and what they share (measure.py: lowbit's
tools and timing; report.py: the CPU line and tables). lowbit's tools, the shared model list and
the binary model generator come from tests/conformance, which the bit-exactness checks use too."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                                "conformance"))
