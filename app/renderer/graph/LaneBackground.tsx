import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { tierTitle, type LaneFlowNode } from './flow-elements.js';

/** A tier's swimlane: a tinted band behind the layers that run there. */
export const LaneBackground = memo(function LaneBackground({ data }: NodeProps<LaneFlowNode>) {
  return (
    <div className="lane" data-tier={data.tier}>
      <span className="lane-title">{tierTitle(data.tier)}</span>
    </div>
  );
});
