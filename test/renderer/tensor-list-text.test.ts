/**
 * The header's line of outputs (and the inputs' tooltip) on the KV-cache decoder: a model with two
 * cache outputs per layer names the first few and counts the rest instead of growing with it.
 */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../core/analyze.js';
import { tensorListText } from '../../app/renderer/panels/tensor-list-text.js';
import { decoderBytes, decoderConfig } from '../support/decoder-model.js';

describe('tensorListText', () => {
  it('names the first outputs of a 24-layer KV-cache decoder and counts the other 46', () => {
    const { summary } = analyzeBytes(decoderBytes(decoderConfig({ layers: 24, hidden: 64, vocab: 100 })));
    expect(summary.outputs).toHaveLength(49);
    const text = tensorListText(summary.outputs, 3);
    expect(text).toMatch(/^logits float\[batch, sequence_length, \d+\], present\.0\.key float\[/);
    expect(text.endsWith(', … and 46 more')).toBe(true);
    expect(text.split(', … and')[0]!.match(/present\./g)).toHaveLength(2);
  });

  it('lists every tensor when there are few, and says none for none', () => {
    const { summary } = analyzeBytes(decoderBytes(decoderConfig({ layers: 1, hidden: 64, vocab: 100 })));
    expect(summary.outputs).toHaveLength(3);
    expect(tensorListText(summary.outputs, 3)).not.toContain('more');
    expect(tensorListText([], 3)).toBe('none');
  });
});
