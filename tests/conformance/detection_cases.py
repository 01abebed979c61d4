"""TFLite_Detection_PostProcess (SSD) against LiteRT's kernel, all four outputs byte for byte.

Two sources of cases, each a one-operator model written with tflite_builder.py:
  * the zoo's traffic_model.tflite: its post-processing operator (options and uint8 anchors
    as in the file) fed with the tensors LiteRT computes for it on seeded random images
    (experimental_preserve_all_tensors), checked first to reproduce the full model's outputs;
  * random operators: float32 or uint8 inputs, regular or fast NMS, one or more classes per
    detection, with or without a background column, uint8 scores (many ties).

  .venv/bin/python tests/conformance/detection_cases.py [--images 10] [--cases 40] [--seed N]

Exit status 1 on any difference.
"""
import argparse
import os
import sys

import numpy as np
from flatbuffers import flexbuffers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import tflite_builder  # noqa: E402
from lowbit_tools import machine  # noqa: E402
from resize_cases import start_sweep  # noqa: E402

CUSTOM_CODE = "TFLite_Detection_PostProcess"
ZOO = os.path.join(harness.ROOT, "..", "shared", "models", "zoo", "coral")
ZOO_MODEL = os.path.join(ZOO, "traffic_model.tflite")
ZOO_IMAGE = os.path.join(ZOO, "0001.bmp")  # the zoo's known-answer street scene


def one_op_model(boxes, scores, anchors, options_blob, slots):
    """boxes/scores: (shape, dtype, quant or None); anchors: (array, quant or None)."""
    model = tflite_builder.TFLiteModel()

    def quant(q):
        return dict(scales=[q[0]], zero_points=[q[1]]) if q else {}

    b = model.tensor("boxes", boxes[0], boxes[1], **quant(boxes[2]))
    s = model.tensor("scores", scores[0], scores[1], **quant(scores[2]))
    a = model.tensor("anchors", anchors[0].shape, anchors[0].dtype, data=anchors[0],
                     **quant(anchors[1]))
    outs = [model.tensor("detection_boxes", [1, slots, 4], np.float32),
            model.tensor("detection_classes", [1, slots], np.float32),
            model.tensor("detection_scores", [1, slots], np.float32),
            model.tensor("num_detections", [1], np.float32)]
    model.custom_operator(CUSTOM_CODE, [b, s, a], outs, options_blob)
    return model.serialize([b, s], outs)


def written_slots(options, count, slots):
    """Output slots TFLite writes: every one with regular NMS; with fast NMS only the first
    min(max_classes_per_detection, num_classes) of each detection found (the others keep
    whatever the arena held in TFLite, while lowbit writes zeros)."""
    if options is None or options["use_regular_nms"]:
        return np.arange(slots)
    per = options["max_classes_per_detection"]
    used = min(per, options["num_classes"])
    return np.array([k * per + c for k in range(count) for c in range(used)], np.int64)


def meaningful(outputs, options):
    boxes, classes, scores, count = outputs
    keep = written_slots(options, int(count[0]), classes.shape[1])
    return [boxes[0][keep], classes[0][keep], scores[0][keep], count]


def compare(path, inputs, args, expected=None, options=None):
    """None when lowbit's four outputs equal LiteRT's byte for byte (in the slots TFLite
    writes), else what differs."""
    oracle = harness.LiteRTOracle(path, reference=True)
    want = oracle.run(inputs)
    if expected is not None and any(w.tobytes() != e.tobytes()
                                    for w, e in zip(meaningful(want, options),
                                                    meaningful(expected, options))):
        return "the one-operator model does not reproduce the full model's outputs"
    lbm = path[:-len(".tflite")] + ".lbm"
    error = harness.convert(path, lbm, args.build_dir)
    if error:
        return "CONVERT FAILED: " + error.splitlines()[0]
    try:
        got = harness.run_lowbit(lbm, inputs, oracle.output_specs(), "tflite_reference",
                                 args.build_dir, args.kernel)
    except RuntimeError as failure:
        return f"RUN FAILED: {failure}"
    names = ("boxes", "classes", "scores", "count")
    want, got = meaningful(want, options), meaningful(got, options)
    bad = [f"{n} ({int(np.sum(w != g))} of {w.size})" for n, w, g in zip(names, want, got)
           if w.tobytes() != g.tobytes()]
    return "MISMATCH in " + ", ".join(bad) if bad else None


