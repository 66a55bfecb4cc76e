/**
 * A placement record lists layers by their ONNX node names, and a node may be called
 * `constructor`, `toString` or `valueOf`: reading its tier must not find Object.prototype's
 * members (a move of such a layer recorded a Function as its old tier, and undo put it back).
 */
import { describe, expect, it } from 'vitest';
import { applyDiff, diffPlacement } from '../../app/renderer/design/diff.js';
import { retierNotice } from '../../app/renderer/actions/retier-notice.js';
import type { Design } from '../../app/renderer/store/design-types.js';
import { tierOf } from '../../core/tiers.js';
import { itemTier } from '../../core/view/visible.js';

const NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty'];

describe('layers named like Object.prototype members', () => {
  it.each(NAMES)('%s: unplaced is on the device', (id) => {
    expect(tierOf({}, id)).toBe('device');
    expect(itemTier({ kind: 'layer', id } as Parameters<typeof itemTier>[0], {})).toBe('device');
  });

  it.each(NAMES)('%s: a move records device → edge, and undo puts it back on the device', (id) => {
    const { diff, refused } = diffPlacement({}, { [id]: 'edge' }, new Set());
    expect(refused).toEqual([]);
    expect(Object.entries(diff)).toEqual([[id, ['device', 'edge']]]);
    const design = { placement: {} } as unknown as Design;
    const moved = applyDiff(design, { placement: diff }, 'forward');
    expect(moved.placement).toEqual({ [id]: 'edge' });
    const undone = applyDiff(moved, { placement: diff }, 'backward');
    expect(Object.entries(undone.placement)).toEqual([]);
  });

  it('a topology change reports only the layers it moved', () => {
    expect(retierNotice({ cloudLayer: 'cloud' }, { cloudLayer: 'edge' }, 'Two tiers')).toBe(
      'Two tiers has fewer tiers: 1 layer on Cloud moved to Edge (undo to put them back).',
    );
    expect(retierNotice({ constructor: 'edge' } as Record<string, 'edge'>, {}, 'Device only')).toBe(
      'Device only has fewer tiers: 1 layer on Edge moved to Device (undo to put them back).',
    );
  });
});
