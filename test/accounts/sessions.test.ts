import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { PASSWORD, sessionHeaders, signUp } from "../support/accounts.js";

describe.each(engines())("session tokens on %s", (engine) => {
  // Many sign-ins from one address: lift the brute-force limit, tested on its own elsewhere.
  const t = usePlatform(engine, { AUTH_LIMIT_PER_EMAIL: "100", AUTH_LIMIT_PER_IP: "100" });
  const getUser = (headers: Record<string, string>) => t.app.inject({ method: "GET", url: "/v2/user", headers });
  const signIn = (email: string) => t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email, password: PASSWORD } });

  it("accepts the headers in any case, and `uuid` for `uid` as the reference spells it", async () => {
    const { headers, email } = await signUp(t.app);
    const shouted = { "Access-Token": headers["access-token"]!, Client: headers.client!, Uuid: headers.uid! };
    const response = await getUser(shouted);
    expect(response.statusCode).toBe(200);
    expect(response.json().email).toBe(email);
  });

  it("carries an email past ASCII in uid percent-encoded, and takes it back so or as the email", async () => {
    for (const email of ["Āda.%@example.com", "jürgen@example.com"]) {
      const signedUp = await t.app.inject({ method: "POST", url: "/v2/auth", payload: { email, password: PASSWORD } });
      expect(signedUp.statusCode, signedUp.body).toBe(200);
      const headers = sessionHeaders(signedUp);
      expect(headers.uid).toBe(encodeURIComponent(email.toLowerCase()).replace(/%40/, "@"));
      const response = await getUser(headers);
      expect(response.statusCode).toBe(200);
      expect(response.json().email).toBe(email.toLowerCase());
      // The email itself still works as uid, where a client can send it.
      expect((await t.platform.sessions.check({ client: headers.client!, accessToken: headers["access-token"]!, uid: email }, async () => email.toLowerCase()))?.userId).toBe(response.json().id);
    }
  });

  it("echoes the token inside the batch window, then rotates it; the old one dies after the window", async () => {
    const { headers } = await signUp(t.app);
    const inWindow = await getUser(headers);
    expect(inWindow.statusCode).toBe(200);
    expect(inWindow.headers["access-token"]).toBe(headers["access-token"]);

    t.clock.advance(6_000);
    const rotated = await getUser(headers);
    expect(rotated.statusCode).toBe(200);
    const fresh = sessionHeaders(rotated);
    expect(fresh["access-token"]).not.toBe(headers["access-token"]);
    expect(fresh.client).toBe(headers.client);

    // A request that left with the old token at the same moment still passes...
    t.clock.advance(4_000);
    const parallel = await getUser(headers);
    expect(parallel.statusCode).toBe(200);
    expect(parallel.headers["access-token"]).toBeUndefined();

    // ...but not once the window is over; the new token goes on working.
    t.clock.advance(1_001);
    expect((await getUser(headers)).statusCode).toBe(401);
    expect((await getUser(fresh)).statusCode).toBe(200);
  });

  it("lets parallel requests with the same token all pass", async () => {
    const { headers } = await signUp(t.app);
    t.clock.advance(6_000);
    const responses = await Promise.all(Array.from({ length: 8 }, () => getUser(headers)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    const handedOut = new Set(responses.map((r) => r.headers["access-token"]).filter(Boolean));
    expect(handedOut.size).toBe(1);
    const [token] = handedOut;
    t.clock.advance(10_000);
    expect((await getUser({ ...headers, "access-token": String(token) })).statusCode).toBe(200);
  });

  it("refuses a token of another client, a wrong uid, and an expired session", async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    expect((await getUser({ ...a.headers, client: b.headers.client! })).statusCode).toBe(401);
    expect((await getUser({ ...a.headers, uid: b.email })).statusCode).toBe(401);
    t.clock.advance(14 * 24 * 3600 * 1000 + 1);
    expect((await getUser(a.headers)).statusCode).toBe(401);
  });

  it("keeps at most 10 clients: the 11th evicts the oldest", async () => {
    const { email, headers: oldest } = await signUp(t.app);
    const later = [];
    for (let i = 0; i < 9; i++) {
      t.clock.advance(1);
      later.push(sessionHeaders(await signIn(email)));
    }
    expect((await getUser(oldest)).statusCode).toBe(200);
    t.clock.advance(1);
    const eleventh = sessionHeaders(await signIn(email));
    expect((await getUser(oldest)).statusCode).toBe(401);
    const clients = (await t.app.inject({ method: "GET", url: "/v2/user/tokens", headers: eleventh })).json();
    expect(clients.sort()).toEqual([...later.map((h) => h.client), eleventh.client].sort());
    // A list like any other: paged, with its headers.
    const second = await t.app.inject({ method: "GET", url: "/v2/user/tokens?page=2&per_page=4", headers: eleventh });
    expect(second.json()).toHaveLength(4);
    expect(second.headers["x-total-count"]).toBe("10");
    expect((await t.app.inject({ method: "GET", url: "/v2/user/tokens?page=4&per_page=4", headers: eleventh })).json()).toEqual([]);
  });

  it("stores only hashes of tokens", async () => {
    const { headers, id } = await signUp(t.app);
    const rows = await t.platform.database.db.selectFrom("sessions").selectAll().where("user_id", "=", id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(headers["access-token"]);
  });

  it("lists session clients and logs out every device, leaving the api key working", async () => {
    const { email, apiKey, headers } = await signUp(t.app);
    const second = sessionHeaders(await signIn(email));
    const list = await t.app.inject({ method: "GET", url: `/v2/user/tokens?api_key=${apiKey}` });
    expect(list.json().sort()).toEqual([headers.client, second.client].sort());
    const out = await t.app.inject({ method: "DELETE", url: `/v2/user/tokens?api_key=${apiKey}` });
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ message: expect.any(String) });
    expect((await getUser(headers)).statusCode).toBe(401);
    expect((await getUser(second)).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: `/v2/user?api_key=${apiKey}` })).statusCode).toBe(200);
  });

  it("changing the password signs out the other sessions but keeps the one that changed it", async () => {
    const { email, headers } = await signUp(t.app);
    const other = sessionHeaders(await signIn(email));
    const wrong = await t.app.inject({
      method: "PUT",
      url: "/v2/user/password",
      headers,
      payload: { current_password: "not it at all", password: "a brand new password" },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toEqual({ errors: ["Current password is invalid"] });

    const changed = await t.app.inject({
      method: "PUT",
      url: "/v2/user/password",
      headers,
      payload: { current_password: PASSWORD, password: "a brand new password", password_confirmation: "a brand new password" },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ message: expect.any(String) });
    expect((await getUser(other)).statusCode).toBe(401);
    expect((await getUser(headers)).statusCode).toBe(200);
    expect((await signIn(email)).statusCode).toBe(401);
    expect((await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email, password: "a brand new password" } })).statusCode).toBe(200);
  });

  it("refuses a password change without authentication or reset token", async () => {
    const response = await t.app.inject({ method: "PUT", url: "/v2/user/password", payload: { password: "whatever123" } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ errors: ["You need to sign in or sign up before continuing."] });
  });
});
