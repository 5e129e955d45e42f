/**
 * Guarded custom-element registration: defining twice (the script tag loaded
 * twice, or the script plus the npm package) is a no-op, and importing where
 * there is no `customElements` (SSR in Node) does nothing.
 */
export function define(name: string, element: CustomElementConstructor): void {
  const registry = globalThis.customElements;
  if (registry && !registry.get(name)) registry.define(name, element);
}
