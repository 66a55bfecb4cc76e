import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';
import { useStudio } from '../store/store.js';
import { tierTitleOf } from '../design/placement.js';
import { selectMeasuredKey } from '../run/measured-key.js';
import { selectPreviewMoveOf } from '../suggest/preview-slice.js';
import { firstShape, firstShapeTitle } from '../util/format.js';
import { CostBadges } from './CostBadges.js';
import { selectDataDependent } from './data-dependent.js';
import { measuredMarkTitle, selectMeasuredMark } from './measured-mark.js';
import { calibrationDay } from '../run/measured-rows.js';
import { selectCalibration } from '../run/run-slice.js';
import { selectNotRun } from './not-run.js';
import './not-run.css';
import type { LayerFlowNode } from './flow-elements.js';
import {
  selectFigures,
  selectHeat,
  selectIsPinned,
  selectIsInSelection,
  selectIsSelected,
  selectLayer,
  selectTier,
} from './node-selectors.js';

/** One layer: op type, name, output shape, cost badges, tinted by the chosen metric. */
export const LayerNode = memo(function LayerNode({ id }: NodeProps<LayerFlowNode>) {
  const layer = useStudio((s) => selectLayer(s, id));
  const figures = useStudio((s) => selectFigures(s, id));
  const heat = useStudio((s) => selectHeat(s, id));
  const selected = useStudio((s) => selectIsSelected(s, id));
  const inSelection = useStudio((s) => selectIsInSelection(s, id));
  const tier = useStudio((s) => selectTier(s, id));
  const pinned = useStudio((s) => selectIsPinned(s, id));
  const move = useStudio((s) => selectPreviewMoveOf(s, id));
  const measuredKey = useStudio(selectMeasuredKey);
  const dataDependent = useStudio((s) => selectDataDependent(s, id));
  const notRun = useStudio((s) => selectNotRun(s, id));
  const measuredMark = useStudio((s) =>
    dataDependent && tier ? selectMeasuredMark(s, id, tier) : undefined,
  );
  const calibration = useStudio(selectCalibration);
  if (!layer) return null;
  return (
    <div
      className="graph-node layer-node"
      data-selected={selected || undefined}
      data-in-selection={inSelection || undefined}
      data-tier={tier}
      data-pinned={pinned || undefined}
      data-preview-move={move ?? undefined}
      data-not-run={notRun !== undefined || undefined}
      style={{ '--heat': heat } as CSSProperties}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="node-head">
        <span className="node-op">{layer.op}</span>
        {move && (
          <span
            className="node-move-chip"
            title={`The previewed suggestion moves it to ${tierTitleOf(move)}`}
          >
            → {tierTitleOf(move)}
          </span>
        )}
        {pinned && (
          <svg className="node-pin" role="img" aria-label="pinned" viewBox="0 0 12 12" width="11" height="11">
            <title>Pinned to its tier</title>
            <path d="M4 1h4v1.2l-.8.6v2.7l1.8 1.6v1H6.5V11h-1V8.1H3v-1l1.8-1.6V2.8L4 2.2z" />
          </svg>
        )}
        <span className="node-shape" title={firstShapeTitle(layer.outputs)}>
          {firstShape(layer.outputs)}
        </span>
      </div>
      <div className="node-name" title={layer.id}>
        {layer.id}
      </div>
      <CostBadges
        figures={figures}
        exactCompute={layer.exact.compute}
        exactActivations={layer.exact.activations}
        tier={tier}
        measuredKey={measuredKey}
        dataDependent={dataDependent}
        measured={
          measuredMark && tier
            ? {
                mark: measuredMark,
                title: measuredMarkTitle(
                  measuredMark,
                  tierTitleOf(tier),
                  calibration ? calibrationDay(calibration.result) : null,
                ),
              }
            : undefined
        }
        notRun={notRun}
      />
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});
