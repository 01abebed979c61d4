# Writes random single-operator TFLite models (CONV_2D, DEPTHWISE_CONV_2D,
# FULLY_CONNECTED, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN; int8 and uint8) and
# runs each through LiteRT, saving model, input and LiteRT's output.
# usage: make_cases.py OUT_DIR CASES_PER_KIND [BUILTIN_REF|AUTO|BUILTIN|BUILTIN_WITHOUT_DEFAULT_DELEGATES]
# The models are built field by field from the TFLite schema ids listed in
# ../shared/NUMERICS.md section 6.
import sys, os, random, struct
import numpy as np
import flatbuffers
from ai_edge_litert.interpreter import Interpreter, OpResolverType

T_FLOAT32, T_INT32, T_UINT8, T_INT8 = 0, 2, 3, 9

def vec_i32(b, vals):
    return b.CreateNumpyVector(np.array(vals, dtype=np.int32))

class Model:
    def __init__(self):
        self.buffers = [b""]
        self.tensors = []
        self.ops = []
        self.codes = []
    def buffer(self, data):
        self.buffers.append(data)
        return len(self.buffers) - 1
    def tensor(self, shape, ttype, scales=None, zps=None, qdim=0, data=None, name="t"):
        buf = self.buffer(data) if data is not None else 0
        self.tensors.append(dict(shape=shape, type=ttype, scales=scales, zps=zps, qdim=qdim, buffer=buf, name=name))
        return len(self.tensors) - 1
    def op(self, code, version, inputs, outputs, opt_type, opt_fn):
        key = (code, version)
        if key not in self.codes:
            self.codes.append(key)
        self.ops.append(dict(opcode=self.codes.index(key), inputs=inputs, outputs=outputs, opt_type=opt_type, opt_fn=opt_fn))
    def finish(self, inputs, outputs):
        b = flatbuffers.Builder(1024)
        # buffers
        buf_offs = []
        for data in self.buffers:
            d = b.CreateNumpyVector(np.frombuffer(data, dtype=np.uint8)) if data else None
            b.StartObject(3)
            if d is not None:
                b.PrependUOffsetTRelativeSlot(0, d, 0)
            buf_offs.append(b.EndObject())
        # tensors
        t_offs = []
        for t in self.tensors:
            name = b.CreateString(t["name"])
            shape = vec_i32(b, t["shape"])
            q = None
            if t["scales"] is not None:
                sc = b.CreateNumpyVector(np.array(t["scales"], dtype=np.float32))
                zp = b.CreateNumpyVector(np.array(t["zps"], dtype=np.int64))
                b.StartObject(7)
                b.PrependUOffsetTRelativeSlot(2, sc, 0)
                b.PrependUOffsetTRelativeSlot(3, zp, 0)
                b.PrependInt32Slot(6, t["qdim"], 0)
                q = b.EndObject()
            b.StartObject(8)
            b.PrependUOffsetTRelativeSlot(0, shape, 0)
            b.PrependInt8Slot(1, t["type"], 0)
            b.PrependUint32Slot(2, t["buffer"], 0)
            b.PrependUOffsetTRelativeSlot(3, name, 0)
            if q is not None:
                b.PrependUOffsetTRelativeSlot(4, q, 0)
            t_offs.append(b.EndObject())
        # operators
        o_offs = []
        for o in self.ops:
            ins = vec_i32(b, o["inputs"])
            outs = vec_i32(b, o["outputs"])
            opt = o["opt_fn"](b)
            b.StartObject(7)
            b.PrependUint32Slot(0, o["opcode"], 0)
            b.PrependUOffsetTRelativeSlot(1, ins, 0)
            b.PrependUOffsetTRelativeSlot(2, outs, 0)
            b.PrependUint8Slot(3, o["opt_type"], 0)
            b.PrependUOffsetTRelativeSlot(4, opt, 0)
            o_offs.append(b.EndObject())
        def vec_offsets(offs):
            b.StartVector(4, len(offs), 4)
            for x in reversed(offs):
                b.PrependUOffsetTRelative(x)
            return b.EndVector()
        tv = vec_offsets(t_offs)
        ov = vec_offsets(o_offs)
        iv = vec_i32(b, inputs)
        outv = vec_i32(b, outputs)
        sgname = b.CreateString("main")
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, tv, 0)
        b.PrependUOffsetTRelativeSlot(1, iv, 0)
        b.PrependUOffsetTRelativeSlot(2, outv, 0)
        b.PrependUOffsetTRelativeSlot(3, ov, 0)
        b.PrependUOffsetTRelativeSlot(4, sgname, 0)
        sg = b.EndObject()
        c_offs = []
        for code, version in self.codes:
            b.StartObject(4)
            b.PrependInt8Slot(0, min(code, 127), 0)
            b.PrependInt32Slot(2, version, 1)
            b.PrependInt32Slot(3, code, 0)
            c_offs.append(b.EndObject())
        cv = vec_offsets(c_offs)
        sv = vec_offsets([sg])
        bv = vec_offsets(buf_offs)
        desc = b.CreateString("int8a oracle")
        b.StartObject(5)
        b.PrependUint32Slot(0, 3, 0)
        b.PrependUOffsetTRelativeSlot(1, cv, 0)
        b.PrependUOffsetTRelativeSlot(2, sv, 0)
        b.PrependUOffsetTRelativeSlot(3, desc, 0)
        b.PrependUOffsetTRelativeSlot(4, bv, 0)
        root = b.EndObject()
        b.Finish(root, file_identifier=b"TFL3")
        return bytes(b.Output())

