/**
 * Beside the design's figures: what they assume (unbound input sizes counted as 1, If branches
 * that depend on data), with a button that takes the user to the header's input fields, where
 * sizes and values lift the assumptions; and, for a model with data-dependent layers, why its
 * times read `≥`, with the way to the Run tab that measures them.
 */
import { Fragment, memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { assumptionNoticeParts } from '../actions/input-binding.js';
import { dataDependentBoundTitle } from '../graph/data-dependent.js';
import { selectBoundedDataDependentCount } from '../graph/measured-mark.js';
import { useStudio, type Store } from '../store/store.js';

const selectParts = (s: Store): string[] => (s.opened ? assumptionNoticeParts(s.opened.view) : []);

/** The header's first empty size or value field, else its first field. */
function focusInputFields(): void {
  const form = document.querySelector<HTMLFormElement>('form[aria-label="Input bindings"]');
  const field =
    form?.querySelector<HTMLInputElement>('input:placeholder-shown') ??
    form?.querySelector<HTMLInputElement>('input');
  field?.focus();
}

export const AssumptionNotice = memo(function AssumptionNotice() {
  const parts = useStudio(useShallow(selectParts));
  // Layers this machine's calibration costs on their tier are not bounds (graph/measured-mark.ts).
  const dataDependent = useStudio(selectBoundedDataDependentCount);
  if (parts.length === 0 && dataDependent === 0) return null;
  return (
    <div className="figure-notes">
      {dataDependent > 0 && (
        <span
          className="figure-note"
          role="note"
          aria-label="Figures are lower bounds"
          title={dataDependentBoundTitle(dataDependent)}
        >
          {/* Phrases wrap as wholes: a narrow bar breaks between them, never inside one. */}
          <span className="notice-phrase">≥ lower bounds:</span>{' '}
          <span className="notice-phrase">
            {dataDependent === 1 ? '1 layer is' : `${dataDependent} layers are`} data-dependent
          </span>{' '}
          <button
            type="button"
            onClick={() => useStudio.getState().openDock('harness')}
            title="Export the design, then run the bundle in the Run tab: it measures what the layers take"
          >
            Measure…
          </button>
        </span>
      )}
      {parts.length > 0 && (
        <span className="figure-note assumption-notice" role="note" aria-label="Figures are estimates">
          {parts.map((part, i) => (
            <Fragment key={part}>
              <span className="notice-phrase">
                {i === 0 ? 'Estimates: ' : ''}
                {part}
                {i < parts.length - 1 ? ';' : ''}
              </span>{' '}
            </Fragment>
          ))}
          <button
            type="button"
            onClick={focusInputFields}
            title="Bind the sizes and give the values in the header"
          >
            Bind inputs…
          </button>
        </span>
      )}
    </div>
  );
});
