"""lowbit-eval on tiny models and datasets whose accuracy is known by construction, and on bad
input (each a one-line named error, exit 1; a bad command line exits 2).

The models (written with tflite_builder.py, run by lowbit-eval from the .tflite): "identity", a
float FULLY_CONNECTED with identity weights (top-1 of a sample = its largest value);
"swapped", the same with classes 0 and 1 exchanged; "int8", a 1x1 int8 MAX_POOL_2D (scale 0.05,
zero point -3) that passes its quantized input through, so float samples are quantized by
lowbit-eval and ties after rounding go to the first class.

Usage: eval_tool_check.py --build-dir DIR
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tflite_builder  # noqa: E402
from lowbit_tools import tool  # noqa: E402

CLASSES = 4


def fc_model(weights):
    m = tflite_builder.TFLiteModel()
    x = m.tensor("x", [1, CLASSES], np.float32)
    w = m.tensor("w", [CLASSES, CLASSES], np.float32, data=weights)
    y = m.tensor("y", [1, CLASSES], np.float32)
    m.operator("FULLY_CONNECTED", 1, [x, w, -1], [y], activation=0)
    return m.serialize([x], [y])


def int8_model():
    m = tflite_builder.TFLiteModel()
    x = m.tensor("x", [1, 1, CLASSES, 1], np.int8, scales=[0.05], zero_points=[-3])
    y = m.tensor("y", [1, 1, CLASSES, 1], np.int8, scales=[0.05], zero_points=[-3])
    m.operator("MAX_POOL_2D", 1, [x], [y], padding=tflite_builder.VALID, stride_w=1, stride_h=1,
               filter_width=1, filter_height=1, activation=0)
    return m.serialize([x], [y])


class Checker:
    def __init__(self, build_dir, scratch):
        self.eval = tool("lowbit-eval", build_dir)
        self.scratch = scratch
        self.failures = 0

    def path(self, name):
        return os.path.join(self.scratch, name)

    def run(self, *args):
        done = subprocess.run([self.eval, *args], capture_output=True, text=True)
        return done.returncode, done.stdout, done.stderr.strip()

    def expect(self, what, args, lines):
        code, out, err = self.run(*args)
        missing = [line for line in lines if line not in out.splitlines()]
        ok = code == 0 and not missing
        print(f"{'ok  ' if ok else 'FAIL'} {what}" +
              ("" if ok else f": exit {code}, missing {missing}; stdout {out!r} stderr {err!r}"))
        self.failures += not ok

    def expect_error(self, what, args, fragment, exit_code=1):
        code, out, err = self.run(*args)
        ok = code == exit_code and fragment in err and len(err.splitlines()) == 1
        print(f"{'ok  ' if ok else 'FAIL'} error: {what}" +
              ("" if ok else f": exit {code} (want {exit_code}), stderr {err!r}, want {fragment!r}"))
        self.failures += not ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lowbit-eval-") as scratch:
        c = Checker(args.build_dir, scratch)
        identity = np.eye(CLASSES, dtype=np.float32)
        swapped = identity[[1, 0, 2, 3]]
        models = {"identity": fc_model(identity), "swapped": fc_model(swapped),
                  "int8": int8_model()}
        for name, data in models.items():
            with open(c.path(name + ".tflite"), "wb") as f:
                f.write(data)

        # 10 one-hot samples of classes 0..3 (file order: a, b, c): a single sample of shape
        # (4,), a batch of 3 and a batch of 6 with shape (6, 1, 4).
        classes = np.array([2, 0, 1, 3, 3, 0, 1, 2, 0, 1])
        samples = np.eye(CLASSES, dtype=np.float32)[classes]
        data = c.path("data")
        os.mkdir(data)
        np.save(os.path.join(data, "a.npy"), samples[0])
        np.save(os.path.join(data, "b.npy"), samples[1:4])
        np.save(os.path.join(data, "c.npy"), samples[4:].reshape(6, 1, CLASSES))
        with open(os.path.join(data, "README.txt"), "w") as f:
            f.write("not a sample: only .npy files count\n")
        # Labels: the true classes except at samples 3, 8 and 9 (so 7 of 10 are right).
        labels = classes.copy()
        labels[[3, 8, 9]] = [0, 3, 2]
        with open(c.path("labels.txt"), "w") as f:
            f.write("\n".join(str(v) for v in labels) + "\n")
        np.save(c.path("labels.npy"), labels.astype(np.int64))
        identity_path, swapped_path = c.path("identity.tflite"), c.path("swapped.tflite")

        c.expect("identity model, text labels", [identity_path, "--data", data, "--labels",
                                                c.path("labels.txt")],
                 ["samples: 10 of 10 (3 files in " + data + ")",
                  identity_path + ": top-1 accuracy 70.00% (7/10)"])
        # The swapped model predicts 1 for the samples of class 0 and 0 for those of class 1;
        # the two models agree on the samples of classes 2 and 3.
        swapped_predictions = np.where(classes < 2, 1 - classes, classes)
        swapped_right = int(np.sum(swapped_predictions == labels))
        agree = int(np.sum(classes >= 2))
        c.expect("--compare, .npy labels", [identity_path, "--data", data, "--labels",
                                            c.path("labels.npy"), "--compare", swapped_path],
                 [identity_path + ": top-1 accuracy 70.00% (7/10)",
                  f"{swapped_path}: top-1 accuracy {100 * swapped_right / 10:.2f}% "
                  f"({swapped_right}/10)",
                  f"agreement of top-1 predictions: {100 * agree / 10:.2f}% ({agree}/10)"])
        c.expect("--limit 4", [identity_path, "--data", data, "--labels", c.path("labels.txt"),
                               "--limit", "4"],
                 ["samples: 4 of 10 (3 files in " + data + ")",
                  identity_path + ": top-1 accuracy 75.00% (3/4)"])

        # Float samples into an int8 input: 0.5 and 0.52 both quantize to 7 (a tie, so class
        # 0 wins), 0.53 to 8 (class 1 wins); int8 samples go in as they are.
        quantized = c.path("quantized")
        os.mkdir(quantized)
        np.save(os.path.join(quantized, "0.npy"),
                np.array([[0.5, 0.52, 0, 0], [0.5, 0.53, 0, 0], [0, 0, -1, 0.2]], np.float32)
                .reshape(3, 1, 1, CLASSES, 1))
        with open(c.path("quantized.txt"), "w") as f:
            f.write("0\n1\n3\n")
        int8_path = c.path("int8.tflite")
        c.expect("float samples quantized for an int8 input",
                 [int8_path, "--data", quantized, "--labels", c.path("quantized.txt")],
                 ["samples: 3 of 3 (1 file in " + quantized + ")",
                  int8_path + ": top-1 accuracy 100.00% (3/3)"])
        raw = c.path("raw")
        os.mkdir(raw)
        np.save(os.path.join(raw, "0.npy"), np.array([[1, 5, -7, 4]], np.int8))
        with open(c.path("one.txt"), "w") as f:
            f.write("1\n")
        c.expect("int8 samples for an int8 input",
                 [int8_path, "--data", raw, "--labels", c.path("one.txt")],
                 [int8_path + ": top-1 accuracy 100.00% (1/1)"])

        # Bad input.
        labels_txt = c.path("labels.txt")
        c.expect_error("missing folder", [identity_path, "--data", c.path("nowhere"), "--labels",
                                          labels_txt], "does not exist")
        empty = c.path("empty")
        os.mkdir(empty)
        c.expect_error("empty folder", [identity_path, "--data", empty, "--labels", labels_txt],
                       "no .npy files in " + empty)
        wrong = c.path("wrong_size")
        os.mkdir(wrong)
        np.save(os.path.join(wrong, "a.npy"), np.zeros(5, np.float32))
        c.expect_error("sample of the wrong size",
                       [identity_path, "--data", wrong, "--labels", labels_txt],
                       "a.npy: shape (5,) holds 5 values, neither one sample nor a batch")
        wrong_type = c.path("wrong_type")
        os.mkdir(wrong_type)
        np.save(os.path.join(wrong_type, "a.npy"), np.zeros(4, np.int32))
        c.expect_error("sample of the wrong dtype",
                       [identity_path, "--data", wrong_type, "--labels", labels_txt],
                       "a.npy: dtype <i4 does not match the model input 'x'")
        corrupt = c.path("corrupt")
        os.mkdir(corrupt)
        with open(os.path.join(corrupt, "a.npy"), "wb") as f:
            f.write(b"not numpy at all")
        c.expect_error("not a .npy file", [identity_path, "--data", corrupt, "--labels",
                                           labels_txt], "not a usable .npy file: no \\x93NUMPY")
        with open(c.path("short.txt"), "w") as f:
            f.write("0\n1\n")
        c.expect_error("label count mismatch",
                       [identity_path, "--data", data, "--labels", c.path("short.txt")],
                       "has 2 labels, " + data + " holds 10 samples")
        with open(c.path("bad.txt"), "w") as f:
            f.write("0\ncat\n")
        c.expect_error("a label that is no number",
                       [identity_path, "--data", data, "--labels", c.path("bad.txt")],
                       "bad.txt:2: expected a class number, got 'cat'")
        with open(c.path("range.txt"), "w") as f:
            f.write("\n".join(["0"] * 9 + ["4"]) + "\n")
        c.expect_error("a label outside the classes",
                       [identity_path, "--data", data, "--labels", c.path("range.txt")],
                       "label 9 is 4, outside the 4 classes of")
        c.expect_error("missing labels file", [identity_path, "--data", data, "--labels",
                                               c.path("none.txt")], "cannot open labels file")
        c.expect_error("no --data", [identity_path, "--labels", labels_txt],
                       "--data DIR is required", exit_code=2)
        c.expect_error("unloadable model", [c.path("labels.txt"), "--data", data, "--labels",
                                            labels_txt], "labels.txt", exit_code=1)
        print(f"eval_tool_check: {c.failures} failures")
        return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
