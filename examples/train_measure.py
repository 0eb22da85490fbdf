#!/usr/bin/env python3
"""A measuring command for `ncprop search --measure`: trains the network it is given and prints
its metrics line. Adapt it (dataset, epochs, augmentation, metric) to your task.

    ncprop search --measure 'python3 examples/train_measure.py --data ~/datasets/flowers' \
        --to my-cls.top1 --flops-max 1.5G --queries 40 --out runs.jsonl

Standard input: the network JSON the search writes, e.g.
    {"space": "multires", "code": [27 integers], "string": "...",
     "authors": {"input_channel": [...], "network_setting": [...], "last_channel": ...},
     "input": [H, W], "head": "cls", "classes": N}        (input/head/classes: when the search has
                                                            --input/--head/--classes)
Standard output, last line: {"my-cls": {"top1": 71.3, "top5": 90.2}} (the setting name and metrics
are yours; `ncprop train --data runs.jsonl` then learns a predictor of them).

The network is built by the module `ncprop export` writes (one file, torch only): this script runs
`ncprop export CODE --format pytorch` (or imports a module you exported before, --module FILE).
The dataset folder has the usual image-folder layout: DATA/train/CLASS/*.jpg and DATA/val/CLASS/*.jpg
(read with Pillow; swap in your own data loader). Needs torch, numpy and Pillow (Debian:
python3-torch, python3-pil). Logs go to stderr; only the metrics line goes to stdout.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def exported_module(code, input_size, head, classes, ncprop, module_file=None):
    """The exported PyTorch module for this network (written by `ncprop export`)."""
    path = module_file
    if path is None:
        fd, path = tempfile.mkstemp(suffix='.py', prefix='ncp_net_')
        os.close(fd)
        cmd = ncprop.split() + ['export', ','.join(str(v) for v in code), '--format', 'pytorch', '--out', path,
                                '--head', head, '--input', '%dx%d' % tuple(input_size), '--classes', str(classes)]
        subprocess.run(cmd, check=True, stdout=sys.stderr)
    spec = importlib.util.spec_from_file_location('ncp_exported_net', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


class ImageFolder:
    """ROOT/CLASS/*.{jpg,jpeg,png}: images resized to (H, W), normalised, randomly flipped when training."""

    EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')

    def __init__(self, root, size, train, classes=None):
        self.classes = classes or sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
        self.items = [(os.path.join(root, c, f), i) for i, c in enumerate(self.classes) if os.path.isdir(os.path.join(root, c))
                      for f in sorted(os.listdir(os.path.join(root, c))) if f.lower().endswith(self.EXTENSIONS)]
        if not self.items:
            raise SystemExit('no images in %s (expected %s/CLASS/*.jpg)' % (root, root))
        self.size = size
        self.train = train

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        import numpy as np
        import torch
        from PIL import Image
        path, label = self.items[i]
        img = Image.open(path).convert('RGB').resize((self.size[1], self.size[0]))
        x = torch.from_numpy(np.asarray(img, dtype=np.float32).copy()).permute(2, 0, 1) / 255.0
        x = (x - torch.tensor([0.485, 0.456, 0.406])[:, None, None]) / torch.tensor([0.229, 0.224, 0.225])[:, None, None]
        if self.train and torch.rand(()) < 0.5:
            x = x.flip(-1)
        return x, label


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--data', required=True, help='dataset folder (ImageFolder layout: train/ and val/)')
    ap.add_argument('--setting', default='my-cls', help='the setting name the metrics line uses (default my-cls)')
    ap.add_argument('--epochs', type=int, default=5)
    ap.add_argument('--batch-size', type=int, default=64)
    ap.add_argument('--lr', type=float, default=0.05)
    ap.add_argument('--size', type=int, default=None, help='square input size (default: the JSON\'s "input", else 128)')
    ap.add_argument('--ncprop', default=os.environ.get('NCPROP', 'ncprop'), help='how to run ncprop (default: ncprop)')
    ap.add_argument('--module', default=None, help='an exported module to use instead of running ncprop export')
    ap.add_argument('--max-batches', type=int, default=0, help='stop each epoch after this many batches (0: all; for a dry run)')
    args = ap.parse_args()

    net = json.loads(sys.stdin.read())
    if net.get('space', 'multires') != 'multires':
        raise SystemExit('this script trains multi-resolution networks, got space %r' % net.get('space'))
    import torch
    from torch import nn

    size = [args.size, args.size] if args.size else net.get('input', [128, 128])
    train = ImageFolder(os.path.join(args.data, 'train'), size, True)
    val = ImageFolder(os.path.join(args.data, 'val'), size, False, train.classes)
    classes = len(train.classes)
    mod = exported_module(net['code'], size, 'cls', classes, args.ncprop, args.module)
    model = mod.build(classes=classes, head='cls')
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    model.to(device)
    log('network %s: %d parameters, %.3f G multiply-accumulates at %dx%d' % (net.get('string', ''), mod.PARAMS, mod.MACS * 1e-9, size[0], size[1]))

    loader = torch.utils.data.DataLoader(train, batch_size=args.batch_size, shuffle=True, num_workers=0)
    val_loader = torch.utils.data.DataLoader(val, batch_size=args.batch_size, num_workers=0)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, args.epochs * len(loader)))
    loss_fn = nn.CrossEntropyLoss()
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        for i, (x, y) in enumerate(loader):
            if args.max_batches and i >= args.max_batches:
                break
            x, y = x.to(device), y.to(device)
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        log('epoch %d/%d, loss %.3f, %.0f s' % (epoch + 1, args.epochs, loss.item(), time.time() - start))

    model.eval()
    top1 = top5 = n = 0
    with torch.no_grad():
        for i, (x, y) in enumerate(val_loader):
            if args.max_batches and i >= args.max_batches:
                break
            x, y = x.to(device), y.to(device)
            k = min(5, classes)
            pred = model(x).topk(k, 1).indices
            top1 += (pred[:, 0] == y).sum().item()
            top5 += (pred == y[:, None]).any(1).sum().item()
            n += y.numel()
    # the metrics line: the last JSON object on stdout is what the search records
    print(json.dumps({args.setting: {'top1': 100.0 * top1 / max(1, n), 'top5': 100.0 * top5 / max(1, n)}}))


if __name__ == '__main__':
    main()
