// `ncprop export --format pytorch`: one self-contained Python file (torch only) that defines the
// network as an nn.Module and `build()`. Written from the paper's description of the
// multi-resolution space; layer for layer the network of the authors' supernet
// (models/supernet.py, MultiResolutionNet with only_fuse_neighbor and directly_downsample), whose
// cost core/cost.ts counts: the same convolutions, batch norms, activations and resizing, so the
// header's exact cost is the module's (checked in PyTorch by test/core/export and bench/export.ts).
import { codeToNetwork, codeToString } from '../space/multires';
import { checkExportable, describeTarget, type ExportTarget } from './target';

const list = (xs: readonly number[]): string => `[${xs.join(', ')}]`;

/** Version of the exported file's layout (bump when the module or its state_dict names change). */
export const PYTORCH_EXPORT_VERSION = 1;

export function pytorchModule(code: readonly number[], t: ExportTarget, producer = 'ncprop'): string {
  const exact = checkExportable(code, t);
  const net = codeToNetwork(code);
  const name = codeToString(code);
  const stages = net.stages.map((s, i) => `    (${s.blocks}, ${list(s.units)}, ${list(s.channels)}),  # stage ${i + 1}: blocks, units per branch, channels per branch`);
  const outShape = t.head === 'seg' ? '(N, CLASSES, ceil(H/4), ceil(W/4))' : '(N, CLASSES)';
  return `"""Multi-resolution network ${name}, exported by ${producer} (format ${PYTORCH_EXPORT_VERSION}).

Code (NAS-Bench-MR order): ${list(code)}
Exported for: ${describeTarget(t)}.
Exact cost there: ${exact.macs} multiply-accumulates (${(exact.macs * 1e-9).toFixed(6)} G), ${exact.params} parameters (${(exact.params * 1e-6).toFixed(6)} M).
  Multiply-accumulates: every Conv2d's Cin/groups*k*k per output element, +1 per output element
  when it has a bias, +2 per BatchNorm2d output element; ReLU, resizing, pooling and additions are
  free. Parameters: every element of model.parameters() (batch-norm running statistics are buffers).
  This is the definition NAS-Bench-MR's "FLOPs" follow.

The network (Ding et al., "Learning Versatile Neural Architectures by Propagating Network Codes",
ICLR 2022): a stem of two stride-2 3x3 ConvBNReLU; four stages of k = 1..4 parallel branches at
1/4 .. 1/32 of the input, each stage repeating a block \`blocks\` times; a block fuses every branch
with its neighbours (higher resolution: stride-2 3x3 ConvBNReLU; same: 3x3 ConvBNReLU; lower: 1x1
ConvBNReLU and nearest upsampling; summed, ReLU), adds the stage's new branch from the lowest one
(stride-2 3x3 ConvBNReLU), then runs \`units\` residual BasicBlocks on each branch. The head resizes
every branch (bilinear) to the lowest resolution (classification) or the highest (segmentation),
concatenates them, applies a 1x1 ConvBNReLU to HEAD_CHANNELS, a global average pool for
classification, and a 1x1 classifier with bias.

Output: ${outShape} logits for a (N, 3, H, W) input; segmentation logits are at 1/4 of the
input (upsample them to the label size in the loss, as the authors do).
Only torch is needed:  from this_file import build;  model = build()
"""
import torch
from torch import nn
from torch.nn import functional as F

CODE = ${list(code)}
STEM = ${list(net.stem)}
STAGES = [
${stages.join('\n')}
]
HEAD_CHANNELS = ${net.head}
HEAD = ${JSON.stringify(t.head)}  # 'cls' or 'seg'
CLASSES = ${t.classes}
INPUT_SIZE = (${t.input[0]}, ${t.input[1]})  # (H, W) the cost above counts at; any size runs
MACS = ${exact.macs}
PARAMS = ${exact.params}


class ConvBNReLU(nn.Sequential):
    """Conv2d (no bias, padding (k-1)//2), BatchNorm2d, ReLU."""

    def __init__(self, cin, cout, kernel_size=3, stride=1):
        super().__init__(
            nn.Conv2d(cin, cout, kernel_size, stride, (kernel_size - 1) // 2, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=False),
        )


class BasicBlock(nn.Module):
    """Residual unit: two 3x3 ConvBN with a ReLU between, the identity added, ReLU."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


def _resize(x, size, mode):
    if tuple(x.shape[-2:]) == tuple(size):
        return x
    if mode == 'nearest':
        return F.interpolate(x, size=size, mode='nearest')
    return F.interpolate(x, size=size, mode='bilinear', align_corners=False)


class Fuse(nn.Module):
    """Fuses len(cin) input branches into len(cout) output branches, each from its neighbours."""

    def __init__(self, cin, cout):
        super().__init__()
        self.n_in = len(cin)
        self.sources = []  # per output branch: the input branches it reads
        self.rows = nn.ModuleList()
        for i in range(self.n_in):
            js = [j for j in (i - 1, i, i + 1) if 0 <= j < self.n_in]
            self.sources.append(js)
            row = nn.ModuleList()
            for j in js:
                if j > i:  # lower resolution: 1x1, then nearest upsampling (in forward)
                    row.append(ConvBNReLU(cin[j], cout[i], 1, 1))
                elif j == i:
                    row.append(ConvBNReLU(cin[j], cout[i], 3, 1))
                else:  # higher resolution: stride-2 3x3
                    row.append(ConvBNReLU(cin[j], cout[i], 3, 2))
            self.rows.append(row)
        # a stage's new branches, each from the one above it after fusion
        self.new = nn.ModuleList(ConvBNReLU(cout[b - 1], cout[b], 3, 2) for b in range(self.n_in, len(cout)))

    def forward(self, x):
        out = []
        for i, (js, row) in enumerate(zip(self.sources, self.rows)):
            y = None
            for j, layer in zip(js, row):
                z = layer(x[j])
                if j > i:
                    s = 2 ** (j - i)
                    z = _resize(z, (z.shape[-2] * s, z.shape[-1] * s), 'nearest')
                if y is None:
                    y = z
                else:
                    y = y + _resize(z, y.shape[-2:], 'bilinear')
            out.append(F.relu(y))
        for layer in self.new:
            out.append(layer(out[-1]))
        return out


class Parallel(nn.Module):
    """units[i] BasicBlocks on branch i."""

    def __init__(self, units, channels):
        super().__init__()
        self.branches = nn.ModuleList(
            nn.Sequential(*[BasicBlock(c) for _ in range(n)]) for n, c in zip(units, channels)
        )

    def forward(self, x):
        return [branch(xi) for branch, xi in zip(self.branches, x)]


class MultiResolutionNetwork(nn.Module):
    def __init__(self, stem=STEM, stages=STAGES, head_channels=HEAD_CHANNELS, head=HEAD, classes=CLASSES):
        super().__init__()
        if head not in ('cls', 'seg'):
            raise ValueError("head must be 'cls' or 'seg', got %r" % (head,))
        self.head = head
        self.stem = nn.Sequential(ConvBNReLU(3, stem[0], 3, 2), ConvBNReLU(stem[0], stem[1], 3, 2))
        blocks = []
        prev = [stem[1]]
        for n_blocks, units, channels in stages:
            for _ in range(n_blocks):
                blocks.append(Fuse(prev, channels))
                blocks.append(Parallel(units, channels))
                prev = list(channels)
        self.features = nn.Sequential(*blocks)
        self.transform = ConvBNReLU(sum(prev), head_channels, 1, 1)
        self.classifier = nn.Conv2d(head_channels, classes, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features([self.stem(x)])
        size = x[0].shape[-2:] if self.head == 'seg' else x[-1].shape[-2:]
        x = torch.cat([_resize(b, size, 'bilinear') for b in x], 1)
        x = self.transform(x)
        if self.head == 'cls':
            x = F.avg_pool2d(x, kernel_size=x.shape[-2:])
        x = self.classifier(x)
        return torch.flatten(x, 1) if self.head == 'cls' else x


def build(classes=CLASSES, head=HEAD):
    """The network as exported (${describeTarget(t)})."""
    return MultiResolutionNetwork(classes=classes, head=head)


if __name__ == '__main__':
    model = build().eval()
    with torch.no_grad():
        y = model(torch.zeros(1, 3, *INPUT_SIZE))
    print('output', tuple(y.shape), 'parameters', sum(p.numel() for p in model.parameters()))
`;
}
