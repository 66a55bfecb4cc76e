/** The link editor's fields and how a typed value is checked before it reaches the design. */
import { PROFILE_NUMBER_MAX, PROFILE_NUMBER_MIN } from '../../../core/profiles/types.js';
import type { LinkEdit } from '../store/design-types.js';

export type LinkField = keyof LinkEdit & ('uplinkMbps' | 'downlinkMbps' | 'rttMs');

export const LINK_FIELDS: readonly { readonly field: LinkField; readonly label: string }[] = [
  { field: 'uplinkMbps', label: 'Uplink (Mb/s)' },
  { field: 'downlinkMbps', label: 'Downlink (Mb/s)' },
  { field: 'rttMs', label: 'RTT (ms)' },
];

export type ParsedField =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

/** A link figure typed by the user: a finite number above 0, else a sentence saying what to type. */
export function parseLinkField(label: string, text: string): ParsedField {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) return { ok: false, message: `${label}: type a number, such as 20.` };
  if (value <= 0)
    return {
      ok: false,
      message: `${label} must be above 0 (a link with no bandwidth or no delay does not exist).`,
    };
  if (value < PROFILE_NUMBER_MIN || value > PROFILE_NUMBER_MAX)
    return {
      ok: false,
      message: `${label} must lie between ${PROFILE_NUMBER_MIN} and ${PROFILE_NUMBER_MAX}, as in a profile file.`,
    };
  return { ok: true, value };
}
