/** An SSH remote as git writes it, `git@github.com:owner/Repo.git` (the form bot.json's git_remote has, spec/git-format.md). */
const SCP_LIKE_REMOTE = /^[\w.-]+@[\w.-]+:\S+$/;

export const NOT_HTTP_URL = "must be an http:// or https:// URL";
/** The longest URL the platform keeps or fetches (what browsers and servers commonly take). */
export const MAX_URL_LENGTH = 2048;

/** Whether the text is an absolute http(s) URL with a host, and no spaces or control characters the parser would quietly drop or encode. */
export function isHttpUrl(text: string): boolean {
  if (/[\u0000-\u0020\u007f]/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Whether the text is a git remote a bot may name: an http(s) URL, or an SSH one (`git@host:path`, `ssh://`) that Git export writes back. */
export function isGitRemote(text: string): boolean {
  if (isHttpUrl(text) || SCP_LIKE_REMOTE.test(text)) return true;
  try {
    const url = new URL(text);
    return url.protocol === "ssh:" && url.hostname !== "";
  } catch {
    return false;
  }
}

/** What is wrong with a bot's URL fields, one sentence each; null and "" clear a field and are fine. */
export function botUrlProblems(fields: { pic_url?: string | null; csv_url?: string | null; git_remote?: string | null }): string[] {
  const given = (value: string | null | undefined): value is string => value !== undefined && value !== null && value !== "";
  const problems: string[] = [];
  if (given(fields.pic_url) && !isHttpUrl(fields.pic_url)) problems.push(`Pic url ${NOT_HTTP_URL}`);
  if (given(fields.csv_url) && !isHttpUrl(fields.csv_url)) problems.push(`Csv url ${NOT_HTTP_URL}`);
  if (given(fields.git_remote) && !isGitRemote(fields.git_remote)) {
    problems.push(`Git remote ${NOT_HTTP_URL}, or an SSH remote such as git@github.com:owner/Repo.git`);
  }
  return problems;
}
