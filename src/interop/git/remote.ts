import { mkdtemp, rm } from "node:fs/promises";
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import git, { type AuthCallback } from "isomorphic-git";
import { AppError, UnprocessableError } from "../../errors.js";
import { Outbound } from "../outbound.js";
import { guardedGitHttp } from "./guarded-http.js";
import { checkPackBudget } from "./pack-budget.js";
import { headNaming } from "./unborn-head.js";
import type { RepositoryFiles } from "./repository.js";

/** Where a bot's repository lives: an HTTP(S) URL, a branch, and a token for private ones. */
export interface GitRemote {
  url: string;
  /** The branch to read or write; import reads the default branch without one. */
  branch?: string;
  /** Sent as the password of HTTP basic auth; `user:password` sets both. */
  token?: string;
}

/** What an export commit says about itself. */
export interface ExportCommit {
  message: string;
  /** Unix seconds. */
  timestamp: number;
}

/** The exporter's identity (spec/git-format.md §2). */
const AUTHOR = { name: "Bots.Business", email: "git.sync@bots.business" };
/** A repository larger than this is refused: it is not a bot. */
export const MAX_FILES = 20_000;
export const MAX_BYTES = 64 * 1024 * 1024;
/** What the branch tip's objects may unpack to: its files, and room for the trees that list them. */
const MAX_UNPACKED_BYTES = MAX_BYTES + 16 * 1024 * 1024;

/** The file system a clone writes to, where a pack is checked (pack-budget.ts) before isomorphic-git indexes it. */
const cloneFs = {
  promises: {
    ...fs.promises,
    writeFile(path: string, data: Uint8Array | string, options?: unknown) {
      if (path.endsWith(".pack") && typeof data !== "string") checkPackBudget(data, MAX_UNPACKED_BYTES);
      return fs.promises.writeFile(path, data, options as never);
    },
  },
};

/** The URL without the credentials it may hold (`https://user:token@host/...`); undefined if it is not a URL. */
export function withoutCredentials(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return undefined;
  }
}

/** The URL without credentials, fit for an answer or a log. */
export function displayUrl(url: string): string {
  return withoutCredentials(url) ?? "(invalid URL)";
}

const SCP_LIKE = /^[\w.-]+@[\w.-]+:/;

declare const checked: unique symbol;
/** A remote whose URL `checkRemote` let through: the only kind fetched from or pushed to. */
export type CheckedRemote = GitRemote & { readonly [checked]: true };

/**
 * The remote once its URL is one the platform may reach (http or https, not SSH, not a private
 * address); else an UnprocessableError. Checked once, before any task starts for it.
 */
export async function checkRemote(remote: GitRemote, outbound: Outbound): Promise<CheckedRemote> {
  if (SCP_LIKE.test(remote.url)) throw new UnprocessableError("SSH remotes (git@host:path) need a deploy key, which is not supported; use the https:// URL and a token");
  await outbound.checkResolved(remote.url, "Repository URL");
  return remote as CheckedRemote;
}

function auth(token: string | undefined): { onAuth?: AuthCallback; onAuthFailure: () => { cancel: true } } {
  const onAuthFailure = () => ({ cancel: true as const });
  if (!token) return { onAuthFailure };
  const colon = token.indexOf(":");
  const credentials = colon > 0 ? { username: token.slice(0, colon), password: token.slice(colon + 1) } : { username: "x-access-token", password: token };
  return { onAuth: () => credentials, onAuthFailure };
}

/** isomorphic-git's failures as sentences a bot maker can act on; the URL never carries its credentials. */
function explain(error: unknown, remote: GitRemote): Error {
  const where = displayUrl(remote.url);
  const { code, data } = error as { code?: string; data?: { statusCode?: number; reason?: string; what?: string } };
  if (code === "UserCanceledError" || (code === "HttpError" && (data?.statusCode === 401 || data?.statusCode === 403))) {
    return new UnprocessableError(remote.token ? `The repository ${where} refused the token` : `The repository ${where} needs a token`);
  }
  if (code === "HttpError" && data?.statusCode === 404) return new UnprocessableError(`The repository ${where} was not found`);
  if (code === "HttpError") return new UnprocessableError(`The repository ${where} answered HTTP ${data?.statusCode}`);
  if (code === "NotFoundError" && remote.branch) return new UnprocessableError(`The branch ${remote.branch} was not found in ${where}`);
  // Its HEAD names a branch with no commit: an empty repository, or one pushed to other branches only.
  if (code === "NotFoundError" && data?.what === "HEAD") return new UnprocessableError(`The repository ${where} has no commit on its default branch: give the branch to import`);
  if (code === "PushRejectedError") return new UnprocessableError(`The repository ${where} refused the push (${data?.reason ?? "not a fast-forward"})`);
  // Their messages quote what the server sent: a page of someone's network is not the caller's to read.
  if (code === "SmartHttpError" || code === "ParseError") return new UnprocessableError(`The address ${where} does not answer as a Git repository over HTTP: check the URL`);
  if (error instanceof AppError) return error;
  const refusal = Outbound.refusal(error);
  if (refusal) return new UnprocessableError(`The repository ${where} cannot be reached: ${refusal}`);
  return new UnprocessableError(`The repository ${where} could not be reached: ${(error as Error).message.replaceAll(remote.url, where)}`);
}

