import type { SweepResult } from '../../shared/studio-api.js';
import { formatBytes, formatMbps } from '../util/format.js';
import { bestSplitText } from './sweep-data.js';

export interface SweepTableProps {
  readonly result: SweepResult;
  readonly serverName: string;
  readonly onPick: (mbps: number) => void;
}

/**
 * The sweep's figures, one row per bandwidth, as `cutline sweep` prints them: each cell carries
 * its exact number in `data-value` (what the CLI's JSON holds), and each row a button setting
 * the link to its bandwidth.
 */
export function SweepTable({ result, serverName, onPick }: SweepTableProps) {
  return (
    <div className="chart-table-wrap">
      <table className="chart-table" aria-label="Sweep figures">
        <thead>
          <tr>
            <th scope="col">Mb/s</th>
            <th scope="col">Device only ms</th>
            <th scope="col">{serverName} only ms</th>
            <th scope="col">Best split ms</th>
            <th scope="col">Device layers</th>
            <th scope="col">On links</th>
            <th scope="col">Fastest</th>
            <th scope="col">This design ms</th>
            <th scope="col">
              <span className="visually-hidden">Set the link</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {result.points.map((p) => (
            <tr key={p.mbps} data-mbps={p.mbps}>
              <th scope="row" className="num" data-value={p.mbps}>
                {Number(p.mbps.toPrecision(3))}
              </th>
              <td className="num" data-key="deviceOnlyMs" data-value={p.deviceOnlyMs}>
                {p.deviceOnlyMs.toFixed(2)}
              </td>
              <td className="num" data-key="serverOnlyMs" data-value={p.serverOnlyMs}>
                {p.serverOnlyMs.toFixed(2)}
              </td>
              <td className="num" data-key="bestSplitMs" data-value={p.bestSplitMs}>
                {p.bestSplitMs.toFixed(2)}
              </td>
              <td className="num" data-key="bestSplitDeviceLayers" data-value={p.bestSplitDeviceLayers}>
                {p.bestSplitDeviceLayers}
              </td>
              <td className="num" data-key="bestSplitLinkBytes" data-value={p.bestSplitLinkBytes}>
                {formatBytes(p.bestSplitLinkBytes)}
              </td>
              <td data-key="fastest" data-value={p.fastest} title={bestSplitText(p, result.server)}>
                {p.fastest}
              </td>
              <td className="num" data-key="currentMs" data-value={p.currentMs}>
                {p.currentMs.toFixed(2)}
              </td>
              <td>
                <button
                  type="button"
                  aria-label={`Set the link to ${formatMbps(p.mbps)}`}
                  onClick={() => onPick(p.mbps)}
                >
                  Set
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