def conv_opts(padding, sw, sh, act, dw, dh):
    def f(b):
        b.StartObject(6)
        b.PrependInt8Slot(0, padding, 0)
        b.PrependInt32Slot(1, sw, 0)
        b.PrependInt32Slot(2, sh, 0)
        b.PrependInt8Slot(3, act, 0)
        b.PrependInt32Slot(4, dw, 1)
        b.PrependInt32Slot(5, dh, 1)
        return b.EndObject()
    return f

def dw_opts(padding, sw, sh, mult, act, dw, dh):
    def f(b):
        b.StartObject(7)
        b.PrependInt8Slot(0, padding, 0)
        b.PrependInt32Slot(1, sw, 0)
        b.PrependInt32Slot(2, sh, 0)
        b.PrependInt32Slot(3, mult, 0)
        b.PrependInt8Slot(4, act, 0)
        b.PrependInt32Slot(5, dw, 1)
        b.PrependInt32Slot(6, dh, 1)
        return b.EndObject()
    return f

def fc_opts(act, keep):
    def f(b):
        b.StartObject(3)
        b.PrependInt8Slot(0, act, 0)
        b.PrependBoolSlot(2, keep, False)
        return b.EndObject()
    return f

def pool_opts(padding, sw, sh, fw, fh, act):
    def f(b):
        b.StartObject(6)
        b.PrependInt8Slot(0, padding, 0)
        b.PrependInt32Slot(1, sw, 0)
        b.PrependInt32Slot(2, sh, 0)
        b.PrependInt32Slot(3, fw, 0)
        b.PrependInt32Slot(4, fh, 0)
        b.PrependInt8Slot(5, act, 0)
        return b.EndObject()
    return f

def reducer_opts(keep):
    def f(b):
        b.StartObject(1)
        b.PrependBoolSlot(0, keep, False)
        return b.EndObject()
    return f

def out_dim(n, k, s, d, same):
    eff = (k - 1) * d + 1
    return (n + s - 1) // s if same else (n - eff) // s + 1

