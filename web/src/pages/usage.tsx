import { call, type Answer } from "../api/client";
import { Failure } from "../components/failure";
import { useLoad } from "../lib/use-load";
import type { Page } from "../pages";

type Usage = Answer<"GET /v2/user/iterations">;

/** Iterations used this period against the plan's, and a chart of what each bot used. */
function UsagePage() {
  const usage = useLoad(() => call("GET /v2/user/iterations"), []);
  if (!usage.data) return <Failure error={usage.error} />;
  const { used, limit, extra_points, renews_at } = usage.data;
  const total = limit + extra_points;
  return (
    <>
      <h1>Iteration usage</h1>
      <div class="card">
        <p>
          <strong>{used.toLocaleString()}</strong> of {total.toLocaleString()} iterations used{extra_points ? ` (${extra_points.toLocaleString()} extra)` : ""}; renews {new Date(renews_at).toLocaleDateString()}.
        </p>
        <div class="meter" role="meter" aria-label="Iterations used" aria-valuemin={0} aria-valuemax={total} aria-valuenow={used}>
          <span style={{ width: `${Math.min(100, total ? (used / total) * 100 : 0)}%` }} />
        </div>
      </div>
      <div class="card">
        <h2>By bot</h2>
        {usage.data.bots.length === 0 ? <p class="muted">No bot has run yet this period.</p> : <BotChart bots={usage.data.bots} />}
      </div>
    </>
  );
}

/** Horizontal bars, one per bot, scaled to the busiest. */
function BotChart(props: { bots: Usage["bots"] }) {
  const bots = [...props.bots].sort((a, b) => b.used - a.used);
  const most = Math.max(1, ...bots.map((bot) => bot.used));
  const rowHeight = 28;
  return (
    <svg class="chart" viewBox={`0 0 600 ${bots.length * rowHeight}`} role="img" aria-label="Iterations by bot">
      {bots.map((bot, index) => {
        const y = index * rowHeight;
        const width = Math.max(2, (bot.used / most) * 330);
        return (
          <g key={bot.bot_id}>
            <text x="0" y={y + 18}>{(bot.name ?? `Bot ${bot.bot_id}`).slice(0, 24)}</text>
            <rect class="bar" x="190" y={y + 6} width={width} height="16" rx="3" />
            <text x={196 + width} y={y + 18}>{bot.used.toLocaleString()}</text>
          </g>
        );
      })}
    </svg>
  );
}

export const page: Page = { path: "/usage", title: "Usage", nav: "main", order: 3, component: UsagePage };
