/**
 * Beside the design's figures: what they assume (unbound input sizes counted as 1, If branches
 * that depend on data), with a button that takes the user to the header's input fields, where
 * sizes and values lift the assumptions.
 */
import { memo } from 'react';
import { assumptionNotice } from '../actions/input-binding.js';
import { useStudio, type Store } from '../store/store.js';

const selectView = (s: Store) => s.opened?.view ?? null;

/** The header's first empty size or value field, else its first field. */
function focusInputFields(): void {
  const form = document.querySelector<HTMLFormElement>('form[aria-label="Input bindings"]');
  const field =
    form?.querySelector<HTMLInputElement>('input:placeholder-shown') ??
    form?.querySelector<HTMLInputElement>('input');
  field?.focus();
}

export const AssumptionNotice = memo(function AssumptionNotice() {
  const view = useStudio(selectView);
  const notice = view ? assumptionNotice(view) : null;
  if (notice === null) return null;
  return (
    <span className="assumption-notice" role="note" aria-label="Figures are estimates">
      {notice}{' '}
      <button
        type="button"
        onClick={focusInputFields}
        title="Bind the sizes and give the values in the header"
      >
        Bind inputs…
      </button>
    </span>
  );
});
