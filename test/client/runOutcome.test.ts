// What the editor says when a propagation command finishes (client/src/runOutcome.ts): one
// notification per event — never a warning on top of the server's own error message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outcomeMessage } from '../../client/src/propagation/runOutcome';

test('a written result is one information message with its trace', () => {
  assert.deepEqual(outcomeMessage({ applied: true, name: 'cls_net_segmentation', traceKey: 'k#1' }), {
    kind: 'written',
    text: "NCP: wrote the network 'cls_net_segmentation'.",
    name: 'cls_net_segmentation',
    traceKey: 'k#1',
  });
});

test('a failure the server already showed gets no second message', () => {
  assert.equal(outcomeMessage({ applied: false, reason: 'propagate p: no network or cell named x', notified: true }), undefined);
  assert.equal(outcomeMessage({ applied: false, reason: 'no network in the space fits the budget flops <= 0.001 G', notified: true }), undefined);
});

test('a failure the server did not show gets exactly one warning; cancellations none', () => {
  assert.deepEqual(outcomeMessage({ applied: false, reason: 'the document changed' }), { kind: 'warning', text: 'NCP: nothing was written: the document changed' });
  assert.equal(outcomeMessage({ applied: false, reason: "cancelled: 'cls_net' changed while it ran" }), undefined);
  assert.equal(outcomeMessage({ applied: false }), undefined);
  assert.equal(outcomeMessage(null), undefined);
  assert.equal(outcomeMessage('nonsense'), undefined);
});
