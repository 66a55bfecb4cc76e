/**
 * A chart's file name from its title: lower case, words joined by '-', nothing a file system
 * refuses (`Latency × energy: resnet/8` → `latency-energy-resnet-8.svg`).
 */
export function chartFileName(title: string, extension: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return `${stem || 'chart'}.${extension}`;
}
