import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { LinkProfile } from '../../../core/profiles/types.js';
import { useStudio } from '../store/store.js';
import { LINK_FIELDS, parseLinkField, type LinkField } from './link-fields.js';

interface LinkPopoverProps {
  /** The hop edited: the link between tiers `hop` and `hop + 1`. */
  readonly hop: number;
  readonly link: LinkProfile;
  readonly title: string;
  readonly onClose: () => void;
}

/**
 * Number fields for a link's bandwidth and RTT. A field applies on Enter or when it loses focus
 * (one undoable edit; the design squashes a run of edits to one link); a value that is not a
 * number above 0 is refused with a message and the design keeps its figure. Escape closes.
 */
export const LinkPopover = memo(function LinkPopover({ hop, link, title, onClose }: LinkPopoverProps) {
  const [texts, setTexts] = useState<Record<LinkField, string>>(() => textsOf(link));
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  // An undo while the popover is open shows the restored figures.
  useEffect(() => setTexts(textsOf(link)), [link]);

  const apply = (field: LinkField, label: string): void => {
    const parsed = parseLinkField(label, texts[field]);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setError(null);
    if (parsed.value !== link[field]) useStudio.getState().editLink(hop, { [field]: parsed.value });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>, field: LinkField, label: string): void => {
    if (event.key === 'Enter') apply(field, label);
    else if (event.key === 'Escape') onClose();
  };

  return (
    <div className="lane-popover nopan nodrag nowheel" role="dialog" aria-label={title}>
      <div className="lane-popover-title">{title}</div>
      {/* Which link this is: the chip that opened it may be cut short by a narrow lane. */}
      <p className="lane-popover-note">{link.name}</p>
      {LINK_FIELDS.map(({ field, label }, i) => (
        <label key={field} className="lane-popover-field">
          <span>{label}</span>
          <input
            ref={i === 0 ? first : undefined}
            type="number"
            inputMode="decimal"
            min="0"
            step="any"
            aria-label={label}
            value={texts[field]}
            onChange={(event) => setTexts((t) => ({ ...t, [field]: event.target.value }))}
            onKeyDown={(event) => onKeyDown(event, field, label)}
            onBlur={() => apply(field, label)}
          />
        </label>
      ))}
      {error && (
        <p className="lane-popover-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="lane-popover-close" onClick={onClose}>
        Done
      </button>
    </div>
  );
});

function textsOf(link: LinkProfile): Record<LinkField, string> {
  return {
    uplinkMbps: String(link.uplinkMbps),
    downlinkMbps: String(link.downlinkMbps),
    rttMs: String(link.rttMs),
  };
}
