/**
 * The header's input binding per symbol, on real ONNX files: the KV-cache decoder sample (input_ids
 * plus a key and a value cache per layer), a generated 24-layer decoder, the PaddleOCR-like
 * detector, and a small model with unnamed symbolic dimensions. One field per dim_param binds
 * every input dimension named so; unnamed ones keep a field per dimension; many inputs render as
 * a one-line summary with a disclosure, the list only when opened. Rendered with react-dom/server
 * (the clicks and typing are the e2e's).
 */
import path from 'node:path';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../../core/analyze.js';
import type { Analysis } from '../../core/analyze.js';
import { graph, model, node, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { buildModelView } from '../../core/view/build.js';
import type { ModelSummaryView } from '../../core/view/types.js';
import {
  approximationReasons,
  bindingsFromDrafts,
  inputFields,
  NO_DRAFTS,
  symbolFields,
  type BindingDrafts,
  type InputFields,
} from '../../app/renderer/actions/input-binding.js';
import { InputBindingsForm } from '../../app/renderer/panels/InputBindings.js';
import { decoderBytes, decoderConfig } from '../support/decoder-model.js';

const SAMPLES = path.resolve('samples');

const summaryOf = (analysis: Analysis): ModelSummaryView => buildModelView(analysis).summary;
const fieldsOf = (summary: ModelSummaryView, bound: Record<string, string> = {}): InputFields[] =>
  inputFields(summary, bound, summary.declaredInputShapes);

function render(
  fields: readonly InputFields[],
  expanded: boolean,
  drafts: BindingDrafts = NO_DRAFTS,
): string {
  return renderToStaticMarkup(
    createElement(InputBindingsForm, {
      fields,
      drafts,
      analysing: false,
      expanded,
      onDrafts: () => undefined,
      onExpanded: () => undefined,
      onApply: () => undefined,
    }),
  );
}

/** The accessible names of the rendered text fields, in order. */
const fieldNames = (html: string): string[] =>
  [...html.matchAll(/<input[^>]*aria-label="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&quot;', '"'));

/** Four inputs: two share `batch`; `tokens` and `mask` have a dimension the model leaves unnamed. */
function unnamedDimsModel(): Uint8Array {
  const unnamed = (name: string, dims: (number | string)[], open: number) => {
    const info = valueInfo(name, DataType.FLOAT, dims);
    // No dim_value and no dim_param: a size the model leaves unknown and unnamed.
    info.type!.tensorType!.shape!.dim![open] = {};
    return info;
  };
  const inputs = [
    unnamed('tokens', ['batch', 0], 1),
    unnamed('mask', ['batch', 0], 1),
    valueInfo('pos', DataType.FLOAT, ['seq']),
    valueInfo('bias', DataType.FLOAT, [4]),
  ];
  const names = ['tokens', 'mask', 'pos', 'bias'];
  return encodeModelProto(
    model({
      graph: graph({
        name: 'unnamed-dims',
        nodes: names.map((n) => node('Relu', [n], [`${n}_out`], [], `relu_${n}`)),
        inputs,
        outputs: names.map((n) => valueInfo(`${n}_out`, DataType.FLOAT)),
      }),
    }),
  );
}

/** Two inputs sharing both their sizes, as a BERT-like model's input_ids and attention_mask. */
function sharedSymbolsModel(): Uint8Array {
  const names = ['input_ids', 'attention_mask'];
  return encodeModelProto(
    model({
      graph: graph({
        name: 'shared-symbols',
        nodes: names.map((n) => node('Relu', [n], [`${n}_out`], [], `relu_${n}`)),
        inputs: names.map((n) => valueInfo(n, DataType.FLOAT, ['batch', 'seq'])),
        outputs: names.map((n) => valueInfo(`${n}_out`, DataType.FLOAT)),
      }),
    }),
  );
}

describe('input binding per symbol', () => {
  const decoderView = buildModelView(analyzeFile(path.join(SAMPLES, 'kv-decoder-mini.onnx')));
  const decoder = decoderView.summary;

  it('offers one field per dim_param of the KV-cache decoder, and one value binds every input using it', () => {
    const fields = fieldsOf(decoder);
    expect(fields).toHaveLength(5);
    expect(symbolFields(fields).map((s) => [s.symbol, s.uses, s.inputs])).toEqual([
      ['batch', 5, 5],
      ['sequence_length', 1, 1],
      ['past_sequence_length', 4, 4],
    ]);
    const cache = { symbols: { past_sequence_length: '512' }, dims: {} };
    expect(bindingsFromDrafts(fields, cache)).toEqual({
      ok: true,
      inputs: {
        'past_key_values.0.key': 'batchx4x512x16',
        'past_key_values.0.value': 'batchx4x512x16',
        'past_key_values.1.key': 'batchx4x512x16',
        'past_key_values.1.value': 'batchx4x512x16',
      },
    });
    const all = { symbols: { batch: '1', sequence_length: ' 1 ', past_sequence_length: '128' }, dims: {} };
    const made = bindingsFromDrafts(fields, all);
    expect(made).toEqual({
      ok: true,
      inputs: {
        input_ids: '1x1',
        'past_key_values.0.key': '1x4x128x16',
        'past_key_values.0.value': '1x4x128x16',
        'past_key_values.1.key': '1x4x128x16',
        'past_key_values.1.value': '1x4x128x16',
      },
    });
    // Those bindings leave no size unbound: the only estimates left are the operators'.
    if (!made.ok) return;
    const shapes = Object.fromEntries(
      Object.entries(made.inputs).map(([name, dims]) => [name, dims.split('x').map(Number)]),
    );
    const boundView = buildModelView(
      analyzeFile(path.join(SAMPLES, 'kv-decoder-mini.onnx'), { inputShapes: shapes }),
    );
    const bound = boundView.summary;
    expect(approximationReasons(decoderView).filter((r) => r.includes('unbound'))).toHaveLength(5);
    expect(approximationReasons(boundView)).toEqual([
      '9 layer(s) whose cost is an estimate (Pow, Sigmoid, Softmax: no exact MAC count for the operator, or sizes known only at run time).',
    ]);
    // Reopened bound, every symbol shows its size once, and applying unchanged keeps the bindings.
    const again = fieldsOf(bound, made.inputs);
    expect(symbolFields(again).map((s) => [s.symbol, s.value])).toEqual([
      ['batch', '1'],
      ['sequence_length', '1'],
      ['past_sequence_length', '128'],
    ]);
    expect(bindingsFromDrafts(again, NO_DRAFTS)).toEqual(made);
    // Emptying a symbol unbinds it everywhere; the others stay bound.
    expect(bindingsFromDrafts(again, { symbols: { past_sequence_length: '' }, dims: {} })).toEqual({
      ok: true,
      inputs: {
        input_ids: '1x1',
        'past_key_values.0.key': '1x4xpast_sequence_lengthx16',
        'past_key_values.0.value': '1x4xpast_sequence_lengthx16',
        'past_key_values.1.key': '1x4xpast_sequence_lengthx16',
        'past_key_values.1.value': '1x4xpast_sequence_lengthx16',
      },
    });
  });

  it('refuses a size that is not one, naming the symbol', () => {
    const bad = bindingsFromDrafts(fieldsOf(decoder), { symbols: { batch: '0' }, dims: {} });
    expect(bad).toEqual({
      ok: false,
      error: {
        code: 'BAD_INPUT_BINDING',
        message:
          '"batch": "0" is not a size. Write a whole number of at least 1, or leave it empty to keep batch symbolic.',
      },
    });
  });

  it('renders the decoder as a one-line summary with its symbol fields, the inputs only when opened', () => {
    const fields = fieldsOf(decoder);
    const closed = render(fields, false);
    expect(fieldNames(closed)).toEqual(['batch', 'sequence_length', 'past_sequence_length']);
    expect(closed).toContain('aria-expanded="false"');
    expect(closed).toContain('5 inputs</button>');
    expect(closed).not.toContain('past_key_values.0.key');
    const open = render(fields, true, { symbols: { past_sequence_length: '512' }, dims: {} });
    expect(open).toContain('aria-expanded="true"');
    // Opened, the list names every input; shared symbols show the size typed, not another field.
    expect(fieldNames(open)).toEqual(['batch', 'sequence_length', 'past_sequence_length']);
    const list = /<div class="input-list"[^>]*>(.*)<\/div>/.exec(open)![1]!;
    const text = list.replace(/<[^>]+>/g, '');
    expect(text).toContain('input_ids: batch × sequence_length');
    expect(text).toContain('past_key_values.1.value: batch × 4 × 512 × 16');
  });

  it('keeps a 24-layer decoder (97 inputs) to three fields and one line', () => {
    const config = decoderConfig({ layers: 24, hidden: 64, vocab: 100 });
    const fields = fieldsOf(summaryOf(analyzeBytes(decoderBytes(config))));
    expect(fields).toHaveLength(1 + 24 * 2);
    const html = render(fields, false);
    expect(fieldNames(html)).toEqual(['batch', 'sequence_length', 'past_sequence_length']);
    expect(html).toContain(`${fields.length} inputs</button>`);
    const made = bindingsFromDrafts(fields, {
      symbols: { batch: '2', past_sequence_length: '64' },
      dims: {},
    });
    expect(made.ok).toBe(true);
    if (!made.ok) return;
    const cache = Object.entries(made.inputs).filter(([name]) => name.startsWith('past_key_values.'));
    expect(cache).toHaveLength(48);
    expect(new Set(cache.map(([, dims]) => dims))).toEqual(
      new Set([`2x${config.heads}x64x${64 / config.heads}`]),
    );
    expect(made.inputs['input_ids']).toBe('2xsequence_length');
  });

  it('renders a model with few inputs inline as before: the detector binds H and W', () => {
    const detector = summaryOf(analyzeFile(path.join(SAMPLES, 'ocr-det-mini.onnx')));
    const fields = fieldsOf(detector);
    const html = render(fields, false);
    expect(html).not.toContain('input-disclosure');
    expect(fieldNames(html)).toEqual(['H', 'W']);
    expect(html.replace(/<[^>]+>/g, '')).toBe('x: 1 × 3 ×  × Apply');
    expect(bindingsFromDrafts(fields, { symbols: { H: '640', W: '640' }, dims: {} })).toEqual({
      ok: true,
      inputs: { x: '1x3x640x640' },
    });
  });

  it('inline, gives a shared symbol one field at its first use and shows its size at the others', () => {
    const fields = fieldsOf(summaryOf(analyzeBytes(sharedSymbolsModel())));
    const typed = { symbols: { seq: '128' }, dims: {} };
    const html = render(fields, false, typed);
    expect(html).not.toContain('input-disclosure');
    expect(fieldNames(html)).toEqual(['batch', 'seq']);
    expect(html.replace(/<[^>]+>/g, '')).toBe('input_ids:  × attention_mask: batch × 128Apply');
    expect(bindingsFromDrafts(fields, typed)).toEqual({
      ok: true,
      inputs: { input_ids: 'batchx128', attention_mask: 'batchx128' },
    });
  });

  it('keeps a field per unnamed dimension, in the list only, and shares the named ones', () => {
    const fields = fieldsOf(summaryOf(analyzeBytes(unnamedDimsModel())));
    expect(symbolFields(fields).map((s) => s.symbol)).toEqual(['batch', 'seq']);
    const closed = render(fields, false);
    expect(fieldNames(closed)).toEqual(['batch', 'seq']);
    expect(closed).toContain('4 inputs, 2 unnamed sizes</button>');
    const open = render(fields, true);
    expect(fieldNames(open)).toEqual(['batch', 'seq', 'tokens dimension 1 (d1)', 'mask dimension 1 (d1)']);
    const made = bindingsFromDrafts(fields, {
      symbols: { batch: '3' },
      dims: { 'tokens dimension 1 (d1)': '7' },
    });
    // One batch binds both inputs; each unnamed size is its own (mask's stays open).
    expect(made).toEqual({ ok: true, inputs: { tokens: '3x7', mask: '3xd1' } });
    const bad = bindingsFromDrafts(fields, { symbols: {}, dims: { 'mask dimension 1 (d1)': 'x' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toContain('mask dimension 1 (d1)');
  });
});
