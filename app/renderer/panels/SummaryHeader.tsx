import { memo } from 'react';
import { approximationReasons } from '../actions/input-binding.js';
import { selectDirty } from '../store/design-slice.js';
import { useStudio, type Store } from '../store/store.js';
import { formatBytes, formatCount } from '../util/format.js';
import { InputBindings } from './InputBindings.js';
import { tensorListText } from './tensor-list-text.js';

/** Outputs named in the header line (a KV-cache LLM has two per layer); the tooltip names more. */
const SHOWN_OUTPUTS = 3;
const TOOLTIP_TENSORS = 24;

const selectOpened = (s: Store) => s.opened;

/** The open model at a glance: file, inputs, outputs, opset and totals. */
export const SummaryHeader = memo(function SummaryHeader() {
  const opened = useStudio(selectOpened);
  const dirty = useStudio(selectDirty);
  if (!opened) return <h1 className="title">Cutline</h1>;
  const { summary } = opened.view;
  const { totals } = summary;
  const mark = totals.exact ? '' : '~';
  const approximate = approximationReasons(opened.view);
  return (
    <section className="summary" aria-label="Model summary">
      <h1 className="title" title={opened.path ?? opened.fileName}>
        {dirty && (
          <span className="dirty-marker" title="Unsaved changes" aria-label="Unsaved changes">
            •{' '}
          </span>
        )}
        {opened.fileName}
      </h1>
      <dl className="summary-figures">
        <div>
          <dt>Inputs</dt>
          <dd className="inputs" title={tensorListText(summary.inputs, TOOLTIP_TENSORS)}>
            <InputBindings />
          </dd>
        </div>
        <div>
          <dt>Outputs</dt>
          <dd title={tensorListText(summary.outputs, TOOLTIP_TENSORS)}>
            {tensorListText(summary.outputs, SHOWN_OUTPUTS)}
          </dd>
        </div>
        <div>
          <dt>Opset</dt>
          <dd>
            {summary.opset} (IR {summary.irVersion})
          </dd>
        </div>
        <div>
          <dt>Layers</dt>
          <dd>
            {summary.layerCount} ({summary.nodeCount} nodes)
          </dd>
        </div>
        <div>
          <dt>MACs</dt>
          <dd title={approximate.length > 0 ? `Approximate:\n${approximate.join('\n')}` : undefined}>
            {mark}
            {formatCount(totals.macs)}
          </dd>
        </div>
        <div>
          <dt>Params</dt>
          <dd>
            {formatCount(totals.params)} ({formatBytes(totals.paramBytes)})
          </dd>
        </div>
        {summary.unknownOperators.length + summary.shapeErrors.length > 0 && (
          <div className="warning">
            <dt>Warnings</dt>
            <dd
              title={[
                ...summary.unknownOperators.map((op) => `unknown operator ${op}`),
                ...summary.shapeErrors.map((e) => `${e.node}: ${e.message}`),
              ].join('\n')}
            >
              {summary.unknownOperators.length} unknown ops, {summary.shapeErrors.length} shape errors
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
});
