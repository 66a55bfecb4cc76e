import { memo, useMemo, useState, type FormEvent } from 'react';
import { applyInputBindings } from '../actions/analyse.js';
import { bindingsFromFields, inputFields, type InputFields } from '../actions/input-binding.js';
import { useStudio, type Store } from '../store/store.js';

const selectOpened = (s: Store) => s.opened;
const selectBound = (s: Store) => s.design?.inputs ?? s.opened?.inputs ?? null;
const selectAnalysing = (s: Store) => s.analysis !== null;
const NO_DRAFTS: Readonly<Record<string, string>> = {};

function InputShape({
  input,
  drafts,
  onDraft,
}: {
  input: InputFields;
  drafts: Readonly<Record<string, string>>;
  onDraft: (label: string, text: string) => void;
}) {
  if (input.dims === null) return <span className="input-shape">{input.name}: ?</span>;
  return (
    <span className="input-shape">
      {input.name}:{' '}
      {input.dims.map((dim, i) => (
        <span key={dim.index}>
          {i > 0 && ' × '}
          {dim.fixed !== null ? (
            dim.fixed
          ) : (
            <input
              className="dim-field"
              type="text"
              inputMode="numeric"
              size={Math.max(3, dim.symbol.length, (drafts[dim.label] ?? dim.value).length)}
              aria-label={dim.label}
              title={`${dim.symbol}: type a size and press Enter; until every symbolic size is bound, the figures are estimates`}
              placeholder={dim.symbol}
              value={drafts[dim.label] ?? dim.value}
              onChange={(event) => onDraft(dim.label, event.target.value)}
            />
          )}
        </span>
      ))}
    </span>
  );
}

/**
 * The model's inputs with their symbolic dimensions as fields: Apply (or Enter) re-analyses the
 * model with the bindings and records them as one undoable step.
 */
export const InputBindings = memo(function InputBindings() {
  const opened = useStudio(selectOpened);
  const bound = useStudio(selectBound);
  const analysing = useStudio(selectAnalysing);
  const fields = useMemo(
    () =>
      opened && bound ? inputFields(opened.view.summary, bound, opened.view.summary.declaredInputShapes) : [],
    [opened, bound],
  );
  // Typing belongs to the fields it was typed into: new bindings (applied, undone, another
  // model) make new fields, and the fields show those rather than old typing.
  const [typed, setTyped] = useState<{
    readonly fields: readonly InputFields[];
    readonly values: Readonly<Record<string, string>>;
  }>({ fields, values: {} });
  const drafts = typed.fields === fields ? typed.values : NO_DRAFTS;
  const setDrafts = (values: Readonly<Record<string, string>>): void => setTyped({ fields, values });
  if (fields.length === 0) return <>none</>;
  const editable = fields.some((f) => f.dims?.some((d) => d.fixed === null));
  const edited = Object.keys(drafts).length > 0;

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const made = bindingsFromFields(fields, drafts);
    if (!made.ok) {
      useStudio.getState().failed(made.error);
      setDrafts({});
      return;
    }
    // A binding the model refuses is reported by the analysis and the fields go back.
    void applyInputBindings(made.inputs).then((outcome) => {
      if (!outcome.ok) setDrafts({});
    });
  };

  return (
    <form className="input-bindings" aria-label="Input bindings" onSubmit={onSubmit}>
      {fields.map((input) => (
        <InputShape
          key={input.name}
          input={input}
          drafts={drafts}
          onDraft={(label, text) => setDrafts({ ...drafts, [label]: text })}
        />
      ))}
      {editable && (
        <button type="submit" disabled={analysing || !edited} title="Re-analyse with these sizes (Enter)">
          Apply
        </button>
      )}
    </form>
  );
});
