import Contact from "./contact.js";

export default function Home() {
  return (
    <main>
      <h1>A Next.js site</h1>
      <Contact />
    </main>
  );
}
