"""Runs the generated plain int8 models through LCE's interpreter and counts mismatches with each
lowbit profile: LCE's builtin int8 kernels (TFLite optimized) match no profile exactly."""
import sys, glob, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness, numpy as np
for p in sorted(glob.glob('build-conf/conformance/models/int8_*.tflite')):
    m=os.path.basename(p)[:-7]; l=f'/tmp/{m}.lbm'
    if harness.convert(p,l,'build-conf'): print(m,'convert failed'); continue
    o=harness.LCEOracle(p); res=[]
    for prof in ['tflite_reference','single_rounding','xnnpack_fp32']:
        c=harness.Comparison(True); rng=np.random.default_rng(5)
        for i in range(5):
            x=[harness.random_input(rng,d,s) for d,s,_ in o.input_specs()]
            c.add(o.run(x), harness.run_lowbit(l,x,o.output_specs(),prof,'build-conf'), i)
        res.append(f'{prof}:{c.mismatches}/{c.elements}')
    print(m, *res)
