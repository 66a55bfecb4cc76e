import { memo } from 'react';
import type { TensorSummaryView } from '../../../core/view/types.js';
import { formatBytes, formatShape } from '../util/format.js';

/** Tensors as name, dtype, shape and size; `~` marks sizes of partly unknown shapes. */
export const TensorList = memo(function TensorList({
  tensors,
  label,
}: {
  tensors: readonly TensorSummaryView[];
  label: string;
}) {
  if (tensors.length === 0) return <p className="muted">none</p>;
  return (
    <ul className="tensor-list" aria-label={label}>
      {tensors.map((t) => (
        <li key={t.name}>
          <span className="tensor-name" title={t.name}>
            {t.name}
          </span>{' '}
          <span className="tensor-type">
            {t.dtype} {formatShape(t.shape)}
          </span>{' '}
          <span className="tensor-bytes">{formatBytes(t.bytes)}</span>
        </li>
      ))}
    </ul>
  );
});