def layer_scales(rng, taps, channels, per_channel):
    regime = rng.randint(0, 9)
    n = channels if per_channel else 1
    if regime < 3:
        si = 2.0 ** -rng.randint(2, 7)
        ws = [2.0 ** -rng.randint(3, 9) for _ in range(n)]
        k = round(np.log2(100 * np.sqrt(taps))) + rng.randint(-2, 1)
        so = si * ws[0] * 2.0 ** k
    else:
        si = rng.uniform(0.005, 0.1)
        ws = [rng.uniform(0.002, 0.02) for _ in range(n)]
        so = si * ws[0] * rng.uniform(20, 200) * np.sqrt(taps)
    return float(np.float32(si)), [float(np.float32(w)) for w in ws], float(np.float32(so))

def make_case(rng, kind, dtype):
    u8 = dtype == "uint8"
    T = T_UINT8 if u8 else T_INT8
    npt = np.uint8 if u8 else np.int8
    lo, hi = (0, 255) if u8 else (-128, 127)
    m = Model()
    act = rng.randint(0, 3)
    if kind in ("conv", "dw"):
        n = rng.randint(1, 2); kh = rng.randint(1, 3); kw = rng.randint(1, 3)
        sh = rng.randint(1, 2); sw = rng.randint(1, 2); dh = rng.randint(1, 2); dw_ = rng.randint(1, 2)
        same = rng.randint(0, 1) == 1
        h = rng.randint((kh - 1) * dh + 1, 9); w = rng.randint((kw - 1) * dw_ + 1, 9)
        if kind == "conv":
            groups = 1  # TFLite's reference CONV_2D has no groups
            c = rng.randint(1, 6); oc = rng.randint(1, 5); fc = c
            wshape = [oc, kh, kw, fc]; qdim = 0; taps = kh * kw * fc
        else:
            c = rng.randint(1, 6); mult = rng.randint(1, 3); oc = c * mult
            wshape = [1, kh, kw, oc]; qdim = 3; taps = kh * kw
        per_channel = (not u8) and rng.randint(0, 1) == 1
        si, ws, so = layer_scales(rng, taps, oc, per_channel)
        izp = rng.randint(lo, hi); ozp = rng.randint(lo, hi)
        wzp = rng.randint(0, 255) if u8 else 0
        x = np.array([rng.randint(lo, hi) for _ in range(n * h * w * c)], dtype=npt)
        wt = np.array([rng.randint(0 if u8 else -127, hi) for _ in range(int(np.prod(wshape)))], dtype=npt)
        bias = np.array([rng.randint(-30000, 30000) for _ in range(oc)], dtype=np.int32)
        oh = out_dim(h, kh, sh, dh, same); ow = out_dim(w, kw, sw, dw_, same)
        ti = m.tensor([n, h, w, c], T, [si], [izp], name="x")
        tw = m.tensor(wshape, T, ws, [wzp] * len(ws), qdim, wt.tobytes(), name="w")
        tb = m.tensor([oc], T_INT32, [si * s for s in ws], [0] * len(ws), 0, bias.tobytes(), name="b")
        to = m.tensor([n, oh, ow, oc], T, [so], [ozp], name="y")
        pad = 0 if same else 1
        if kind == "conv":
            m.op(3, 1 if u8 else 3, [ti, tw, tb], [to], 1, conv_opts(pad, sw, sh, act, dw_, dh))
        else:
            m.op(4, 1 if u8 else 3, [ti, tw, tb], [to], 2, dw_opts(pad, sw, sh, mult, act, dw_, dh))
        return m.finish([ti], [to]), x
    if kind == "fc":
        batch = rng.randint(1, 4); k = rng.randint(1, 40); oc = rng.randint(1, 12)
        per_channel = (not u8) and rng.randint(0, 1) == 1
        si, ws, so = layer_scales(rng, k, oc, per_channel)
        izp = rng.randint(lo, hi); ozp = rng.randint(lo, hi)
        wzp = rng.randint(0, 255) if u8 else 0
        x = np.array([rng.randint(lo, hi) for _ in range(batch * k)], dtype=npt)
        wt = np.array([rng.randint(0 if u8 else -127, hi) for _ in range(oc * k)], dtype=npt)
        bias = np.array([rng.randint(-30000, 30000) for _ in range(oc)], dtype=np.int32)
        ti = m.tensor([batch, k], T, [si], [izp], name="x")
        tw = m.tensor([oc, k], T, ws, [wzp] * len(ws), 0, wt.tobytes(), name="w")
        tb = m.tensor([oc], T_INT32, [si * s for s in ws], [0] * len(ws), 0, bias.tobytes(), name="b")
        to = m.tensor([batch, oc], T, [so], [ozp], name="y")
        m.op(9, 1 if u8 else 4, [ti, tw, tb], [to], 8, fc_opts(act, False))
        return m.finish([ti], [to]), x
    if kind in ("avgpool", "maxpool"):
        n = rng.randint(1, 2); c = rng.randint(1, 5); fh = rng.randint(1, 4); fw = rng.randint(1, 4)
        sh = rng.randint(1, 3); sw = rng.randint(1, 3); same = rng.randint(0, 1) == 1
        h = rng.randint(1 if same else fh, 9); w = rng.randint(1 if same else fw, 9)
        s = float(np.float32(rng.uniform(0.005, 0.1))); zp = rng.randint(lo, hi)
        x = np.array([rng.randint(lo, hi) for _ in range(n * h * w * c)], dtype=npt)
        oh = out_dim(h, fh, sh, 1, same); ow = out_dim(w, fw, sw, 1, same)
        ti = m.tensor([n, h, w, c], T, [s], [zp], name="x")
        to = m.tensor([n, oh, ow, c], T, [s], [zp], name="y")
        m.op(1 if kind == "avgpool" else 17, 1 if u8 else 2, [ti], [to], 5,
             pool_opts(0 if same else 1, sw, sh, fw, fh, act))
        return m.finish([ti], [to]), x
    if kind == "mean":
        n = rng.randint(1, 2); h = rng.randint(1, 7); w = rng.randint(1, 7); c = rng.randint(1, 6)
        if rng.randint(0, 2) == 0:
            si = 2.0 ** -rng.randint(1, 6); so = 2.0 ** -rng.randint(1, 6)
        else:
            si = float(np.float32(rng.uniform(0.005, 0.1))); so = float(np.float32(si * rng.uniform(0.2, 3)))
        izp = rng.randint(lo, hi); ozp = rng.randint(lo, hi)
        keep = True
        x = np.array([rng.randint(lo, hi) for _ in range(n * h * w * c)], dtype=npt)
        ti = m.tensor([n, h, w, c], T, [si], [izp], name="x")
        ta = m.tensor([2], T_INT32, None, None, 0, np.array([1, 2], dtype=np.int32).tobytes(), name="axes")
        to = m.tensor([n, 1, 1, c], T, [so], [ozp], name="y")
        m.op(40, 1 if u8 else 2, [ti, ta], [to], 27, reducer_opts(keep))
        return m.finish([ti], [to]), x

def main():
    outdir = sys.argv[1]; count = int(sys.argv[2]); resolver = getattr(OpResolverType, sys.argv[3]) if len(sys.argv) > 3 else OpResolverType.BUILTIN_REF
    rng = random.Random(int(os.environ.get("SEED", "12345")))
    os.makedirs(outdir, exist_ok=True)
    for kind in os.environ.get("KINDS", "conv,dw,fc,avgpool,maxpool,mean").split(","):
        for dtype in os.environ.get("DTYPES", "int8,uint8").split(","):
            for i in range(count):
                model, x = make_case(rng, kind, dtype)
                interp = Interpreter(model_content=model,
                                     experimental_op_resolver_type=resolver)
                interp.allocate_tensors()
                interp.set_tensor(interp.get_input_details()[0]["index"], x.reshape(interp.get_input_details()[0]["shape"]))
                interp.invoke()
                y = interp.get_tensor(interp.get_output_details()[0]["index"])
                base = f"{outdir}/{kind}_{dtype}_{i}"
                open(base + ".tflite", "wb").write(model)
                open(base + ".in", "wb").write(x.tobytes())
                open(base + ".out", "wb").write(y.tobytes())
    print("ok")

main()
