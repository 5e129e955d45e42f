// The owner's page: the dashboard, loaded here only.
import Dashboard from "./dashboard.js";

export default function Host() {
  return <Dashboard />;
}
