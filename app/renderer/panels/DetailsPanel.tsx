import { memo } from 'react';
import { useStudio, type Store } from '../store/store.js';
import { BlockDetails } from './BlockDetails.js';
import { LayerDetails } from './LayerDetails.js';

const selectSelectedLayer = (s: Store) => (s.selected !== null ? s.index?.layers.get(s.selected) : undefined);
const selectSelectedBlock = (s: Store) => (s.selected !== null ? s.index?.blocks.get(s.selected) : undefined);

/** Everything known about the selected layer or block. */
export const DetailsPanel = memo(function DetailsPanel() {
  const layer = useStudio(selectSelectedLayer);
  const block = useStudio(selectSelectedBlock);
  return (
    <aside className="details" aria-label="Details">
      {layer ? (
        <LayerDetails layer={layer} />
      ) : block ? (
        <BlockDetails block={block} />
      ) : (
        <p className="muted">
          Select a layer or block to see its shapes, attributes and costs. Arrow keys move along edges.
        </p>
      )}
    </aside>
  );
});
