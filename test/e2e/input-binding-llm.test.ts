/**
 * Binding an LLM decoder's input sizes in the header, in Chromium against the web host: the
 * KV-cache sample's five inputs show as a one-line summary with one field per symbol (batch,
 * sequence_length, past_sequence_length) that leaves the graph its height; the inputs open in a
 * list over the graph; three sizes and Enter bind every input (the figures no longer wait on an
 * unbound size and equal the CLI's), and one Undo takes the whole binding back.
 * Screenshots go to test-results/screenshots/input-binding-NN-*.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { analyzeFile } from '../../core/analyze.js';
import { formatCount } from '../../app/shared/format.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import * as find from './support/locators.js';

const KV_DECODER = path.resolve('samples/kv-decoder-mini.onnx');
const CACHE = [1, 4, 128, 16];

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'dark' });
  page = session.page;
});

afterAll(async () => {
  await session?.close(anyFailed, 'input-binding-llm');
});

describe('the KV-cache decoder’s input sizes, bound per symbol', () => {
  it('binds batch, sequence_length and past_sequence_length across every input, as one undoable step', async () => {
    onTestFailed(() => void (anyFailed = true));
    await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
    await page
      .getByRole('combobox', { name: 'Open a sample' })
      .selectOption({ label: 'LLM decoder with a KV cache' });
    await expect.poll(() => find.modelTitle(page).textContent()).toBe('kv-decoder-mini.onnx');

    const form = page.getByRole('form', { name: 'Input bindings' });
    const field = (symbol: string) => form.getByRole('textbox', { name: symbol, exact: true });
    const disclosure = form.getByRole('button', { name: '5 inputs' });
    const macs = find
      .modelSummary(page)
      .locator('div', { has: page.getByText('MACs', { exact: true }) })
      .locator('dd');
    await expect.poll(() => form.getByRole('textbox').count()).toBe(3);
    for (const symbol of ['batch', 'sequence_length', 'past_sequence_length'])
      expect(await field(symbol).inputValue()).toBe('');
    expect(await disclosure.getAttribute('aria-expanded')).toBe('false');
    // One line of fields: the graph keeps most of the window.
    const formBox = (await form.boundingBox())!;
    const pane = (await find.graphPane(page).boundingBox())!;
    expect(formBox.height).toBeLessThan(40);
    expect(pane.height).toBeGreaterThan(500);
    expect(await macs.getAttribute('title')).toContain(
      'has unbound dimensions (batch, past_sequence_length)',
    );

    // The inputs open in a list over the graph, which keeps its place, and Escape closes it.
    await disclosure.click();
    const list = form.getByRole('group', { name: 'Inputs' });
    await list.waitFor();
    expect(await list.textContent()).toContain(
      'past_key_values.1.value: batch × 4 × past_sequence_length × 16',
    );
    const listBox = (await list.boundingBox())!;
    expect(listBox.y + listBox.height).toBeLessThan(900);
    expect(await find.graphPane(page).boundingBox()).toEqual(pane);
    await screenshot(page, 'input-binding-01-kv-decoder-inputs-open');
    await field('batch').press('Escape');
    await expect.poll(() => list.count()).toBe(0);

    await field('batch').fill('1');
    await field('sequence_length').fill('1');
    await field('past_sequence_length').fill('128');
    await field('past_sequence_length').press('Enter');
    const cli = analyzeFile(KV_DECODER, {
      inputShapes: {
        input_ids: [1, 1],
        ...Object.fromEntries(
          [0, 1].flatMap((layer) =>
            [`past_key_values.${layer}.key`, `past_key_values.${layer}.value`].map((n) => [n, CACHE]),
          ),
        ),
      },
    });
    await expect.poll(() => macs.textContent()).toBe(`~${formatCount(cli.totals.macs)}`);
    // What is left approximate is the operators' cost, no longer a size.
    expect(await macs.getAttribute('title')).not.toContain('unbound');
    expect(await field('past_sequence_length').inputValue()).toBe('128');
    await disclosure.click();
    expect(await list.textContent()).toContain('past_key_values.0.key: 1 × 4 × 128 × 16');
    await screenshot(page, 'input-binding-02-kv-decoder-bound');
    await disclosure.click();

    // One Undo takes back the whole binding: every field empties, the sizes unbound again.
    await page.getByRole('button', { name: /Undo/ }).click();
    await expect.poll(() => field('past_sequence_length').inputValue()).toBe('');
    expect(await field('batch').inputValue()).toBe('');
    await expect.poll(() => macs.getAttribute('title')).toContain('has unbound dimensions');
  });
});
