import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { BLOCK_KIND_TITLE } from '../model/block-title.js';
import { useStudio } from '../store/store.js';
import { selectMeasuredKey } from '../run/measured-key.js';
import { selectPreviewBlockMoves } from '../suggest/preview-slice.js';
import { CostBadges } from './CostBadges.js';
import { selectNotRun } from './not-run.js';
import './not-run.css';
import type { BlockFlowNode } from './flow-elements.js';
import {
  selectBlock,
  selectBlockTitle,
  selectFigures,
  selectHeat,
  selectIsInSelection,
  selectIsSelected,
} from './node-selectors.js';

/** A collapsed block: one node carrying the sums of its layers' costs. Double-click or Enter expands it. */
export const BlockNode = memo(function BlockNode({ id, data }: NodeProps<BlockFlowNode>) {
  const block = useStudio((s) => selectBlock(s, id));
  const title = useStudio((s) => selectBlockTitle(s, id));
  const figures = useStudio((s) => selectFigures(s, id));
  const heat = useStudio((s) => selectHeat(s, id));
  const selected = useStudio((s) => selectIsSelected(s, id));
  const inSelection = useStudio((s) => selectIsInSelection(s, id));
  const moves = useStudio((s) => selectPreviewBlockMoves(s, id));
  const measuredKey = useStudio(selectMeasuredKey);
  const notRun = useStudio((s) => selectNotRun(s, id));
  if (!block) return null;
  return (
    <div
      className="graph-node block-node"
      data-selected={selected || undefined}
      data-in-selection={inSelection || undefined}
      data-preview-move={moves > 0 ? moves : undefined}
      data-not-run={notRun !== undefined || undefined}
      style={{ '--heat': heat } as CSSProperties}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="node-head">
        <span className="node-op">
          {BLOCK_KIND_TITLE[block.kind]} · {block.layerCount} layers
        </span>
        {moves > 0 && (
          <span className="node-move-chip" title="Layers inside that the previewed suggestion moves">
            {moves} move
          </span>
        )}
        <span
          className="node-expand"
          aria-hidden="true"
          title="Expand"
          onClick={(event) => {
            event.stopPropagation();
            useStudio.getState().toggleBlock(id);
          }}
        >
          ⊕
        </span>
      </div>
      <div className="node-name" title={block.id}>
        {title}
      </div>
      <CostBadges figures={figures} tier={data.tier} rolledUp measuredKey={measuredKey} notRun={notRun} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});