def zoo_cases(args, work, rng):
    """The traffic model's post-processing on its own inputs from seeded random images."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    from tensorflow.lite.python import schema_py_generated as schema
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(open(ZOO_MODEL, "rb").read(), 0))
    graph = model.subgraphs[0]
    op = next(o for o in graph.operators
              if model.operatorCodes[o.opcodeIndex].customCode in (CUSTOM_CODE, CUSTOM_CODE.encode()))
    full = Interpreter(model_path=ZOO_MODEL, experimental_preserve_all_tensors=True,
                       experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    full.allocate_tensors()
    details = {d["index"]: d for d in full.get_tensor_details()}
    box_index, score_index, anchor_index = op.inputs
    anchor_tensor = graph.tensors[anchor_index]
    anchors = np.frombuffer(bytes(model.buffers[anchor_tensor.buffer].data), np.uint8)
    anchors = anchors.reshape(list(anchor_tensor.shape))

    def spec(index):
        d = details[index]
        return list(d["shape"]), d["dtype"], d["quantization"]

    slots = int(details[op.outputs[1]]["shape"][1])
    options = flexbuffers.Loads(bytes(op.customOptions))
    path = os.path.join(work, "traffic_postprocess.tflite")
    with open(path, "wb") as f:
        f.write(one_op_model(spec(box_index), spec(score_index),
                             (anchors, details[anchor_index]["quantization"]),
                             bytes(op.customOptions), slots))
    image = full.get_input_details()[0]
    results = []
    for k in range(args.images):
        x = np.random.default_rng(rng.randint(0, 1 << 30)).integers(0, 256, image["shape"],
                                                                     dtype=np.uint8)
        if k == 0 and os.path.exists(ZOO_IMAGE):
            import tensorflow as tf
            photo = tf.io.decode_bmp(tf.io.read_file(ZOO_IMAGE), channels=3).numpy()
            if list(photo.shape) == list(image["shape"][1:]):
                x = photo[np.newaxis]
        full.set_tensor(image["index"], x)
        full.invoke()
        inputs = [full.get_tensor(box_index), full.get_tensor(score_index)]
        expected = [full.get_tensor(i) for i in op.outputs]
        found = int(expected[3][0])
        results.append((f"traffic {'0001.bmp' if k == 0 else f'random image {k}'} "
                        f"({found} detections)",
                        compare(path, inputs, args, expected, options)))
    return results


def random_case(rng, index):
    """Options, inputs and a one-operator model; uint8 inputs make ties common."""
    anchors_n = rng.choice([1, 5, 40, 300])
    num_classes = rng.choice([1, 3, 7])
    background = rng.random() < 0.5
    columns = num_classes + background
    regular = index % 2 == 1
    options = {"max_detections": rng.choice([1, 3, 10, 25]),
               "max_classes_per_detection": 1 if regular else rng.choice([1, 1, 2, 3]),
               "detections_per_class": rng.choice([1, 5, 100]),
               "use_regular_nms": regular,
               "nms_score_threshold": rng.choice([-1.0, 0.0, 0.3, 0.6]),
               "nms_iou_threshold": rng.choice([0.3, 0.5, 0.6, 1.0]),
               "num_classes": num_classes,
               "y_scale": 10.0, "x_scale": 10.0, "h_scale": 5.0, "w_scale": 5.0}
    quantized = rng.random() < 0.5
    data = np.random.default_rng(rng.randint(0, 1 << 30))
    code_size = rng.choice([4, 4, 6])
    centers = data.uniform(0.05, 0.95, (anchors_n, 2))
    sizes = data.uniform(0.05, 0.4, (anchors_n, 2))
    anchors = np.concatenate([centers, sizes], axis=1).astype(np.float32)
    if quantized:
        box_q, score_q, anchor_q = (0.05, 128), (1 / 256, 0), (1 / 255, 0)
        boxes = data.integers(0, 256, (1, anchors_n, code_size), dtype=np.uint8)
        scores = data.integers(0, 256, (1, anchors_n, columns), dtype=np.uint8)
        anchors = np.clip(np.round(anchors * 255), 1, 255).astype(np.uint8)
        box_spec = ([1, anchors_n, code_size], np.uint8, box_q)
        score_spec = ([1, anchors_n, columns], np.uint8, score_q)
    else:
        anchor_q = None
        boxes = data.normal(0, 3, (1, anchors_n, code_size)).astype(np.float32)
        scores = np.round(data.uniform(0, 1, (1, anchors_n, columns)) * 16).astype(np.float32) / 16
        box_spec = ([1, anchors_n, code_size], np.float32, None)
        score_spec = ([1, anchors_n, columns], np.float32, None)
    slots = options["max_detections"] * options["max_classes_per_detection"]
    model = one_op_model(box_spec, score_spec, (anchors, anchor_q), flexbuffers.Dumps(options),
                         slots)
    return model, [boxes, scores], options, quantized


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=10, help="traffic model inputs (0: skip)")
    parser.add_argument("--cases", type=int, default=40, help="random operators")
    args, _, work, rng = start_sweep(parser, "detection_cases")
    results = zoo_cases(args, work, rng) if args.images and os.path.exists(ZOO_MODEL) else []
    for index in range(args.cases):
        model, inputs, options, quantized = random_case(rng, index)
        path = os.path.join(work, f"random_{index}.tflite")
        with open(path, "wb") as f:
            f.write(model)
        label = f"random {index} ({'uint8' if quantized else 'float32'}, {options})"
        results.append((label, compare(path, inputs, args, options=options)))
    failed = 0
    for label, problem in results:
        if problem or label.startswith("traffic"):
            print(f"{label}: {problem or 'identical'}", flush=True)
        failed += problem is not None
    print(f"detection cases: {len(results) - failed} identical, {failed} failed; {machine()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
