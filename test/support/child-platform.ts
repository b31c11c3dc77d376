import { fork, type ChildProcess } from "node:child_process";

/**
 * A platform (or a part of one) in a child process that a test can kill with SIGKILL: the
 * child runs `entry` under tsx, says once that it is ready, then answers each message the test
 * sends with one message of its own `{done}`.
 */
export class ChildPlatform {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;

  constructor(entry: string, env: Record<string, string>) {
    this.child = fork(entry, [], {
      execArgv: ["--no-node-snapshot", "--import", "tsx"],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise((done, fail) => {
      this.child.once("message", () => done());
      this.child.once("exit", (code) => fail(new Error(`the platform process exited with ${code} before it was ready`)));
    });
  }

  up(): Promise<void> {
    return this.ready;
  }

  /** Sends a command and resolves with the child's answer to it. */
  async ask<T>(command: object): Promise<T> {
    await this.ready;
    const answered = new Promise<T>((done) => this.child.once("message", (message: { done: T }) => done(message.done)));
    this.child.send(command);
    return answered;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((done) => this.child.once("exit", done));
    this.child.kill("SIGKILL");
    await exited;
  }
}
