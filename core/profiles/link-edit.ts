/**
 * A link with new rates or RTT, as the studio's link fields and the bandwidth sweep set them.
 * When a rate changes, the link's measured points go: inside their range they decide the
 * transfer times (core/predict/transfer.ts), so a bandwidth set by hand would otherwise change
 * nothing there, and the figures would disagree with the sweep that predicted them.
 */
import type { LinkProfile } from './types.js';

export interface LinkEdit {
  readonly uplinkMbps?: number;
  readonly downlinkMbps?: number;
  readonly rttMs?: number;
}

/** `dropMeasured`: drop the measured points even when the rates stay (the sweep models every point). */
export function editedLink(
  link: LinkProfile,
  edit: LinkEdit,
  options: { readonly dropMeasured?: boolean } = {},
): LinkProfile {
  const next: { -readonly [K in keyof LinkProfile]: LinkProfile[K] } = { ...link, ...edit };
  const rateChanged =
    (edit.uplinkMbps !== undefined && edit.uplinkMbps !== link.uplinkMbps) ||
    (edit.downlinkMbps !== undefined && edit.downlinkMbps !== link.downlinkMbps);
  if (rateChanged || options.dropMeasured === true) {
    delete next.measured;
    delete next.fitDegree;
  }
  return next;
}
