import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePlatform } from "../support/platform.js";

const root = resolve(import.meta.dirname, "../..");
type JsonObject = { [key: string]: any };

describe("the OpenAPI document", () => {
  const t = usePlatform("sqlite");
  const folder = mkdtempSync(join(tmpdir(), "botyard-openapi-"));
  let doc: JsonObject;
  const operations = () =>
    Object.entries<JsonObject>(doc.paths).flatMap(([path, item]) => Object.entries<JsonObject>(item).map(([method, operation]) => ({ path, method, operation })));
  beforeAll(async () => {
    doc = (await t.app.inject({ method: "GET", url: "/v2/openapi.json" })).json();
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("passes Redocly's linter with the repository's rules: no error, no warning", async () => {
    const file = join(folder, "openapi.json");
    writeFileSync(file, JSON.stringify(doc));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, "node_modules/@redocly/cli/bin/cli.js"), "lint", file, "--config", join(root, "redocly.yaml"), "--format=json"],
      // The linter runs offline: no telemetry, no update check.
      { env: { PATH: process.env.PATH, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" }, maxBuffer: 16 * 1024 * 1024 },
    ).catch((failure: { stdout: string }) => failure);
    const report = JSON.parse(stdout.slice(stdout.indexOf("{")));
    const problems = report.problems.map((p: JsonObject) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it("names every operation, uniquely", () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/v2/bots/{id}"].get.operationId).toBe("getSingleBot");
  });

  it("asks for no credentials on public routes, and for an api key or the three session headers elsewhere", () => {
    for (const path of ["/v2/auth/sign_in", "/v2/auth", "/v2/cloud_plans", "/v2/user/reset_password"]) {
      const [operation] = Object.values<JsonObject>(doc.paths[path]);
      expect(operation!.security, path).toEqual([]);
    }
    expect(doc.paths["/v2/bots"].get.security).toEqual([{ apiKey: [] }, { accessToken: [], client: [], uid: [] }]);
    expect(doc.paths["/v2/user/password"].put.security).toContainEqual({});
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["accessToken", "apiKey", "client", "uid"]);
    expect(doc.security).toBeUndefined();
  });

  it("lists the contract's error answers where they can happen, with their shapes", () => {
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses);
    expect(statuses("/v2/bots/{id}/commands/{command_id}", "put")).toEqual(["200", "400", "401", "404", "413", "415", "422"]);
    expect(statuses("/v2/auth/sign_in", "post")).toEqual(["200", "400", "401", "413", "415", "422", "429"]);
    expect(statuses("/v2/bots", "post")).toContain("403");
    // A query string that does not decode is a 400 anywhere, and one with a NUL a 422.
    expect(statuses("/v2/user", "get")).toEqual(["200", "400", "401", "422"]);
    expect(doc.components.responses.Unauthorized.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/ErrorList" });
    expect(doc.components.responses.NotFound.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    expect(doc.components.responses.TooManyRequests.headers["Retry-After"]).toEqual({ $ref: "#/components/headers/Retry-After" });
    expect(doc.components.schemas.ErrorList.properties.errors).toEqual({ type: "array", items: { type: "string" } });
  });

  it("declares the session and paging headers, integer path ids, described query parameters, shared schemas and a server", () => {
    const signIn = doc.paths["/v2/auth/sign_in"].post.responses["200"];
    expect(Object.keys(signIn.headers)).toEqual(["access-token", "client", "uid", "expiry", "token-type"]);
    const bots = doc.paths["/v2/bots"].get.responses["200"];
    expect(Object.keys(bots.headers)).toEqual(expect.arrayContaining(["X-Total-Count", "Link"]));
    expect(bots.content["application/json"].schema).toEqual({ type: "array", items: { $ref: "#/components/schemas/Bot" } });
    expect(Object.keys(doc.paths["/v2/bots/{id}/git/export"].post.responses["200"].headers)).toEqual(expect.arrayContaining(["X-Task-Id", "X-Git-Branch"]));
    expect(Object.keys(doc.paths["/v2/bots/{id}/git/import"].post.responses["200"].headers)).toContain("X-Task-Id");
    const params = doc.paths["/v2/bots/{id}/commands/{command_id}"].get.parameters;
    expect(params.find((p: JsonObject) => p.name === "command_id")).toMatchObject({ in: "path", schema: { type: "integer", minimum: 1 }, description: "Command id" });
    const libId = doc.paths["/v2/bots/{id}/libs/{lib_id}"].delete.parameters.find((p: JsonObject) => p.name === "lib_id");
    expect(libId).toMatchObject({ schema: { type: "string" }, description: "A library id or name" });
    for (const { path, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) expect(parameter.description, `${path} ${parameter.name}`).toBeTruthy();
    }
    expect(doc.servers).toEqual([{ url: "/", description: "This server" }]);
    expect(doc.info.license).toEqual({ name: "MIT", identifier: "MIT" });
  });

  it("says plainly that editing a command is a full replace, and that code is accepted for bjs_code", () => {
    const edit = doc.paths["/v2/bots/{id}/commands/{command_id}"].put;
    expect(edit.description).toContain("every field left out becomes empty, including the BJS when neither `bjs_code` nor `code` is sent");
    expect(edit.requestBody.content["application/json"].schema.properties.code.description).toContain("Another name for `bjs_code`");
  });
});
