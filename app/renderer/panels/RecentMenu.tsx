import { memo, useEffect, useState, type ChangeEvent } from 'react';
import { fetchRecent, openRecentFile } from '../actions/recent.js';
import type { RecentFile } from '../../shared/studio-api.js';
import { useStudio, type Store } from '../store/store.js';

// An open or a save adds to the host's list: read it again after each.
const selectListChanged = (s: Store): string => `${s.opened?.sessionId ?? ''}|${s.projectPath ?? ''}`;

/** Models and projects opened before, read from the host after each open and save and on focus. */
export const RecentMenu = memo(function RecentMenu() {
  const [recent, setRecent] = useState<readonly RecentFile[]>([]);
  const refresh = (): void => void fetchRecent().then(setRecent);
  const listChanged = useStudio(selectListChanged);
  useEffect(() => {
    let current = true;
    void fetchRecent().then((files) => {
      if (current) setRecent(files);
    });
    return () => {
      current = false;
    };
  }, [listChanged]);
  const onChosen = (event: ChangeEvent<HTMLSelectElement>): void => {
    const chosen = recent[Number(event.target.value)];
    event.target.value = '';
    if (chosen) openRecentFile(chosen);
  };
  return (
    <select
      className="recent-menu"
      aria-label="Open a recent file"
      value=""
      onChange={onChosen}
      onFocus={refresh}
      onMouseDown={refresh}
    >
      <option value="">Recent…</option>
      {recent.map((file, i) => (
        <option key={`${file.kind}:${file.path}`} value={i} title={file.path}>
          {file.kind === 'project' ? `Project: ${file.fileName}` : file.fileName}
        </option>
      ))}
    </select>
  );
});
