/**
 * The header's input binding: which dimensions of each input the user may bind (the symbolic
 * ones), the fields' values, the binding text they make (`1x3x640x640`, as `cutline analyze
 * --input` takes it), and why totals are approximate. Pure: the component only renders this.
 */
import type { Dim } from '../../../core/graph/types.js';
import { plainName, quoteName } from '../../../core/text/quote-name.js';
import type { ModelSummaryView, ModelView } from '../../../core/view/types.js';
import type { StudioError } from '../../shared/studio-api.js';

export interface DimField {
  readonly index: number;
  /** A fixed size the user cannot change; null for a dimension the user may bind. */
  readonly fixed: number | null;
  /** The dimension's symbol (`H`), the field's placeholder; `d<i>` when the model names none. */
  readonly symbol: string;
  /**
   * Whether `symbol` is the model's name for the size (a dim_param): ONNX gives one name one
   * size across all inputs, so named dimensions are bound per symbol; unnamed ones per dimension.
   */
  readonly named: boolean;
  /** The bound size as text, or '' when unbound. */
  readonly value: string;
  /** Accessible name: `x dimension 2 (H)`. */
  readonly label: string;
}

export interface InputFields {
  readonly name: string;
  /** Null when the model declares no shape for the input: nothing to bind per dimension. */
  readonly dims: readonly DimField[] | null;
}

const SYMBOL = /^[A-Za-z_][\w.]*$/;

const splitBinding = (text: string): string[] =>
  text === 'scalar' ? [] : text.split(/[x,]/).map((d) => d.trim());

/**
 * The fields of every input. A dimension is editable when the declared shape leaves it symbolic;
 * when the declared shape is unknown (a project opened already bound), every dimension of a
 * bound input is, since which ones were symbolic cannot be told any more.
 */
export function inputFields(
  summary: ModelSummaryView,
  bound: Readonly<Record<string, string>>,
  declaredInputs: ModelSummaryView['declaredInputShapes'] | null,
): InputFields[] {
  return summary.inputs.map((input) => {
    const binding = bound[input.name];
    const parts = binding === undefined ? null : splitBinding(binding);
    const declaredShape = declaredInputs?.[input.name];
    const fromDeclared = declaredShape !== undefined;
    const shape = fromDeclared ? declaredShape : input.shape;
    if (shape === null) return { name: input.name, dims: null };
    const dims = shape.map((dim: Dim, index): DimField => {
      const part = parts?.[index];
      const editable = typeof dim !== 'number' || (!fromDeclared && parts !== null);
      const declaredName = typeof dim === 'string' && SYMBOL.test(dim) ? dim : null;
      const boundName = part !== undefined && SYMBOL.test(part) ? part : null;
      const name = declaredName ?? boundName;
      // `d<i>` is what an emptied unnamed field is written back as: not the model's name.
      const named = name !== null && (declaredName !== null || !/^d\d+$/.test(name));
      const symbol = name ?? `d${index}`;
      const value = part !== undefined && /^\d+$/.test(part) ? part : '';
      return {
        index,
        fixed: editable ? null : (dim as number),
        symbol,
        named: named && editable,
        value,
        label: `${input.name} dimension ${index} (${symbol})`,
      };
    });
    return { name: input.name, dims };
  });
}

export type BindingsResult =
  | { readonly ok: true; readonly inputs: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly error: StudioError };

/**
 * The bindings the fields make, with `drafts` (field label → text) over the fields' values. An
 * input whose editable dimensions are all empty is left unbound; an empty dimension of a bound
 * input stays symbolic.
 */
export function bindingsFromFields(
  fields: readonly InputFields[],
  drafts: Readonly<Record<string, string>>,
): BindingsResult {
  const inputs: Record<string, string> = {};
  for (const input of fields) {
    if (input.dims === null) continue;
    const parts: string[] = [];
    let anyBound = false;
    for (const dim of input.dims) {
      if (dim.fixed !== null) {
        parts.push(String(dim.fixed));
        continue;
      }
      const text = (drafts[dim.label] ?? dim.value).trim();
      if (text === '') {
        // The binding splits dimensions at `x`: a symbol holding one would be cut in two.
        parts.push(dim.symbol.includes('x') ? `d${dim.index}` : dim.symbol);
        continue;
      }
      if (!/^\d+$/.test(text) || Number(text) < 1) {
        return {
          ok: false,
          error: {
            code: 'BAD_INPUT_BINDING',
            message: `${dim.label}: "${text}" is not a size. Write a whole number of at least 1, or leave it empty to keep ${dim.symbol} symbolic.`,
          },
        };
      }
      parts.push(String(Number(text)));
      anyBound = true;
    }
    if (anyBound) inputs[input.name] = parts.length === 0 ? 'scalar' : parts.join('x');
  }
  return { ok: true, inputs };
}

