import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectCutEdgeInfo } from '../design/figures.js';
import { useStudio } from '../store/store.js';
import { formatBytes, formatMs } from '../util/format.js';
import type { TensorFlowEdge } from './flow-elements.js';

const NO_TENSORS: readonly string[] = [];
const CUT_LABEL_BG = { fill: 'var(--cut-label-bg)' } as const;

/**
 * A tensor (or several merged ones) between two nodes, labelled with the bytes it carries. An
 * edge whose tensors cross between tiers in the design on screen (the drag preview included) is
 * drawn highlighted, labelled with the bytes that cross and their transfer time, as the
 * evaluator charges them.
 */
export const TensorEdge = memo(function TensorEdge(props: EdgeProps<TensorFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd } = props;
  const tensors = data?.tensors ?? NO_TENSORS;
  // Shallow: the selector builds a new {bytes, transferMs} each time it is asked.
  const cut = useStudio(useShallow((s) => selectCutEdgeInfo(s, tensors)));
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
  const approximate = data && !data.exact ? '~' : '';
  const label = cut
    ? `${approximate}${formatBytes(cut.bytes)} · ${formatMs(cut.transferMs)}`
    : data
      ? `${approximate}${formatBytes(data.bytes)}`
      : '';
  const className = ['tensor-edge', data?.kind === 'shape' ? 'shape-edge' : '', cut ? 'cut-edge' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <BaseEdge
      path={path}
      labelX={labelX}
      labelY={labelY}
      label={label}
      labelShowBg
      labelBgPadding={[4, 2]}
      labelBgBorderRadius={3}
      {...(cut ? { labelBgStyle: CUT_LABEL_BG } : {})}
      className={className}
      {...(markerEnd ? { markerEnd } : {})}
    />
  );
});
