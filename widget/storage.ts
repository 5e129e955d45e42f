/**
 * `sessionStorage` that never throws: where storage is denied (private
 * modes, sandboxed iframes) or absent (SSR), reads find nothing and writes
 * are dropped, and the widget works for the life of the page.
 * @module
 */
function store(): Storage | undefined {
  try {
    return globalThis.sessionStorage;
  } catch {
    return undefined; // access itself throws when denied
  }
}

export const session = {
  get(key: string): string | null {
    try {
      return store()?.getItem(key) ?? null;
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      store()?.setItem(key, value);
    } catch {
      // denied or full
    }
  },
  remove(key: string): void {
    try {
      store()?.removeItem(key);
    } catch {
      // denied
    }
  },
};
