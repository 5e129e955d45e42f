/**
 * Queries across an element's shadow tree and the shadow trees nested in it
 * (the widget's panel and call view are elements of their own).
 * @module
 */

/** Every element matching `selector` in `el`'s shadow tree and the shadow trees inside it, in document order. */
export function deepAll(el: Element, selector: string): Element[] {
  const found: Element[] = [];
  const walk = (root: ShadowRoot | Element) => {
    for (const node of root.querySelectorAll("*")) {
      if (node.matches(selector)) found.push(node);
      if (node.shadowRoot) walk(node.shadowRoot);
    }
  };
  if (el.shadowRoot) walk(el.shadowRoot);
  return found;
}

/** The first element matching `selector` in `el`'s shadow trees, or null. */
export function deep(el: Element, selector: string): Element | null {
  return deepAll(el, selector)[0] ?? null;
}
