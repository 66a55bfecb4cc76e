import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { formatBytes } from '../util/format.js';
import type { TensorFlowEdge } from './flow-elements.js';

/** A tensor (or several merged ones) between two nodes, labelled with the bytes it carries. */
export const TensorEdge = memo(function TensorEdge(props: EdgeProps<TensorFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd } = props;
  const bends = data?.bends ?? [];
  let path: string;
  let labelX: number;
  let labelY: number;
  if (bends.length > 0) {
    const points = [{ x: sourceX, y: sourceY }, ...bends, { x: targetX, y: targetY }];
    path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' ');
    const middle = points[Math.floor(points.length / 2)]!;
    labelX = middle.x;
    labelY = middle.y;
  } else {
    [path, labelX, labelY] = getBezierPath({
      sourceX,
      sourceY,
      sourcePosition,
      targetX,
      targetY,
      targetPosition,
    });
  }
  const label = data ? `${data.exact ? '' : '~'}${formatBytes(data.bytes)}` : '';
  return (
    <BaseEdge
      path={path}
      labelX={labelX}
      labelY={labelY}
      label={label}
      labelShowBg
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={3}
      className={data?.kind === 'shape' ? 'tensor-edge shape-edge' : 'tensor-edge'}
      {...(markerEnd ? { markerEnd } : {})}
    />
  );
});
