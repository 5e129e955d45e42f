/**
 * String tables and date formats for what loads after the launcher (the
 * panel, the dashboard, the meeting): apart from `strings.ts`, which the
 * launcher's first load holds, so bundlers that keep a shared module whole
 * do not add these to it. See `strings.ts` for how the elements localise.
 * @module
 */

/** The formats made so far, by their options (made on first use, so a page that shows no date pays nothing). */
let formats: Map<string, Intl.DateTimeFormat> | undefined;

/**
 * The `Intl.DateTimeFormat` of the browser's locale for `options`, made once:
 * making one costs far more than formatting with it (tens of ms on a busy
 * machine), and a render of the dashboard formats the time of every message
 * shown.
 * @throws RangeError for a time zone the browser does not know
 */
export function dateFormat(options: Intl.DateTimeFormatOptions = {}): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  formats ??= new Map();
  let made = formats.get(key);
  if (!made) formats.set(key, (made = new Intl.DateTimeFormat(undefined, options)));
  return made;
}

/**
 * A string table: `defaults` with an element's overrides on top, merged once
 * per overrides object rather than on every read (a render reads it once per
 * item, and a long inbox has hundreds). A new `strings` value is a new object,
 * so the table follows it.
 */
export function stringTable<T extends object>(defaults: T): (overrides: Partial<T>) => T {
  let from: Partial<T> | undefined;
  let table = defaults;
  return (overrides) => {
    if (overrides !== from) {
      from = overrides;
      table = { ...defaults, ...overrides };
    }
    return table;
  };
}
