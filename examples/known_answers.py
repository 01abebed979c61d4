"""The image examples' known answers, from LiteRT's reference kernels (BUILTIN_REF).

Feeds each zoo model the pixels its example feeds lowbit (decoded by the same libstb through
ctypes, resized by the same arithmetic), runs LiteRT with the reference op resolver, and prints
the lines the example must print; examples/CMakeLists.txt expects exactly these lines, which
holds because lowbit matches BUILTIN_REF bit for bit.

  TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python examples/known_answers.py [--models DIR] [--check]

--check: exit 1 unless examples/CMakeLists.txt expects every one of these lines.
"""
import argparse
import csv
import ctypes
import os

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYPOINTS = ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
             "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
             "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"]
BACKGROUND, BIRD = 0, 3

stb = ctypes.CDLL("libstb.so.0")
stb.stbi_load.restype = ctypes.POINTER(ctypes.c_ubyte)


def read_image(path, channels):
    """What image_support.h's read_image gives: stbi_load with `channels` channels."""
    width, height, found = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    data = stb.stbi_load(path.encode(), ctypes.byref(width), ctypes.byref(height),
                         ctypes.byref(found), channels)
    if not data:
        raise SystemExit(f"known_answers: cannot read {path}")
    pixels = np.ctypeslib.as_array(data, shape=(height.value, width.value, channels)).copy()
    stb.stbi_image_free(data)
    return pixels


def run(model, inputs):
    interpreter = Interpreter(model_path=model,
                              experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    details = interpreter.get_input_details()
    for detail, array in zip(details, inputs):
        interpreter.set_tensor(detail["index"], array)
    for detail in details[len(inputs):]:  # the detector's LSTM state: zero, as in the example
        zero = detail["quantization"][1]
        interpreter.set_tensor(detail["index"], np.full(detail["shape"], zero, detail["dtype"]))
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


def segment_image(zoo):
    image = read_image(os.path.join(zoo, "bird_segmentation.bmp"), 3)
    classes = run(os.path.join(zoo, "deeplabv3_mnv2_dm05_pascal_quant.tflite"), [image[None]])[0][0]
    truth = read_image(os.path.join(zoo, "bird_segmentation_mask.bmp"), 1)[..., 0]
    labelled = (truth == BACKGROUND) | (truth == BIRD)  # 1 and 2 mark the scaled outline
    predicted, is_bird = (classes == BIRD) & labelled, (truth == BIRD) & labelled
    both, either = int(np.sum(predicted & is_bird)), int(np.sum(predicted | is_bird))
    return [f"bird IoU {both / either:.4f} ({both} of {either} pixels)"]


def resize_bilinear_half_pixel(image, out_h, out_w):
    """estimate_pose.cpp's resize, operation for operation in float32."""
    f = np.float32
    in_h, in_w = image.shape[:2]

    def taps(out_size, in_size):
        scale = f(in_size) / f(out_size)
        s = (np.arange(out_size, dtype=f) + f(0.5)) * scale - f(0.5)
        lo = np.maximum(np.floor(s).astype(int), 0)
        hi = np.minimum(np.ceil(s).astype(int), in_size - 1)
        return lo, hi, (s - lo.astype(f)).astype(f)

    y0, y1, dy = taps(out_h, in_h)
    x0, x1, dx = taps(out_w, in_w)
    dy, dx = dy[:, None, None], dx[None, :, None]
    px = image.astype(f)
    one = f(1)
    value = (px[y0][:, x0] * (one - dy) * (one - dx) + px[y1][:, x0] * dy * (one - dx) +
             px[y0][:, x1] * (one - dy) * dx + px[y1][:, x1] * dy * dx)
    return value.astype(np.uint8)  # truncation, as the C++ cast


def estimate_pose(zoo):
    image = resize_bilinear_half_pixel(read_image(os.path.join(zoo, "squat.bmp"), 3), 192, 192)
    out = run(os.path.join(zoo, "movenet_single_pose_lightning_ptq.tflite"), [image[None]])[0]
    keypoints = out.reshape(17, 3)
    rows = csv.DictReader(open(os.path.join(zoo, "movenet_single_pose_lightning_ptq_reference.csv")))
    reference = {int(r["keypoint_id"]): (np.float32(r["keypoint_y"]), np.float32(r["keypoint_x"]))
                 for r in rows}
    worst, worst_k = np.float32(0), 0
    for k in range(17):
        dy = abs(keypoints[k, 0] - reference[k][0])
        dx = abs(keypoints[k, 1] - reference[k][1])
        if max(dy, dx) > worst:
            worst, worst_k = max(dy, dx), k
    return [f"largest difference from the reference: {float(worst):.6f} ({KEYPOINTS[worst_k]}), "
            f"tolerance 0.03"]


def fnv1a64(data, value=0xcbf29ce484222325):
    for byte in data:
        value = ((value ^ byte) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return value


def detect_objects(zoo, shown=2, min_score=0.25):
    image = read_image(os.path.join(zoo, "0001.bmp"), 3)
    boxes, classes, scores, count = run(os.path.join(zoo, "traffic_model.tflite"), [image[None]])[:4]
    n = int(count[0])
    boxes, classes, scores = boxes[0, :n], classes[0, :n], scores[0, :n]
    lines = [f"{n} detections, those with score >= {min_score:.2f}:"]
    for i in range(shown):
        b = [float(v) for v in boxes[i]]
        lines.append(f"class {int(classes[i])} score {float(scores[i]):.6f} "
                     f"box y {b[0]:.6f}..{b[2]:.6f} x {b[1]:.6f}..{b[3]:.6f}")
    digest = fnv1a64(b"".join(a.astype("<f4").tobytes() for a in (boxes, classes, scores)))
    lines.append(f"checksum of all {n} detections: {digest:016x}")
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = os.environ.get("LOWBIT_MODELS_DIR", os.path.join(ROOT, "..", "shared", "models"))
    parser.add_argument("--models", default=shared)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    zoo = os.path.join(args.models, "zoo", "coral")
    expected = open(os.path.join(ROOT, "examples", "CMakeLists.txt")).read()
    stale = 0
    for name, answers in (("segment_image", segment_image), ("estimate_pose", estimate_pose),
                          ("detect_objects", detect_objects)):
        for line in answers(zoo):
            missing = f'"{line}"' not in expected
            stale += missing
            print(f"{name}: {line}" + ("   <- not in examples/CMakeLists.txt" if missing else ""))
    if args.check and stale:
        raise SystemExit(f"known_answers: {stale} line(s) differ from examples/CMakeLists.txt")


if __name__ == "__main__":
    main()
