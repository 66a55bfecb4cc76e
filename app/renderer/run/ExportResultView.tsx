import { isTierName, TIER_TITLES } from '../../../core/tiers.js';
import { useStudio, type Store } from '../store/store.js';
import { formatBytes, formatMj, formatMs } from '../util/format.js';
import { bundleItems, segmentsCaption, segmentWeights, verificationLine } from './export-summary.js';
import type { ExportRecord } from './run-slice.js';
import { dataDependentBoundTitle, selectDataDependentCount } from '../graph/data-dependent.js';

const tierTitle = (tier: string): string => (isTierName(tier) ? TIER_TITLES[tier] : tier);
const selectDesign = (s: Store) => s.design;

/**
 * The bundle just written: where, where its README with each machine's commands is, what it
 * holds (segments, Triton repository, whole model only with the fallback, serving mode), its
 * segments with their sizes, the tensors that cross, the plan's predicted figures (the serving
 * mode's), and whether the split gave the whole model's outputs; "Run it" opens the Run tab on it.
 */
export function ExportResultView({ record }: { readonly record: ExportRecord }) {
  const design = useStudio(selectDesign);
  // The exported model's data-dependent layers make its predicted figures lower bounds, as the
  // figures bar and `cutline export` say.
  const dataDependentLayers = useStudio((s) =>
    s.opened?.sessionId === record.sessionId ? selectDataDependentCount(s) : 0,
  );
  const atLeast = dataDependentLayers > 0 ? '≥ ' : '';
  const { result, args } = record;
  const changed =
    design !== null && (design.placement !== args.placement || design.topology !== args.topology);
  return (
    <section className="run-result" aria-label="Export result">
      <p className="run-result-head">
        <span>
          Bundle: <code className="run-path-text">{result.bundleDir}</code>
          {result.zipPath && (
            <>
              {' '}
              and <code className="run-path-text">{result.zipPath}</code>
            </>
          )}
        </span>
        <button
          type="button"
          className="run-primary"
          onClick={() => useStudio.getState().openDock('harness')}
        >
          Run it
        </button>
      </p>
      {changed && (
        <p className="run-note" role="note">
          The design has changed since this export; export again to run the new one.
        </p>
      )}
      {result.holds?.readme && (
        <p className="run-readme" aria-label="Per-machine commands">
          Commands for each machine (certificates, each server, the device):{' '}
          <code className="run-path-text">{result.holds.readme}</code>
        </p>
      )}
      <Verification verification={result.verification} />
      <BundleItems result={result} />
      <div className="run-columns">
        <table className="run-table" aria-label="Segments">
          <caption>{segmentsCaption(result.segments)}</caption>
          <thead>
            <tr>
              <th scope="col">Segment</th>
              <th scope="col">Tier</th>
              <th scope="col">File</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Weights</th>
            </tr>
          </thead>
          <tbody>
            {result.segments.map((segment) => (
              <tr key={segment.id}>
                <td>{segment.id}</td>
                <td>{tierTitle(segment.tier)}</td>
                <td>
                  <code>{segment.file}</code>
                </td>
                <td className="num">{formatBytes(segment.bytes)}</td>
                <td>{segmentWeights(segment)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {result.crossings.length === 0 ? (
          <p className="run-note">No tensor crosses a link: the whole model runs on one tier.</p>
        ) : (
          <table className="run-table" aria-label="Crossings">
            <caption>
              {result.crossings.length} tensor{result.crossings.length === 1 ? '' : 's'} crossing a link
            </caption>
            <thead>
              <tr>
                <th scope="col">Tensor</th>
                <th scope="col">Link</th>
                <th scope="col">Way</th>
              </tr>
            </thead>
            <tbody>
              {result.crossings.map((c, i) => (
                <tr key={`${c.tensor}:${c.hop}:${c.direction}:${i}`}>
                  <td>
                    <code>{c.tensor}</code>
                  </td>
                  <td>
                    {hopTitle(
                      args.topology.tiers.map((t) => t.name),
                      c.hop,
                    )}
                  </td>
                  <td>{c.direction}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <dl
          className="run-figures"
          aria-label="Predicted"
          title={
            result.holds?.serving === 'stock'
              ? 'Served by stock servers: the device sends each server segment its inputs and collects its outputs'
              : undefined
          }
        >
          <dt>Predicted latency</dt>
          <dd title={atLeast ? dataDependentBoundTitle(dataDependentLayers) : undefined}>
            {atLeast}
            {formatMs(result.predicted.latencyMs)}
          </dd>
          <dt>Device energy</dt>
          <dd>
            {atLeast}
            {formatMj(result.predicted.deviceEnergyMj)}
          </dd>
          <dt>Bytes on the links</dt>
          <dd>{formatBytes(result.predicted.linkBytes)}</dd>
        </dl>
      </div>
    </section>
  );
}

/** What the bundle holds, one short line each, with the bundle path of each file or folder. */
function BundleItems({ result }: { readonly result: ExportRecord['result'] }) {
  const items = bundleItems(result, tierTitle);
  if (items.length === 0) return null;
  return (
    <ul className="run-bundle-items" aria-label="The bundle holds">
      {items.map((item) => (
        <li key={item.text}>
          {item.text}
          {item.path !== null && (
            <>
              : <code>{item.path}</code>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

const hopTitle = (tiers: readonly string[], hop: number): string =>
  `${tierTitle(tiers[hop] ?? `tier ${hop}`)} ↔ ${tierTitle(tiers[hop + 1] ?? `tier ${hop + 1}`)}`;

function Verification({ verification }: { readonly verification: ExportRecord['result']['verification'] }) {
  const line = verificationLine(verification);
  const tone = { ok: 'run-ok', bad: 'run-bad', skipped: 'run-skipped', off: '' }[line.tone];
  return (
    <p
      className={`run-verification ${tone}`.trim()}
      role="status"
      aria-label="Verification"
      {...(line.detail ? { title: line.detail } : {})}
    >
      {line.text}
    </p>
  );
}
