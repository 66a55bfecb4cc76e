import { memo, useId, useMemo, useState, type FormEvent } from 'react';
import { applyInputBindings } from '../actions/analyse.js';
import {
  bindingsFromDrafts,
  COMPACT_INPUTS_ABOVE,
  hasDrafts,
  inputFields,
  NO_DRAFTS,
  symbolFields,
  valueInputs,
  valuesFromDrafts,
  type BindingDrafts,
  type DimField,
  type InputFields,
  type SymbolField,
} from '../actions/input-binding.js';
import { useStudio, type Store } from '../store/store.js';

const selectOpened = (s: Store) => s.opened;
const selectBound = (s: Store) => s.design?.inputs ?? s.opened?.inputs ?? null;
const selectAnalysing = (s: Store) => s.analysis !== null;
const NO_VALUES: Readonly<Record<string, string>> = {};
const selectValues = (s: Store) => s.design?.inputValues ?? s.opened?.inputValues ?? NO_VALUES;

const VALUE_HINT =
  'a value the caller always sends for this input (e.g. 16000, or 1,2,3): the analysis folds it as a constant, so an If on it is costed on the branch that runs. Enter applies; empty removes it.';

/** `= [value]` after an input offered a value field (see valueInputs). */
function ValueField({ name, text, onText }: { name: string; text: string; onText: (text: string) => void }) {
  return (
    <>
      {' = '}
      <input
        className="dim-field value-field"
        type="text"
        inputMode="decimal"
        size={Math.max(5, text.length)}
        aria-label={`${name} value`}
        title={`${name}: ${VALUE_HINT}`}
        placeholder="value"
        value={text}
        onChange={(event) => onText(event.target.value)}
      />
    </>
  );
}

function SizeField({
  label,
  symbol,
  text,
  title,
  onText,
}: {
  label: string;
  /** The placeholder: the symbol inline; null beside the symbol's name, where it would repeat it. */
  symbol: string | null;
  text: string;
  title: string;
  onText: (text: string) => void;
}) {
  return (
    <input
      className="dim-field"
      type="text"
      inputMode="numeric"
      size={Math.max(3, Math.min(symbol?.length ?? 0, 24), text.length)}
      aria-label={label}
      title={title}
      placeholder={symbol ?? '?'}
      value={text}
      onChange={(event) => onText(event.target.value)}
    />
  );
}

const UNBOUND_HINT = 'until every symbolic size is bound, the figures are estimates';

function symbolTitle(field: SymbolField): string {
  const where =
    field.uses === 1 ? 'one input dimension' : `${field.uses} dimensions of ${field.inputs} input(s)`;
  return `${field.symbol}: the size of ${where}. Type a size and press Enter; ${UNBOUND_HINT}.`;
}

interface ShapeProps {
  input: InputFields;
  drafts: BindingDrafts;
  symbols: ReadonlyMap<string, SymbolField>;
  /** The symbols that get their field here (inline, at their first use); others show their size. */
  fieldFor: ReadonlySet<DimField>;
  /** The input's value as applied, when it is offered a value field; undefined otherwise. */
  value: string | undefined;
  onDrafts: (drafts: BindingDrafts) => void;
}

