// The one table of options: a row per option with its type, default, range or pattern, a line of
// description, and where it goes (the daemon's Configuration, the wrapper, or nowhere). options.ts
// validates and resolves with it; the table in docs/configuration.md and the .properties loader read it too.
import type { OptionRow } from './option-row.js';
import { KPL_DAEMON_OPTIONS } from './options-kpl-daemon.js';
import { KPL_WRAPPER_OPTIONS } from './options-kpl-wrapper.js';
import { OWN_OPTIONS } from './options-own.js';

export {
  type ConfigInit,
  type Destination,
  HOST_PATTERN,
  type OptionRow,
  type OptionType,
  SAFE_MAX,
} from './option-row.js';

const ROWS = [...KPL_DAEMON_OPTIONS, ...KPL_WRAPPER_OPTIONS, ...OWN_OPTIONS] as const;

export const OPTION_TABLE: readonly OptionRow[] = ROWS;
export type OptionName = (typeof ROWS)[number]['name'];
/** The options that reach WrapperSettings, by the table. */
export type WrapperOptionName = Extract<
  (typeof ROWS)[number],
  { goesTo: 'wrapper' | 'both' }
>['name'];
