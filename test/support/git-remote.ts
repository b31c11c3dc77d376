import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { useLoopbackServer } from "./loopback.js";

const HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

const git = (args: string[], cwd?: string) => execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "Test", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "Test", GIT_COMMITTER_EMAIL: "t@example.com" } });

/** A real git remote over HTTP: git's own http-backend behind a node server on 127.0.0.1, optionally behind basic auth. */
export interface GitRemoteServer {
  /** The URL of a repository (`name.git`). */
  url(name: string): string;
  /** A bare repository with these files committed on `branch` (none: an empty repository). */
  createRepo(name: string, files?: Record<string, string | Buffer>, branch?: string): void;
  /** The files of a ref, by path. */
  files(name: string, ref: string): Map<string, string>;
  /** The remote's branches. */
  branches(name: string): string[];
  /** `git log --format=...` of a ref. */
  log(name: string, ref: string, format: string): string[];
}

/** Starts the remote for a describe block; with a token, every request needs basic auth whose password is the token. */
export function useGitRemote(options: { token?: string } = {}): GitRemoteServer {
  const root = mkdtempSync(join(tmpdir(), "botyard-remote-"));
  // afterAll hooks run in reverse: the folder goes once the server has closed.
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const server = useLoopbackServer((request, body, response) => {
    if (options.token) {
      const header = request.headers.authorization ?? "";
      const [, password] = Buffer.from(header.replace(/^Basic /, ""), "base64").toString().split(":");
      if (!header.startsWith("Basic ") || password !== options.token) {
        response.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end();
        return;
      }
    }
    const url = new URL(request.url!, "http://localhost");
    const cgi = spawn(HTTP_BACKEND, [], {
      env: {
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: "1",
        PATH_INFO: decodeURIComponent(url.pathname),
        REQUEST_METHOD: request.method!,
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers["content-type"] ?? "",
        CONTENT_LENGTH: String(body.length),
        ...(request.headers["content-encoding"] && { HTTP_CONTENT_ENCODING: request.headers["content-encoding"] }),
        ...(request.headers["git-protocol"] && { GIT_PROTOCOL: String(request.headers["git-protocol"]) }),
        REMOTE_USER: "test",
        REMOTE_ADDR: "127.0.0.1",
      },
    });
    const out: Buffer[] = [];
    cgi.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    cgi.on("close", () => {
      const all = Buffer.concat(out);
      const split = all.indexOf("\r\n\r\n");
      const head = all.subarray(0, split).toString().split("\r\n");
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head) {
        const [key, ...rest] = line.split(":");
        if (key.toLowerCase() === "status") status = Number.parseInt(rest.join(":").trim(), 10);
        else if (key) headers[key] = rest.join(":").trim();
      }
      response.writeHead(status, headers).end(all.subarray(split + 4));
    });
    // http-backend may answer (a 404) before it reads the body.
    cgi.stdin.on("error", () => {});
    cgi.stdin.end(body);
  });
  return {
    url: (name) => `${server.url}/${name}.git`,
    createRepo(name, files, branch = "main") {
      const bare = join(root, `${name}.git`);
      git(["init", "--bare", "-q", `--initial-branch=${branch}`, bare]);
      git(["config", "http.receivepack", "true"], bare);
      if (!files) return;
      const work = mkdtempSync(join(tmpdir(), "botyard-work-"));
      git(["init", "-q", `--initial-branch=${branch}`], work);
      git(["config", "core.autocrlf", "false"], work);
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(["add", "-A"], work);
      git(["commit", "-q", "-m", "fixture"], work);
      git(["push", "-q", bare, `${branch}:${branch}`], work);
      rmSync(work, { recursive: true, force: true });
    },
    files(name, ref) {
      const bare = join(root, `${name}.git`);
      const paths = git(["-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", "-z", ref], bare).split("\0").filter(Boolean);
      return new Map(paths.map((path) => [path, execFileSync("git", ["show", `${ref}:${path}`], { cwd: bare }).toString("utf8")]));
    },
    branches: (name) => git(["for-each-ref", "--format=%(refname:short)", "refs/heads"], join(root, `${name}.git`)).split("\n").filter(Boolean),
    log: (name, ref, format) => git(["log", `--format=${format}`, ref], join(root, `${name}.git`)).split("\n").filter(Boolean),
  };
}
