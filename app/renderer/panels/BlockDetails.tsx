import { memo } from 'react';
import type { BlockView } from '../../../core/view/types.js';
import { selectNotRun } from '../graph/not-run.js';
import { BLOCK_KIND_TITLE } from '../model/block-title.js';
import { useStudio, type Store } from '../store/store.js';
import { BlockPath } from './BlockPath.js';
import { CostTable } from './CostTable.js';

const selectMetrics = (s: Store) => s.overlay.metrics;

export const BlockDetails = memo(function BlockDetails({ block }: { block: BlockView }) {
  const metrics = useStudio(selectMetrics);
  const figures = useStudio((s) => s.overlay.values.get(block.id));
  const expanded = useStudio((s) => s.expanded.has(block.id));
  const notRun = useStudio((s) => selectNotRun(s, block.id));
  return (
    <>
      <h2>
        <span className="details-op">{BLOCK_KIND_TITLE[block.kind]}</span>
        <span className="details-name">{block.id}</span>
      </h2>
      <BlockPath id={block.id} />
      <p className="muted">
        {block.layerCount} layers · {block.blocks.length} inner blocks
      </p>
      {notRun !== undefined && (
        <p className="details-not-run" role="note" aria-label="Not run">
          <strong>{notRun}.</strong> Its layers never run, so they cost nothing: the sums below are what they
          would cost if they ran.
        </p>
      )}
      <button type="button" onClick={() => useStudio.getState().toggleBlock(block.id)}>
        {expanded ? 'Collapse block' : 'Expand block'}
      </button>
      <h3>Costs (sum over the block)</h3>
      <CostTable metrics={metrics} figures={figures} />
    </>
  );
});