/** One input as `name: 1 × 3 × [H] × [W]`: fixed sizes, fields, and shared symbols' sizes. */
function InputShape({ input, drafts, symbols, fieldFor, value, onDrafts }: ShapeProps) {
  const valueField = value !== undefined && (
    <ValueField
      name={input.name}
      text={drafts.values?.[input.name] ?? value}
      onText={(text) => onDrafts({ ...drafts, values: { ...drafts.values, [input.name]: text } })}
    />
  );
  if (input.dims === null)
    return (
      <span className="input-shape">
        {input.name}: ?{valueField}
      </span>
    );
  const dim = (d: DimField) => {
    if (d.fixed !== null) return d.fixed;
    const symbol = d.named ? symbols.get(d.symbol) : undefined;
    if (symbol === undefined) {
      return (
        <SizeField
          label={d.label}
          symbol={d.symbol}
          text={drafts.dims[d.label] ?? d.value}
          title={`${d.label}: type a size and press Enter; ${UNBOUND_HINT}`}
          onText={(text) => onDrafts({ ...drafts, dims: { ...drafts.dims, [d.label]: text } })}
        />
      );
    }
    const text = drafts.symbols[symbol.symbol] ?? symbol.value;
    if (fieldFor.has(d)) {
      return (
        <SizeField
          label={symbol.symbol}
          symbol={symbol.symbol}
          text={text}
          title={symbolTitle(symbol)}
          onText={(typed) => onDrafts({ ...drafts, symbols: { ...drafts.symbols, [symbol.symbol]: typed } })}
        />
      );
    }
    // Bound through the symbol's one field: shown as its size, or its name while unbound.
    const size = text.trim();
    return (
      <span
        className={size === '' ? 'dim-symbol unbound' : 'dim-symbol'}
        title={`${symbol.symbol}: set by the one ${symbol.symbol} field`}
      >
        {size === '' ? symbol.symbol : size}
      </span>
    );
  };
  // A scalar with a value field reads `sr = 16000`, not `sr:  = 16000`.
  if (input.dims.length === 0 && valueField)
    return (
      <span className="input-shape">
        {input.name}
        {valueField}
      </span>
    );
  return (
    <span className="input-shape">
      {input.name}:{' '}
      {input.dims.map((d, i) => (
        <span key={d.index}>
          {i > 0 && ' × '}
          {dim(d)}
        </span>
      ))}
      {valueField}
    </span>
  );
}

export interface InputBindingsFormProps {
  readonly fields: readonly InputFields[];
  readonly drafts: BindingDrafts;
  readonly analysing: boolean;
  /** Inputs offered a value field, with their applied value ('' when none); default none. */
  readonly values?: ReadonlyMap<string, string>;
  /** Whether the list of inputs is open (only asked for when there are many inputs). */
  readonly expanded: boolean;
  readonly onDrafts: (drafts: BindingDrafts) => void;
  readonly onExpanded: (expanded: boolean) => void;
  readonly onApply: () => void;
}

/**
 * The form itself, without the store: a few inputs read inline as today (`x: 1 × 3 × [H] × [W]`),
 * a named symbol's field at its first use; many inputs (an LLM's KV cache) show one field per
 * symbol and a one-line summary that opens a bounded, scrolling list of the inputs.
 */
