/**
 * A size as a person writes it: `4096`, `64KiB`, `1 KiB`, `1.5GB`. KB/MB/GB are powers of 1000
 * and KiB/MiB/GiB of 1024, as storage vendors and `ls -h` disagree and both are typed. Shared by
 * the command line (`--external-data-above`) and the studio's Export tab, so a size typed in
 * either means the same bytes.
 */

const BYTE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Bytes (rounded down to a whole byte), or null when `text` is not a size or is past 2^53. */
export function parseByteSizeText(text: string): number | null {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) return null;
  const bytes = Math.floor(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** Bytes in the binary unit that keeps a few significant digits: KiB, MiB or GiB. */
export function formatByteSize(bytes: number): string {
  if (bytes < 2 ** 20) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}
