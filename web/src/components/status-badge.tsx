const labels: Record<string, string> = {
  works: "Running",
  stopped: "Stopped",
  start_launch: "Starting…",
  start_stopping: "Stopping…",
  error: "Error",
};

/** A bot's status as a coloured label. */
export function StatusBadge(props: { status: string }) {
  return <span class={`badge status-${props.status}`}>{labels[props.status] ?? props.status}</span>;
}
