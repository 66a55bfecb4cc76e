/**
 * A link edited by hand (the studio's link fields, a click on the bandwidth chart) is costed at
 * the rate set: its measured points, which decide transfer times inside their range, go with a
 * rate change, so the design's figures equal the sweep's at that bandwidth.
 */
import { describe, expect, it } from 'vitest';
import { transferMs } from '../core/predict/transfer.js';
import { editedLink } from '../core/profiles/link-edit.js';
import { loadLinkProfile } from '../core/profiles/load.js';

describe('editedLink', () => {
  const wifi = loadLinkProfile('wifi-80m-modelled');

  it('costs a measured link at the bandwidth set, not at its measured points', () => {
    expect(wifi.measured?.length).toBeGreaterThan(0);
    const bytes = 100_000;
    const edited = editedLink(wifi, { uplinkMbps: 5, downlinkMbps: 5 });
    expect(edited.measured).toBeUndefined();
    expect(edited.fitDegree).toBeUndefined();
    // At 5 Mb/s, 100 kB takes 160 ms on the wire plus half the RTT; the measured curve said far less.
    expect(transferMs(edited, bytes, 'up')).toBeCloseTo((bytes * 8) / 5e3 + wifi.rttMs / 2, 6);
    expect(transferMs(wifi, bytes, 'up')).toBeLessThan(transferMs(edited, bytes, 'up') / 2);
  });

  it('keeps the measured points when only the RTT changes or the rates stay', () => {
    expect(editedLink(wifi, { rttMs: 9 }).measured).toEqual(wifi.measured);
    expect(editedLink(wifi, { uplinkMbps: wifi.uplinkMbps }).measured).toEqual(wifi.measured);
    expect(editedLink(wifi, { rttMs: 9 }, { dropMeasured: true }).measured).toBeUndefined();
  });
});
