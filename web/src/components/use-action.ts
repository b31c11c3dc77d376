import { useState } from "preact/hooks";

/** A user action in flight: `run(work)` marks it busy and keeps its error for display. */
export function useAction(): { busy: boolean; error: Error | null; run: (work: () => Promise<unknown>) => Promise<boolean> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (failure) {
      setError(failure as Error);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}
