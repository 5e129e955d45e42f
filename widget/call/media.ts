/**
 * Lit directive-free helper: keep a media element's `srcObject` in sync.
 * Used from `updated()`, never during render (SSR renders no streams).
 */
export function attachStream(element: HTMLMediaElement | null | undefined, stream: MediaStream | undefined): void {
  if (!element) return;
  if (element.srcObject !== (stream ?? null)) element.srcObject = stream ?? null;
}