/** One field per named symbol: typing its size binds every input dimension the model names so. */
export interface SymbolField {
  /** The model's name for the size (`past_sequence_length`), also the field's accessible name. */
  readonly symbol: string;
  /** The bound size as text (the first input dimension using the symbol that has one), or ''. */
  readonly value: string;
  /** How many input dimensions use the symbol, over how many inputs. */
  readonly uses: number;
  readonly inputs: number;
}

/** The named symbols of the inputs, in the order they first appear. */
export function symbolFields(fields: readonly InputFields[]): SymbolField[] {
  const found = new Map<string, { value: string; uses: number; inputs: Set<string> }>();
  for (const input of fields) {
    for (const dim of input.dims ?? []) {
      if (dim.fixed !== null || !dim.named) continue;
      const entry = found.get(dim.symbol) ?? { value: '', uses: 0, inputs: new Set<string>() };
      if (entry.value === '') entry.value = dim.value;
      entry.uses++;
      entry.inputs.add(input.name);
      found.set(dim.symbol, entry);
    }
  }
  return [...found].map(([symbol, e]) => ({ symbol, value: e.value, uses: e.uses, inputs: e.inputs.size }));
}

/** What the user typed and has not applied: per symbol, and per unnamed dimension (by label). */
export interface BindingDrafts {
  readonly symbols: Readonly<Record<string, string>>;
  readonly dims: Readonly<Record<string, string>>;
  /** Per input name, a value typed for it (`16000`); '' removes the value. */
  readonly values?: Readonly<Record<string, string>>;
}

export const NO_DRAFTS: BindingDrafts = { symbols: {}, dims: {} };

export const hasDrafts = (drafts: BindingDrafts): boolean =>
  Object.keys(drafts.symbols).length +
    Object.keys(drafts.dims).length +
    Object.keys(drafts.values ?? {}).length >
  0;

/** Most elements an input may hold to be offered a value field: scalars and short vectors. */
export const VALUE_FIELD_MAX_ELEMENTS = 16;

/**
 * The inputs offered a value field: number inputs of fixed, small shape (a sample rate, a step
 * count, a flag) and any input that has a value already. Images and token batches are data.
 */
export function valueInputs(
  summary: ModelSummaryView,
  values: Readonly<Record<string, string>>,
): ReadonlySet<string> {
  const names = new Set<string>();
  for (const input of summary.inputs) {
    const declared = summary.declaredInputShapes[input.name] ?? input.shape;
    const count = declared?.every((d) => typeof d === 'number')
      ? declared.reduce<number>((n, d) => n * (d as number), 1)
      : Number.POSITIVE_INFINITY;
    const numeric = /^(u?int\d+|float(16)?|double|bool|bfloat16)$/.test(input.dtype);
    if ((numeric && count <= VALUE_FIELD_MAX_ELEMENTS) || values[input.name] !== undefined)
      names.add(input.name);
  }
  return names;
}

/**
 * The input values the fields make: the design's, with typed ones over them; an emptied field
 * removes its input's value. Their syntax is checked by the analysis (BAD_INPUT_BINDING).
 */
export function valuesFromDrafts(
  current: Readonly<Record<string, string>>,
  drafts: BindingDrafts,
): Readonly<Record<string, string>> {
  const typed = drafts.values ?? {};
  const names = new Set([...Object.keys(current), ...Object.keys(typed)]);
  const values: Record<string, string> = {};
  for (const name of names) {
    const text = (typed[name] ?? current[name] ?? '').trim();
    if (text !== '') values[name] = text;
  }
  return values;
}

/**
 * The bindings the per-symbol and per-dimension fields make: a symbol's size (typed, or as
 * shown) goes to every input dimension named so, which is how ONNX reads a shared dim_param.
 */
