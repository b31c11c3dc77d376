/**
 * `work`, callable from anywhere, runs in the async context this is called in: what
 * AsyncLocalStorage.bind does, without the AsyncResource it makes (~7 µs of the main thread,
 * for every BJS run, though most runs never call back). A promise reaction runs in the
 * context its `then` was called in: one reaction waits here, each call wakes it, and it
 * waits again from within that context.
 */
export function inThisContext<Args extends unknown[], Result>(work: (...args: Args) => Promise<Result>): (...args: Args) => Promise<Result> {
  type Call = { args: Args; resolve(result: Result): void; reject(error: unknown): void };
  let calls: Call[] = [];
  let wake!: () => void;
  const listen = (): void => {
    void new Promise<void>((resolve) => (wake = resolve)).then(() => {
      const arrived = calls;
      calls = [];
      listen();
      for (const { args, resolve, reject } of arrived) {
        try {
          work(...args).then(resolve, reject);
        } catch (error) {
          reject(error);
        }
      }
    });
  };
  listen();
  return (...args) =>
    new Promise<Result>((resolve, reject) => {
      calls.push({ args, resolve, reject });
      wake();
    });
}
