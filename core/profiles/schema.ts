/**
 * Zod schemas of the profile files. They are the single description of a valid profile: `load.ts`
 * validates with them and `scripts/gen-profile-schemas.ts` turns them into the JSON Schema files
 * editors use (`profiles/schema/*.schema.json`). Rules JSON Schema cannot say (every number has a
 * source, idle power ≤ active power, enough measured points for the fit) are refinements, which
 * the JSON Schema export leaves out.
 */
import { z } from 'zod';
import {
  KERNEL_KINDS,
  OP_CLASSES,
  PRECISIONS,
  PROFILE_NUMBER_MAX,
  PROFILE_NUMBER_MIN,
  TIER_NAMES,
} from './types.js';

/** Lower-case words joined by dashes: safe as a file name and in a command line. */
const profileId = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and dashes (e.g. "jetson-nano")');
const text = z.string().min(1);
// A number at or below 0 gets one message ("> 0"); the range is checked after it.
const positive = z
  .number()
  .positive({ abort: true })
  .min(PROFILE_NUMBER_MIN, `must be at least ${PROFILE_NUMBER_MIN}`)
  .max(PROFILE_NUMBER_MAX, `must be at most ${PROFILE_NUMBER_MAX}`);
// Bounded too: an unbounded 1e308 overhead or kernel coefficient summed to Infinity, and the min
// cut refused its NaN capacities with a RangeError instead of a BAD_PROFILE line.
const nonNegative = z.number().nonnegative().max(PROFILE_NUMBER_MAX, `must be at most ${PROFILE_NUMBER_MAX}`);
const efficiency = z.number().positive().max(1);
/** Editors resolve the JSON Schema from this key; the loader ignores it. */
const schemaRef = z.string().optional();

/**
 * Field path → where its number comes from: a paper and table, a datasheet, a measurement, or
 * "assumption: …" with the reasoning. A key may name a group (`efficiency`) to cover its members.
 */
const sources = z
  .record(z.string(), text)
  .describe(
    'Field path (e.g. "peakGflops.fp32", or a group such as "efficiency") → where its number comes from.',
  );

const deviceShape = z.strictObject({
  $schema: schemaRef,
  id: profileId,
  name: text,
  description: text.optional(),
  peakGflops: z
    .strictObject({ fp32: positive, fp16: positive.optional(), int8: positive.optional() })
    .describe('Peak throughput per precision, GFLOP/s (a MAC counts 2); a missing precision runs at fp32.'),
  memoryBandwidthGBps: positive.describe('Sustained memory bandwidth, GB/s (10⁹ bytes per second).'),
  efficiency: z
    .partialRecord(z.enum(OP_CLASSES), efficiency)
    .describe('Fraction of peak each operator class reaches, 0 < e ≤ 1.'),
  defaultEfficiency: efficiency.describe('Fraction of peak for classes not listed in efficiency.'),
  overheadMs: z
    .partialRecord(z.enum(OP_CLASSES), nonNegative)
    .describe('Fixed cost per operator launch, ms, per class.'),
  defaultOverheadMs: nonNegative.describe('Fixed cost per operator launch, ms, for classes not listed.'),
  activePowerW: positive.describe('Board power while computing, W.'),
  idlePowerW: positive.describe('Board power while waiting, W (≤ activePowerW).'),
  radioTxPowerW: positive
    .optional()
    .describe('Radio power while sending, W; used when a link gives no nJ/byte.'),
  radioRxPowerW: positive
    .optional()
    .describe('Radio power while receiving, W; used when a link gives no nJ/byte.'),
  memoryBytes: z.number().int().positive().describe('Memory available to inference, bytes.'),
  kernelModels: z
    .partialRecord(
      z.enum(KERNEL_KINDS),
      z.strictObject({
        ms: nonNegative,
        msPerGflop: nonNegative,
        msPerMB: nonNegative,
        msPerWeightMB: nonNegative,
        msPerGroup: nonNegative.optional(),
        samples: z.number().int().nonnegative(),
      }),
    )
    .optional()
    .describe(
      'Kernel time per operator kind, ms = ms + msPerGflop·GFLOP + msPerMB·activation MB + msPerWeightMB·weight MB (fitted with graph optimisations on); kinds not listed use the roofline.',
    ),
  channelBlock: z
    .number()
    .int()
    .positive()
    .max(64)
    .optional()
    .describe('Channels per block of the convolution kernels (onnxruntime NCHWc: 8 or 16).'),
  segmentOverheadMs: nonNegative.optional().describe('Fixed cost of one segment run, ms.'),
  tensorOverheadMs: nonNegative
    .optional()
    .describe('Fixed cost per tensor handed into or out of a segment run, ms.'),
  sources,
});

