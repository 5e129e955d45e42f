/**
 * How both elements localise: each has a table of default strings (in its
 * folder: `contact-me/contact-me.strings.ts`, `contact-me-host/contact-me-host.strings.ts`,
 * and the call view's `call/call.strings.ts` and the room's refusals in
 * `room/errors.ts`), and a `strings` property (as an attribute: JSON) whose
 * keys override them. A string may hold placeholders in braces (`{n}`,
 * `{name}`), filled by {@link format}. Problems found in the code (a blocked
 * camera, a refusal from the room) travel as keys ({@link Problem}) and become
 * text only when rendered, so overrides apply to them too.
 * @module
 */

/** Fill `{placeholders}` in `template` from `params`; unknown ones stay as written. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * Lit converter for a `strings` attribute: a JSON object of overrides.
 * Anything else is ignored, with a warning, and the defaults stay.
 */
export const stringsConverter = {
  fromAttribute(value: string | null): Record<string, string> {
    if (!value) return {};
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, string>;
    } catch {
      // Reported below.
    }
    console.warn("contact-me: the strings attribute is not a JSON object; using the defaults");
    return {};
  },
};

/**
 * Something to tell the person, as a string key and the values of its
 * placeholders: e.g. `{key: "deviceError", params: {name: "NotReadableError"}}`.
 */
export interface Problem<K extends string = string> {
  key: K;
  params?: Record<string, string | number>;
}

/** The text of a {@link Problem} in the strings `s` (defaults plus overrides). */
export function problemText<S extends Record<string, string>>(problem: Problem<keyof S & string>, s: S): string {
  return format(s[problem.key] ?? problem.key, problem.params);
}
