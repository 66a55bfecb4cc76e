import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectCutEdgeInfo } from '../design/figures.js';
import { useStudio } from '../store/store.js';
import { formatBytes, formatMs } from '../util/format.js';
import type { TensorFlowEdge } from './flow-elements.js';

const NO_TENSORS: readonly string[] = [];

/**
 * A tensor (or several merged ones) between two nodes, labelled with the bytes it carries. An
 * edge whose tensors cross between tiers in the design on screen (the drag preview included) is
 * drawn highlighted, labelled with the bytes that cross and their transfer time, as the
 * evaluator charges them. The label is HTML (EdgeLabelRenderer), not React Flow's SVG label: that
 * one measures its text with getBBox whenever it changes, a forced layout on every frame of a
 * cut drag that moves the cut across edges.
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
    <>
      {/* The label's words stay part of the edge itself (its tooltip and accessible description),
          as they were with React Flow's SVG label. */}
      {label && <title>{label}</title>}
      <BaseEdge path={path} className={className} {...(markerEnd ? { markerEnd } : {})} />
      {label && (
        <EdgeLabelRenderer>
          <div
            className="tensor-edge-label"
            data-cut={cut ? true : undefined}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