/** Runs `work` in a fresh temporary git directory, removed afterwards. */
async function inScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "botyard-git-"));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file of the branch's tip (the default branch when none is named), read without a checkout. */
export async function fetchRepositoryFiles(remote: CheckedRemote, outbound: Outbound): Promise<RepositoryFiles> {
  const { url } = remote;
  try {
    return await inScratch(async (dir) => {
      const http = remote.branch ? headNaming(guardedGitHttp(outbound), remote.branch) : guardedGitHttp(outbound);
      await git.clone({ fs: cloneFs, http, dir, url, ref: remote.branch, singleBranch: true, depth: 1, noCheckout: true, noTags: true, ...auth(remote.token) });
      const files: RepositoryFiles = new Map();
      let bytes = 0;
      const collect = async (oid: string, prefix: string): Promise<void> => {
        const { tree } = await git.readTree({ fs, dir, oid });
        for (const entry of tree) {
          if (entry.type === "tree") await collect(entry.oid, `${prefix}${entry.path}/`);
          if (entry.type !== "blob") continue;
          const { blob } = await git.readBlob({ fs, dir, oid: entry.oid });
          bytes += blob.byteLength;
          if (files.size >= MAX_FILES || bytes > MAX_BYTES) throw new UnprocessableError(`The repository is too large for a bot (over ${MAX_FILES} files or ${MAX_BYTES >> 20} MB)`);
          files.set(`${prefix}${entry.path}`, blob);
        }
      };
      await collect(await git.resolveRef({ fs, dir, ref: "HEAD" }), "");
      return files;
    });
  } catch (error) {
    throw explain(error, remote);
  }
}

interface TreeNode {
  files: Map<string, string>;
  dirs: Map<string, TreeNode>;
}

/** Writes the files as blobs and nested trees; answers the root tree's id. */
async function writeFiles(dir: string, files: Map<string, string>): Promise<string> {
  const root: TreeNode = { files: new Map(), dirs: new Map() };
  for (const [path, text] of files) {
    const parts = path.split("/");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (!node.dirs.has(part)) node.dirs.set(part, { files: new Map(), dirs: new Map() });
      node = node.dirs.get(part)!;
    }
    node.files.set(parts.at(-1)!, text);
  }
  const write = async (node: TreeNode): Promise<string> => {
    const tree = [];
    for (const [path, text] of node.files) tree.push({ mode: "100644", path, type: "blob" as const, oid: await git.writeBlob({ fs, dir, blob: Buffer.from(text, "utf8") }) });
    for (const [path, child] of node.dirs) tree.push({ mode: "040000", path, type: "tree" as const, oid: await write(child) });
    return git.writeTree({ fs, dir, tree });
  };
  return write(root);
}

/**
 * Commits the files as a full snapshot (nothing else stays in the tree) on top of the branch's
 * tip, or of the default branch's tip when the branch is new, or as a root commit in an empty
 * repository; then pushes the branch.
 */
export async function pushRepositoryFiles(remote: CheckedRemote & { branch: string }, files: Map<string, string>, commit: ExportCommit, outbound: Outbound): Promise<void> {
  const { url } = remote;
  const credentials = auth(remote.token);
  const http = guardedGitHttp(outbound);
  try {
    await inScratch(async (dir) => {
      const info = await git.getRemoteInfo({ http, url, ...credentials });
      const heads = info.refs?.heads ?? {};
      const defaultBranch = info.HEAD?.replace(/^refs\/heads\//, "");
      const parent = heads[remote.branch] ?? (defaultBranch ? heads[defaultBranch] : undefined) ?? Object.values(heads)[0];
      await git.init({ fs, dir, defaultBranch: remote.branch });
      const tree = await writeFiles(dir, files);
      const signature = { ...AUTHOR, timestamp: commit.timestamp, timezoneOffset: 0 };
      const oid = await git.writeCommit({ fs, dir, commit: { message: `${commit.message}\n`, tree, parent: parent ? [parent] : [], author: signature, committer: signature } });
      await git.writeRef({ fs, dir, ref: `refs/heads/${remote.branch}`, value: oid, force: true });
      const result = await git.push({ fs, http, dir, url, ref: remote.branch, remoteRef: remote.branch, ...credentials });
      if (!result.ok) throw new UnprocessableError(`The repository ${displayUrl(url)} refused the push (${result.error ?? "rejected"})`);
    });
  } catch (error) {
    throw explain(error, remote);
  }
}