export function InputBindingsForm({
  fields,
  drafts,
  analysing,
  values,
  expanded,
  onDrafts,
  onExpanded,
  onApply,
}: InputBindingsFormProps) {
  const listId = useId();
  const symbols = useMemo(() => symbolFields(fields), [fields]);
  const bySymbol = useMemo(() => new Map(symbols.map((s) => [s.symbol, s])), [symbols]);
  const compact = fields.length > COMPACT_INPUTS_ABOVE;
  // Inline, each symbol's field sits at its first use; compact, all sit in the header line.
  const fieldFor = useMemo(() => {
    const first = new Set<DimField>();
    if (compact) return first;
    const seen = new Set<string>();
    for (const input of fields) {
      for (const d of input.dims ?? []) {
        if (d.fixed !== null || !d.named || seen.has(d.symbol)) continue;
        seen.add(d.symbol);
        first.add(d);
      }
    }
    return first;
  }, [fields, compact]);
  const editable = fields.some((f) => f.dims?.some((d) => d.fixed === null)) || (values?.size ?? 0) > 0;
  const unnamed = fields.reduce(
    (n, f) => n + (f.dims ?? []).filter((d) => d.fixed === null && !d.named).length,
    0,
  );

  const onSubmit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    onApply();
  };
  const shape = (input: InputFields) => (
    <InputShape
      key={input.name}
      input={input}
      drafts={drafts}
      symbols={bySymbol}
      fieldFor={fieldFor}
      value={values?.get(input.name)}
      onDrafts={onDrafts}
    />
  );
  const apply = editable && (
    <button
      type="submit"
      disabled={analysing || !hasDrafts(drafts)}
      title="Re-analyse with these sizes and values (Enter)"
    >
      Apply
    </button>
  );

  if (!compact) {
    return (
      <form className="input-bindings" aria-label="Input bindings" onSubmit={onSubmit}>
        {fields.map(shape)}
        {apply}
      </form>
    );
  }
  return (
    <form
      className="input-bindings compact"
      aria-label="Input bindings"
      onSubmit={onSubmit}
      onKeyDown={(event) => {
        if (event.key === 'Escape' && expanded) onExpanded(false);
      }}
    >
      <button
        type="button"
        className="input-disclosure"
        aria-expanded={expanded}
        aria-controls={listId}
        title={expanded ? 'Hide the inputs' : 'Show the inputs and their shapes'}
        onClick={() => onExpanded(!expanded)}
      >
        <span aria-hidden="true">{expanded ? '▾ ' : '▸ '}</span>
        {fields.length} inputs{unnamed > 0 && `, ${unnamed} unnamed size${unnamed === 1 ? '' : 's'}`}
      </button>
      {/* Exporters that name every input's sizes apart (unk__12, unk__13…) still get a bounded box. */}
      <span className="symbol-fields">
        {symbols.map((s) => {
          const text = drafts.symbols[s.symbol] ?? s.value;
          return (
            <label key={s.symbol} className="symbol-field">
              <span className="symbol-name">{s.symbol}</span>
              <SizeField
                label={s.symbol}
                symbol={null}
                text={text}
                title={symbolTitle(s)}
                onText={(typed) => onDrafts({ ...drafts, symbols: { ...drafts.symbols, [s.symbol]: typed } })}
              />
            </label>
          );
        })}
      </span>
      {apply}
      {expanded && (
        <div className="input-list" id={listId} role="group" aria-label="Inputs">
          {fields.map(shape)}
        </div>
      )}
    </form>
  );
}

/**
 * The model's inputs with their symbolic sizes as fields: Apply (or Enter) re-analyses the model
 * with the bindings and records them as one undoable step.
 */
export const InputBindings = memo(function InputBindings() {
  const opened = useStudio(selectOpened);
  const bound = useStudio(selectBound);
  const analysing = useStudio(selectAnalysing);
  const applied = useStudio(selectValues);
  const fields = useMemo(
    () =>
      opened && bound ? inputFields(opened.view.summary, bound, opened.view.summary.declaredInputShapes) : [],
    [opened, bound],
  );
  // Typing belongs to the fields it was typed into: new bindings (applied, undone, another
  // model) make new fields, and the fields show those rather than old typing.
  const [typed, setTyped] = useState<{
    readonly fields: readonly InputFields[];
    readonly drafts: BindingDrafts;
  }>({ fields, drafts: NO_DRAFTS });
  // The list stays open across re-analyses of one model, and starts closed for the next.
  const [openFor, setOpenFor] = useState<string | null>(null);
  const values = useMemo(() => {
    if (!opened) return new Map<string, string>();
    const offered = valueInputs(opened.view.summary, applied);
    return new Map([...offered].map((name) => [name, applied[name] ?? '']));
  }, [opened, applied]);
  const drafts = typed.fields === fields ? typed.drafts : NO_DRAFTS;
  const setDrafts = (next: BindingDrafts): void => setTyped({ fields, drafts: next });
  if (fields.length === 0) return <>none</>;

  const onApply = (): void => {
    const made = bindingsFromDrafts(fields, drafts);
    if (!made.ok) {
      useStudio.getState().failed(made.error);
      setDrafts(NO_DRAFTS);
      return;
    }
    // A binding the model refuses is reported by the analysis and the fields go back.
    void applyInputBindings(made.inputs, valuesFromDrafts(applied, drafts)).then((outcome) => {
      if (!outcome.ok) setDrafts(NO_DRAFTS);
    });
  };

  return (
    <InputBindingsForm
      fields={fields}
      drafts={drafts}
      analysing={analysing}
      values={values}
      expanded={openFor !== null && openFor === opened?.sessionId}
      onDrafts={setDrafts}
      onExpanded={(open) => setOpenFor(open ? (opened?.sessionId ?? null) : null)}
      onApply={onApply}
    />
  );
});
