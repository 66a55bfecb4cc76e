import { memo, useState, type ChangeEvent } from 'react';
import { fetchRecent, openRecentFile } from '../actions/recent.js';
import type { RecentFile } from '../../shared/studio-api.js';

/** Models and projects opened before; the list is read from the host each time it is opened. */
export const RecentMenu = memo(function RecentMenu() {
  const [recent, setRecent] = useState<readonly RecentFile[]>([]);
  const refresh = (): void => void fetchRecent().then(setRecent);
  const onChosen = (event: ChangeEvent<HTMLSelectElement>): void => {
    const chosen = recent[Number(event.target.value)];
    event.target.value = '';
    if (chosen) openRecentFile(chosen);
  };
  return (
    <select
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
