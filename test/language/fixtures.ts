// Shared inputs of the language tests.

/** The body of an HRNet-like structured network (code 64_64-1_1_4_64-…-128). */
const HR_BODY = `{
  stem     64 64
  stage 1  blocks 1  units [4]           channels [64]
  stage 2  blocks 1  units [4, 4]        channels [32, 64]
  stage 3  blocks 4  units [4, 4, 4]     channels [32, 64, 128]
  stage 4  blocks 3  units [4, 4, 4, 4]  channels [32, 64, 128, 128]
  head     128
}`;

/** The examples of the language sketch (docs/grammar.md shows them too), as one document. */
export const SKETCH_EXAMPLES = `// line comments and /* block comments */
network hrnet_small ${HR_BODY}

// The same space, written as the benchmark's code string or as the 27 numbers of the code.
network from_bench = "32_16-1_1_1_32-3_2_3_2_16_32-1_3_1_1_1_112_48_32-2_4_4_3_4_2_32_64_32_112-128"
network raw = [16, 64, 1, 3, 128, 3, 3, 3, 32, 48, 2, 2, 3, 2, 16, 32, 16, 1, 2, 4, 1, 1, 96, 112, 48, 80, 112]

cell best201 = "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"

propagate seg_small from hrnet_small {
  maximize seg.mIoU                 // setting.metric; several lines make a weighted sum
  maximize 0.5 * seg-4x.mIoU
  flops <= 2.5 G                    // a hard budget on exact multiply-accumulates
  lambda 0.5                        // weight of the FLOPs term in the loss
  strategy winner-takes-all         // or: continuous
  steps 70
}
`;

/** One structured network (HRNet-like, code 64_64-1_1_4_64-…-128) that many tests start from. */
export const HR_NETWORK = `network hr ${HR_BODY}
`;
