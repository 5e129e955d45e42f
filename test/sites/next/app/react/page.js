// The widget through the React component of `contact-me/react`.
import Contact from "./contact.js";

export default function WithReactComponent() {
  return (
    <main>
      <h1>A Next.js site</h1>
      <Contact />
    </main>
  );
}