export function bindingsFromDrafts(fields: readonly InputFields[], drafts: BindingDrafts): BindingsResult {
  const bySymbol = new Map(symbolFields(fields).map((f) => [f.symbol, drafts.symbols[f.symbol] ?? f.value]));
  for (const [symbol, text] of bySymbol) {
    const size = text.trim();
    if (size !== '' && (!/^\d+$/.test(size) || Number(size) < 1)) {
      return {
        ok: false,
        error: {
          code: 'BAD_INPUT_BINDING',
          message: `${quoteName(symbol)}: ${quoteName(size, 20)} is not a size. Write a whole number of at least 1, or leave it empty to keep ${plainName(symbol)} symbolic.`,
        },
      };
    }
  }
  const perDim: Record<string, string> = { ...drafts.dims };
  for (const input of fields) {
    for (const dim of input.dims ?? []) {
      const text = dim.fixed === null && dim.named ? bySymbol.get(dim.symbol) : undefined;
      if (text !== undefined) perDim[dim.label] = text;
    }
  }
  return bindingsFromFields(fields, perDim);
}

/** Above this many inputs the header shows the symbols and a one-line summary of the inputs. */
export const COMPACT_INPUTS_ABOVE = 3;

/** Why the totals are marked `~`, one reason a line; empty when they are exact. */
export function approximationReasons(view: ModelView): string[] {
  const { summary } = view;
  if (summary.totals.exact) return [];
  const reasons: string[] = [];
  for (const input of summary.inputs) {
    if (input.shape === null) reasons.push(`Input ${input.name} declares no shape.`);
    else {
      const open = input.shape.filter((d) => typeof d !== 'number').map((d) => d ?? '?');
      if (open.length > 0) {
        reasons.push(
          `Input ${input.name} has unbound dimensions (${open.join(', ')}): bind them in the header.`,
        );
      }
    }
  }
  const undecided = summary.undecidedBranches ?? [];
  if (undecided.length > 0) {
    const shown =
      undecided.slice(0, 3).join(', ') + (undecided.length > 3 ? ` and ${undecided.length - 3} more` : '');
    reasons.push(
      `The condition of ${shown} depends on data: costed on the larger branch. Give the inputs it depends on a value in the header.`,
    );
  }
  if (summary.unknownOperators.length > 0) {
    reasons.push(`Operators Cutline cannot cost: ${summary.unknownOperators.join(', ')} (counted as 0).`);
  }
  if (summary.shapeErrors.length > 0) {
    reasons.push(`${summary.shapeErrors.length} layer(s) whose shapes could not be inferred.`);
  }
  const estimated = view.layers.filter(
    (l) => l.within === undefined && (!l.exact.compute || !l.exact.params),
  );
  if (estimated.length > 0) {
    const ops = [...new Set(estimated.map((l) => l.op))].sort();
    reasons.push(
      `${estimated.length} layer(s) whose cost is an estimate (${ops.join(', ')}: no exact MAC count for the operator, or sizes known only at run time).`,
    );
  }
  return reasons;
}

/**
 * The one-line notice beside the design's figures when they rest on assumptions: the input sizes
 * left unbound (counted as 1) and the If nodes whose branch depends on data; null when none.
 */
export function assumptionNotice(view: ModelView): string | null {
  const parts = assumptionNoticeParts(view);
  return parts.length > 0 ? `Estimates: ${parts.join('; ')}` : null;
}

/**
 * The notice's phrases ("batch unbound: assumed 1", "by_rate's branch undecided: the larger
 * costed"), for a notice that wraps between them rather than inside one; empty when none.
 */
export function assumptionNoticeParts(view: ModelView): string[] {
  const unbound = new Set<string>();
  for (const input of view.summary.inputs) {
    for (const d of input.shape ?? []) if (typeof d !== 'number') unbound.add(d ?? '?');
  }
  const parts: string[] = [];
  if (unbound.size > 0) {
    const names = [...unbound].slice(0, 4).join(', ') + (unbound.size > 4 ? ', …' : '');
    parts.push(`${names} unbound: assumed 1`);
  }
  const undecided = view.summary.undecidedBranches ?? [];
  if (undecided.length > 0) {
    parts.push(
      `${undecided.length === 1 ? `${undecided[0]!}'s branch` : `${undecided.length} If branches`} undecided: the larger costed`,
    );
  }
  return parts;
}
