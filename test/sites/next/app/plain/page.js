// The same site's page without the widget: what Next.js itself loads.
export default function Plain() {
  return (
    <main>
      <h1>A Next.js site</h1>
    </main>
  );
}
