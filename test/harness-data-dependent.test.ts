/**
 * The harness on a split whose cloud segment is data-dependent (the SSD-like detector of
 * test/support/data-dependent-models.ts: its NonMaxSuppression and what follows on the cloud,
 * the convolutions on the device and the edge). The cloud's prediction is reported as a lower
 * bound with the reason, in the summary and the CLI's table, while the device's and the edge's
 * stay plain figures; the split still answers as the whole model does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryText } from '../app/cli/harness.js';
import { runHarness } from '../core/bundle/harness.js';
import type { HarnessEvent } from '../core/bundle/harness-types.js';
import { loadTopology } from '../core/profiles/load.js';
import { streamedHarnessEvent } from '../app/host/harness-event-schema.js';
import { comparisonRows } from '../app/renderer/run/comparison.js';
import { runFigures, startedRun, withEvents } from '../app/renderer/run/harness-run.js';
import { summaryRows } from '../app/renderer/run/summary-rows.js';
import { exportByNodeNames } from './support/by-node-names.js';
import { detectorModel } from './support/data-dependent-models.js';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-harness-data-dependent-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('harness on a data-dependent segment', () => {
  it('flags the cloud tier running NonMaxSuppression as a lower bound, in the summary, the CLI and the Run tab', async () => {
    const bytes = detectorModel();
    const modelPath = path.join(work, 'detector.onnx');
    fs.writeFileSync(modelPath, bytes);
    const bundleDir = path.join(work, 'bundle');
    const manifest = await exportByNodeNames(bundleDir, bytes, 'detector');
    expect(manifest.tiers.map((t) => t.name)).toEqual(['device', 'edge', 'cloud']);

    const events: HarnessEvent[] = [];
    const summary = await runHarness({
      bundleDir,
      model: modelPath,
      runs: 3,
      warmup: 1,
      emulateLinks: false,
      // The edge box's profile stands in for this host's: the test is about the marks, not the figures.
      hostProfile: loadTopology('pi4-wifi-edge-wan-cloud').tiers[1]!.device,
      onEvent: (e) => events.push(e),
    });
    expect(summary.failed).toBe(0);
    expect(summary.verified).toBe(true);

    const perTier = summary.predicted.dataDependentPerTier;
    expect(perTier?.[0]).toBeNull();
    expect(perTier?.[1]).toBeNull();
    expect(perTier?.[2]).toMatch(
      /^cloud_nms: NonMaxSuppression keeps as many boxes as the scores let through/,
    );
    // The event the studio draws from carries the same marks before the first request.
    const predicted = events.find((e) => e.event === 'predicted');
    expect(
      predicted && 'dataDependentPerTier' in predicted ? predicted.dataDependentPerTier : undefined,
    ).toEqual(perTier);

    // The Run tab: the events as the host passes them on (checked by its schema), folded into the
    // page's run; the cloud's row is marked with the reason, the others are not.
    const streamed = events.flatMap((e) => {
      const checked = streamedHarnessEvent(e);
      return checked ? [checked] : [];
    });
    const run = withEvents(
      startedRun(
        1,
        'session-1',
        { bundleDir, runs: 3, stream: 0, emulateLinks: false, calibrate: false },
        { topology: loadTopology('pi4-wifi-edge-wan-cloud'), placement: {} },
      ),
      streamed,
    );
    const rows = comparisonRows(run, runFigures(run));
    expect(rows.filter((r) => r.kind === 'tier').map((r) => r.lowerBound ?? null)).toEqual(perTier);

    // The Run tab's summary table marks the same cells as the CLI's.
    const summaryTable = summaryRows(summary);
    const cells = (label: string) => summaryTable.find((r) => r[0] === label)!.slice(2);
    expect(cells('Compute on the cloud').every((c) => /^≥ \d/.test(c))).toBe(true);
    expect(cells('End to end (median)').every((c) => /^≥ \d/.test(c))).toBe(true);
    expect(cells('Compute on the device').some((c) => c.includes('≥'))).toBe(false);
    expect(cells('Compute on the edge').some((c) => c.includes('≥'))).toBe(false);

    const text = summaryText(summary);
    const row = (label: string): string => text.split('\n').find((l) => l.includes(label)) ?? '';
    // Both predicted columns of the cloud and of the end to end are marked; device and edge are not.
    expect(row('compute on the cloud').match(/≥ \d+\.\d\d/g)).toHaveLength(2);
    expect(row('end to end').match(/≥ \d+\.\d\d/g)).toHaveLength(2);
    expect(row('compute on the device')).not.toContain('≥');
    expect(row('compute on the edge')).not.toContain('≥');
    expect(text).toContain(
      'Predicted figures marked ≥ are lower bounds: the cloud runs cloud_nms: NonMaxSuppression keeps',
    );
  }, 120_000);
});
