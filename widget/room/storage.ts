/**
 * Web Storage that never throws: where storage is denied (private modes,
 * sandboxed iframes) or absent (SSR), values live in memory for the life of
 * the page instead.
 * @module
 */

/** A string store with a memory fallback. */
export interface SafeStorage {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

function safe(pick: () => Storage | undefined): SafeStorage {
  const memory = new Map<string, string>();
  const store = (): Storage | undefined => {
    try {
      return pick(); // access itself throws when denied
    } catch {
      return undefined;
    }
  };
  return {
    get(key) {
      try {
        const s = store();
        if (s) return s.getItem(key);
      } catch {
        // denied
      }
      return memory.get(key) ?? null;
    },
    set(key, value) {
      memory.set(key, value);
      try {
        store()?.setItem(key, value);
      } catch {
        // denied or full: the memory copy serves this page
      }
    },
    remove(key) {
      memory.delete(key);
      try {
        store()?.removeItem(key);
      } catch {
        // denied
      }
    },
  };
}

/** Per tab: resume tokens, the dashboard's sign-in. */
export const session = safe(() => globalThis.sessionStorage);
/** Per browser: the visitor's conversation token. */
export const local = safe(() => globalThis.localStorage);
