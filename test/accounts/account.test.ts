import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { PASSWORD, signUp, uniqueEmail } from "../support/accounts.js";

const PLAN_FIELDS = ["auto_retry", "bjs_processes", "bots_limit", "broadcasts", "command_timeout_s", "id", "iterations_per_month", "name", "price_usd", "web_processes"];

describe.each(engines())("user account on %s", (engine) => {
  const t = usePlatform(engine, { FREE_PLAN_ITERATIONS: "5000", FREE_PLAN_BOTS: "3", FREE_PLAN_COMMAND_TIMEOUT_S: "7", FREE_PLAN_BROADCASTS: "false" });

  it("updates the email with the current password, and refuses without it or to a taken one", async () => {
    const me = await signUp(t.app);
    const taken = await signUp(t.app);
    const url = `/v2/user/email?api_key=${me.apiKey}`;
    const fresh = uniqueEmail("fresh");
    const cases: [object, number, object?][] = [
      [{ email: fresh }, 422, { errors: ["Current password can't be blank"] }],
      [{ email: fresh, current_password: "nope nope" }, 422, { errors: ["Current password is invalid"] }],
      [{ email: taken.email, current_password: PASSWORD }, 422, { errors: ["Email has already been taken"] }],
      [{ email: "broken", current_password: PASSWORD }, 422, { errors: ["Email is not an email"] }],
      [{ email: "telegram-7@users.botyard.invalid", current_password: PASSWORD }, 422, { errors: ["Email is at a .invalid domain, which receives no mail"] }],
    ];
    for (const [payload, status, body] of cases) {
      const response = await t.app.inject({ method: "POST", url, payload });
      expect(response.statusCode).toBe(status);
      expect(response.json()).toEqual(body);
    }
    const ok = await t.app.inject({ method: "POST", url, payload: { email: fresh.toUpperCase(), current_password: PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().email).toBe(fresh);
    expect((await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email: fresh, password: PASSWORD } })).statusCode).toBe(200);
  });

  it("turns ads off and on", async () => {
    const { apiKey } = await signUp(t.app);
    const off = await t.app.inject({ method: "POST", url: `/v2/user/ads?api_key=${apiKey}`, payload: { enabled: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json().ads_enabled).toBe(false);
    expect((await t.app.inject({ method: "GET", url: `/v2/user?api_key=${apiKey}` })).json().ads_enabled).toBe(false);
    const bad = await t.app.inject({ method: "POST", url: `/v2/user/ads?api_key=${apiKey}`, payload: { enabled: "maybe" } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toEqual({ errors: ["Enabled must be true or false"] });
  });

  it("answers the payment plan with the free plan's limits from configuration", async () => {
    const { apiKey } = await signUp(t.app);
    const response = await t.app.inject({ method: "GET", url: `/v2/user/payment_plan?api_key=${apiKey}` });
    expect(response.statusCode).toBe(200);
    const plan = response.json();
    expect(Object.keys(plan).sort()).toEqual(PLAN_FIELDS);
    expect(plan).toMatchObject({ name: "free", price_usd: 0, iterations_per_month: 5000, bots_limit: 3, command_timeout_s: 7, broadcasts: false });
  });

  it("lists the cloud plans without authentication, free first", async () => {
    const response = await t.app.inject({ method: "GET", url: "/v2/cloud_plans" });
    expect(response.statusCode).toBe(200);
    const plans = response.json();
    expect(plans.map((p: { name: string }) => p.name)).toEqual(["free", "Hobby", "Nano", "Mini", "Start", "PRO", "Business", "BigBusiness"]);
    for (const plan of plans) expect(Object.keys(plan).sort()).toEqual(PLAN_FIELDS);
    expect(plans[1]).toMatchObject({ price_usd: 22, iterations_per_month: 1_000_000, broadcasts: false, auto_retry: false });
  });

  it("reports iteration usage from the counter table, this month only", async () => {
    const { apiKey, id } = await signUp(t.app);
    const empty = (await t.app.inject({ method: "GET", url: `/v2/user/iterations?api_key=${apiKey}` })).json();
    expect(empty).toEqual({
      limit: 5000,
      used: 0,
      extra_points: 0,
      period_started_at: "2026-01-01T00:00:00.000Z",
      renews_at: "2026-02-01T00:00:00.000Z",
      bots: [],
    });
    await t.platform.iterations.add(id, 11, 3);
    await t.platform.iterations.add(id, 11, 2);
    await t.platform.iterations.add(id, 12, 7);
    const used = (await t.app.inject({ method: "GET", url: `/v2/user/iterations?api_key=${apiKey}` })).json();
    expect(used.used).toBe(12);
    expect(used.bots.map(({ bot_id, used }: { bot_id: number; used: number }) => ({ bot_id, used }))).toEqual([
      { bot_id: 11, used: 5 },
      { bot_id: 12, used: 7 },
    ]);
    t.clock.advance(31 * 24 * 3600 * 1000);
    const nextMonth = (await t.app.inject({ method: "GET", url: `/v2/user/iterations?api_key=${apiKey}` })).json();
    expect(nextMonth.used).toBe(0);
    expect(nextMonth.period_started_at).toBe("2026-02-01T00:00:00.000Z");
  });

  it("paginates linked accounts with X-Total-Count and Link", async () => {
    const { apiKey, id } = await signUp(t.app);
    for (let n = 1; n <= 3; n++) await t.platform.telegramLogin.link(id, { id: 9100 + n, first_name: `T${n}` });
    const page = await t.app.inject({ method: "GET", url: `/v2/user/linked_accounts?api_key=${apiKey}&page=2&per_page=2` });
    expect(page.statusCode).toBe(200);
    expect(page.json().map((a: { telegramid: number }) => a.telegramid)).toEqual([9103]);
    expect(page.headers["x-total-count"]).toBe("3");
    expect(page.headers.link).toBe(
      '</v2/user/linked_accounts?page=1&per_page=2>; rel="first", </v2/user/linked_accounts?page=1&per_page=2>; rel="prev", </v2/user/linked_accounts?page=2&per_page=2>; rel="last"',
    );
    const past = await t.app.inject({ method: "GET", url: `/v2/user/linked_accounts?api_key=${apiKey}&page=9` });
    expect(past.json()).toEqual([]);
    const bad = await t.app.inject({ method: "GET", url: `/v2/user/linked_accounts?api_key=${apiKey}&per_page=500` });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toEqual({ errors: ["Per page must be less than or equal to 200"] });
  });
});
