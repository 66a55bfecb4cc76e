import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ancestorBlocks } from '../model/model-index.js';
import { useStudio } from '../store/store.js';

/** The blocks around a node, outermost first; each can be collapsed from here. */
export const BlockPath = memo(function BlockPath({ id }: { id: string }) {
  const chain = useStudio(useShallow((s) => (s.index ? ancestorBlocks(s.index, id) : [])));
  const names = useStudio(useShallow((s) => chain.map((b) => s.index?.blocks.get(b)?.name ?? b)));
  if (chain.length === 0) return null;
  return (
    <nav className="block-path" aria-label="Enclosing blocks">
      {chain.map((blockId, i) => (
        <button
          key={blockId}
          type="button"
          className="link"
          title={`Collapse ${blockId}`}
          onClick={() => {
            const store = useStudio.getState();
            store.toggleBlock(blockId);
            store.select(blockId);
          }}
        >
          {names[i]}
        </button>
      ))}
    </nav>
  );
});
