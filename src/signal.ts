/**
 * Something that happens to a bot (its commands changed, it started), with listeners in other
 * parts of the platform: the part where it happens need not know them. Listeners are awaited
 * in turn and must not throw (they log their own failures).
 */
export class Signal<T> {
  private readonly listeners: ((value: T) => Promise<void>)[] = [];

  listen(listener: (value: T) => Promise<void>): void {
    this.listeners.push(listener);
  }

  async emit(value: T): Promise<void> {
    for (const listener of this.listeners) await listener(value);
  }
}
