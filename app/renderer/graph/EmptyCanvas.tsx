import { memo } from 'react';

/** What the canvas shows before any model is open. */
export const EmptyCanvas = memo(function EmptyCanvas() {
  return (
    <div className="canvas canvas-empty" role="region" aria-label="Layer graph">
      <p>
        Open an ONNX model (<kbd>Ctrl</kbd>+<kbd>O</kbd>), drop one here, or pick a sample.
      </p>
    </div>
  );
});
