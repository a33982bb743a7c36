import type { StateValue, StateValues } from '../schemas.ts';

// Reading a submitted modal (`view.state.values[block][action]`, checked at the edge in
// src/bot/schemas.ts) by input block: each input block holds one element.

/** The one element's state of an input block. */
export const stateOf = (values: StateValues, block: string): StateValue | undefined => Object.values(values[block] ?? {})[0];

/** A text input's value, or undefined when empty. */
export function textValue(values: StateValues, block: string): string | undefined {
  const v = stateOf(values, block)?.value;
  return typeof v === 'string' && v.trim() ? v : undefined;
}

/** A select's chosen value, or undefined. */
export function selectedValue(values: StateValues, block: string): string | undefined {
  const v = stateOf(values, block)?.selected_option?.value;
  return typeof v === 'string' && v ? v : undefined;
}

/** A select's chosen id, or undefined when nothing (or not an id) was chosen. */
export function selectedId(values: StateValues, block: string): number | undefined {
  const v = selectedValue(values, block);
  return v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : undefined;
}

/** Is any box of a checkboxes input ticked? */
export const isChecked = (values: StateValues, block: string): boolean => (stateOf(values, block)?.selected_options ?? []).length > 0;

/** A number typed in a number or text input: NaN when it is not one (the domain then says "must be a number"). */
export function numberValue(values: StateValues, block: string): number | undefined {
  const v = textValue(values, block);
  return v === undefined ? undefined : /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
}
