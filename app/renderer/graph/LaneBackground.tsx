import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { LaneFlowNode } from './flow-elements.js';

/**
 * A tier's lane: a tinted column behind the layers that run there. Its name and hardware are in
 * the lane header (LaneHeader.tsx), which stays at the top while the canvas scrolls.
 */
export const LaneBackground = memo(function LaneBackground({ data }: NodeProps<LaneFlowNode>) {
  return <div className="lane" data-tier={data.tier} />;
});