const linkPoint = z.strictObject({
  bytes: nonNegative,
  latencyMs: positive,
  deviceEnergyMj: nonNegative.optional(),
});

const DEFAULT_FIT_DEGREE = 4;

const linkShape = z.strictObject({
  $schema: schemaRef,
  id: profileId,
  name: text,
  description: text.optional(),
  uplinkMbps: positive.describe(
    'Achieved bandwidth from the lower tier to the higher, Mb/s (10⁶ bits per second).',
  ),
  downlinkMbps: positive.describe('Achieved bandwidth from the higher tier to the lower, Mb/s.'),
  rttMs: nonNegative.describe('Round-trip time, ms; a one-way transfer pays half of it.'),
  txEnergyNjPerByte: positive.optional().describe('Device radio energy per byte sent, nJ/byte.'),
  rxEnergyNjPerByte: positive.optional().describe('Device radio energy per byte received, nJ/byte.'),
  measured: z
    .array(linkPoint)
    .min(2)
    .optional()
    .describe('Measured one-way transfers; inside their size range a polynomial fit replaces the formula.'),
  fitDegree: z
    .number()
    .int()
    .min(1)
    .max(8)
    .optional()
    .describe('Degree of the fit to measured points (4 by default).'),
  sources,
});

export const deviceProfileSchema = deviceShape.superRefine((device, ctx) => {
  checkSources(device, ctx);
  // Only between valid figures: a bad active power is already reported on its own.
  if (device.activePowerW > 0 && device.idlePowerW > device.activePowerW) {
    ctx.addIssue({
      code: 'custom',
      path: ['idlePowerW'],
      message: `must not exceed activePowerW (${device.activePowerW} W), got ${device.idlePowerW}`,
    });
  }
});

export const linkProfileSchema = linkShape.superRefine((link, ctx) => {
  checkSources(link, ctx);
  const points = link.measured;
  if (!points) return;
  const degree = link.fitDegree ?? DEFAULT_FIT_DEGREE;
  const sizes = new Set(points.map((p) => p.bytes)).size;
  if (sizes < degree + 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['measured'],
      message: `needs at least ${degree + 1} points with different sizes for a degree-${degree} fit, got ${sizes}`,
    });
  }
  const withEnergy = points.filter((p) => p.deviceEnergyMj !== undefined).length;
  if (withEnergy > 0 && withEnergy < points.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['measured'],
      message: `must give deviceEnergyMj on every point or on none, got it on ${withEnergy} of ${points.length}`,
    });
  }
});

export const topologySpecSchema = z.strictObject({
  $schema: schemaRef,
  id: profileId,
  name: text,
  description: text.optional(),
  tiers: z
    .array(
      z.strictObject({
        name: z.enum(TIER_NAMES),
        device: text,
        precision: z.enum(PRECISIONS).optional(),
      }),
    )
    .min(1)
    .max(TIER_NAMES.length),
  links: z.array(z.strictObject({ from: z.enum(TIER_NAMES), to: z.enum(TIER_NAMES), link: text })),
});

/** Keys that carry no figure of the profile. */
const UNSOURCED_KEYS = new Set(['$schema', 'sources']);

/**
 * Every number in the profile needs a source, and every source must name a field that is there
 * (a stale key usually means a renamed or mistyped field). An array of points is one field.
 */
function checkSources(
  profile: { readonly sources: Readonly<Record<string, string>> },
  ctx: z.RefinementCtx,
): void {
  const fields = numericFields(profile);
  const keys = Object.keys(profile.sources);
  const covers = (key: string, field: string): boolean => field === key || field.startsWith(`${key}.`);
  for (const field of fields) {
    if (!keys.some((key) => covers(key, field))) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources'],
        message: `has no entry for "${field}": say where the number comes from (a paper and table, a datasheet, or "assumption: …" with the reasoning)`,
      });
    }
  }
  for (const key of keys) {
    if (!fields.some((field) => covers(key, field))) {
      ctx.addIssue({ code: 'custom', path: ['sources', key], message: 'names no number of this profile' });
    }
  }
}

/** Dotted paths of the numeric fields present; an array holding numbers counts as one field. */
export function numericFields(value: object, prefix = ''): string[] {
  const fields: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (prefix === '' && UNSOURCED_KEYS.has(key)) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof child === 'number') fields.push(path);
    else if (Array.isArray(child)) {
      if (containsNumber(child)) fields.push(path);
    } else if (child !== null && typeof child === 'object') fields.push(...numericFields(child, path));
  }
  return fields;
}

function containsNumber(value: unknown): boolean {
  if (typeof value === 'number') return true;
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value).some(containsNumber);
}
