import { memo, useMemo, useState, type KeyboardEvent } from 'react';
import { findNodes } from '../search/find-nodes.js';
import { useStudio, type Store } from '../store/store.js';

export const SEARCH_INPUT_ID = 'node-search';

const selectView = (s: Store) => s.opened?.view ?? null;
const selectQuery = (s: Store) => s.searchQuery;

/** Search by name or op type; Enter jumps to the next hit (selects, expands to, pans to it). */
export const SearchBox = memo(function SearchBox() {
  const view = useStudio(selectView);
  const query = useStudio(selectQuery);
  const hits = useMemo(() => (view ? findNodes(view, query) : []), [view, query]);
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState(false);

  const jump = (index: number): void => {
    const hit = hits[index];
    if (!hit) return;
    setCursor(index);
    useStudio.getState().reveal(hit.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    const count = Math.max(hits.length, 1);
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(true);
      setCursor((c) => (c + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      // Enter takes the hit under the cursor; pressed again it moves on to the next, wrapping round.
      jump(open ? cursor : (cursor + 1) % count);
      setOpen(false);
    } else if (event.key === 'Escape') {
      setOpen(false);
      event.currentTarget.blur();
    }
  };

  return (
    <div className="search">
      <input
        id={SEARCH_INPUT_ID}
        type="search"
        role="searchbox"
        aria-label="Search layers by name or op type"
        placeholder="Search (/)"
        value={query}
        disabled={!view}
        onChange={(event) => {
          useStudio.getState().setSearchQuery(event.target.value);
          setOpen(true);
          setCursor(0);
        }}
        onKeyDown={onKeyDown}
        onFocus={() => setOpen(query !== '')}
        onBlur={() => setOpen(false)}
        aria-controls="search-results"
      />
      {query !== '' && (
        <span className="search-count" aria-live="polite">
          {hits.length === 0 ? 'no match' : `${hits.length}${hits.length === 50 ? '+' : ''} found`}
        </span>
      )}
      {open && hits.length > 0 && (
        <ul id="search-results" role="listbox" aria-label="Search results" className="search-results">
          {hits.map((hit, index) => (
            <li
              key={hit.id}
              role="option"
              aria-selected={index === cursor}
              ref={index === cursor ? (element) => element?.scrollIntoView({ block: 'nearest' }) : undefined}
              // mousedown, not click: the input's blur would close the list before a click lands.
              onMouseDown={(event) => {
                event.preventDefault();
                jump(index);
                setOpen(false);
              }}
            >
              <span className="hit-name">{hit.id}</span>
              <span className="hit-detail">{hit.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
});
