/**
 * Time and device energy of sending one tensor over a link.
 *
 * Formula (DOMAIN.md): `rttMs/2 + bytes·8 / (Mbps·10⁶) · 1000` ms one way. A link with measured
 * points uses RoaD-RuNNer's polynomial of latency (and energy) against message size inside the
 * measured range, and outside it continues from the fit's end point with the formula's slope, so
 * the curve stays continuous and never extrapolates a quartic.
 */
import type { DeviceProfile, LinkProfile } from '../profiles/types.js';
import { fitPolynomial, type PolynomialFit } from './polyfit.js';

/** `up`: device side → server side of the link (the lower tier to the higher); `down`: back. */
export type Direction = 'up' | 'down';

const DEFAULT_FIT_DEGREE = 4;
const NJ_PER_MJ = 1e6;

interface MeasuredCurve {
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly latency: PolynomialFit;
  readonly energy?: PolynomialFit;
}

/** Profiles are immutable, so each link's fit is computed once and kept while the link lives. */
const curves = new WeakMap<LinkProfile, MeasuredCurve | null>();

/**
 * One-way transfer time of `bytes` over `link`, ms. Nothing to send costs nothing: with no bytes
 * no message goes out. Measured points describe one-way transfers and serve both directions.
 */
export function transferMs(link: LinkProfile, bytes: number, direction: Direction): number {
  checkBytes(bytes);
  if (bytes === 0) return 0;
  const curve = curveOf(link);
  if (!curve) return formulaMs(link, bytes, direction);
  return Math.max(
    0,
    alongCurve(curve, curve.latency, bytes, (b) => formulaMs(link, b, direction)),
  );
}

/**
 * Energy the transfer costs the `device` end of the link, mJ: the link's nJ/byte for the direction
 * when given (`bytes × nJ/byte / 10⁶`), else the device's radio power × transfer time (W × ms =
 * mJ), else its active power × time (a wired NIC or an unknown radio keeps the board busy). With
 * measured energy points, their fit replaces that inside the measured range.
 */
export function transferDeviceEnergyMj(
  link: LinkProfile,
  device: DeviceProfile,
  bytes: number,
  direction: Direction,
): number {
  checkBytes(bytes);
  if (bytes === 0) return 0;
  const curve = curveOf(link);
  const formula = (b: number): number => formulaEnergyMj(link, device, b, direction);
  if (!curve?.energy) return formula(bytes);
  return Math.max(0, alongCurve(curve, curve.energy, bytes, formula));
}

function formulaMs(link: LinkProfile, bytes: number, direction: Direction): number {
  const mbps = direction === 'up' ? link.uplinkMbps : link.downlinkMbps;
  return link.rttMs / 2 + ((bytes * 8) / (mbps * 1e6)) * 1000;
}

function formulaEnergyMj(
  link: LinkProfile,
  device: DeviceProfile,
  bytes: number,
  direction: Direction,
): number {
  const njPerByte = direction === 'up' ? link.txEnergyNjPerByte : link.rxEnergyNjPerByte;
  if (njPerByte !== undefined) return (bytes * njPerByte) / NJ_PER_MJ;
  const radioW = direction === 'up' ? device.radioTxPowerW : device.radioRxPowerW;
  return (radioW ?? device.activePowerW) * transferMs(link, bytes, direction);
}

/** The fit inside [min, max]; outside, the fit at the nearer end plus the formula's difference. */
function alongCurve(
  curve: MeasuredCurve,
  fit: PolynomialFit,
  bytes: number,
  formula: (bytes: number) => number,
): number {
  const anchor = Math.min(curve.maxBytes, Math.max(curve.minBytes, bytes));
  const fitted = fit.predict(anchor);
  return anchor === bytes ? fitted : fitted + formula(bytes) - formula(anchor);
}

function curveOf(link: LinkProfile): MeasuredCurve | null {
  const cached = curves.get(link);
  if (cached !== undefined) return cached;
  const curve = link.measured && link.measured.length > 0 ? fitCurve(link) : null;
  curves.set(link, curve);
  return curve;
}

function fitCurve(link: LinkProfile): MeasuredCurve {
  const points = link.measured ?? [];
  const degree = link.fitDegree ?? DEFAULT_FIT_DEGREE;
  const sizes = points.map((p) => p.bytes);
  const latency = fitPolynomial(
    sizes,
    points.map((p) => p.latencyMs),
    degree,
  );
  const energies = points.map((p) => p.deviceEnergyMj);
  const complete = energies.every((e): e is number => e !== undefined);
  return {
    minBytes: Math.min(...sizes),
    maxBytes: Math.max(...sizes),
    latency,
    ...(complete ? { energy: fitPolynomial(sizes, energies, degree) } : {}),
  };
}

function checkBytes(bytes: number): void {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) {
    throw new RangeError(`A transfer needs a finite, non-negative byte count, got ${bytes}.`);
  }
}

/** The fitted curve of a link with measured points (for reporting its residual), else undefined. */
export function measuredFit(
  link: LinkProfile,
): { readonly latency: PolynomialFit; readonly energy?: PolynomialFit } | undefined {
  return curveOf(link) ?? undefined;
}
