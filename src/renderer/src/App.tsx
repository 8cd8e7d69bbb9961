/** Placeholder window until the management UI lands (issue: management service). */
export function App() {
  return <h1>Rebalance Desk</h1>;
}
