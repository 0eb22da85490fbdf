"""Counts the parameters and multiply-accumulates of exported PyTorch networks with forward hooks.

Reads JSON lines on stdin: {"file": "net.py", "input": [H, W], "real": false}; writes one JSON line
per input: {"file", "params", "macs", "shape"} (or {"file", "error"}). Definition (the one
NAS-Bench-MR's FLOPs follow, and core/cost.ts): every Conv2d adds Cin/groups*kh*kw multiply-
accumulates per output element, +1 per output element when it has a bias; every BatchNorm2d adds
2 per output element; nothing else counts. Parameters: the elements of model.parameters().
The forward runs on PyTorch's meta device (shapes only, no arithmetic) unless "real" is true, so a
segmentation network at 512x1024 costs no time; "real" runs it on the CPU in eval mode.
Used by test/core/export and bench/export.ts (one process for a whole batch of files).
"""
import importlib.util
import json
import sys

import torch
from torch import nn


def count(path, size, real):
    spec = importlib.util.spec_from_file_location('exported_net', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.build().eval()
    params = sum(p.numel() for p in model.parameters())
    macs = [0]

    def conv_hook(m, inp, out):
        k = m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
        macs[0] += out.numel() // out.shape[0] * (k + (1 if m.bias is not None else 0))

    def bn_hook(m, inp, out):
        macs[0] += 2 * (out.numel() // out.shape[0])

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.BatchNorm2d):
            m.register_forward_hook(bn_hook)
    device = 'cpu' if real else 'meta'
    model = model.to(device)
    with torch.no_grad():
        y = model(torch.zeros(1, 3, size[0], size[1], device=device))
    out = {'params': params, 'macs': macs[0], 'shape': list(y.shape)}
    if real:
        out['finite'] = bool(torch.isfinite(y).all())
    return out


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            res = count(job['file'], job['input'], bool(job.get('real')))
            res['file'] = job['file']
        except Exception as e:  # reported per file; the caller fails on it
            res = {'file': job['file'], 'error': '%s: %s' % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(res) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
