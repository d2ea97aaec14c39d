/**
 * Waits, within a budget, for a count of pending work to reach zero. Whoever changes the
 * count calls {@link DrainWaiter.check}; waiters are released when it is zero or their
 * budget runs out, whichever comes first.
 */
export class DrainWaiter {
  readonly #pending: () => number;
  #waiters: (() => void)[] = [];

  constructor(pending: () => number) {
    this.#pending = pending;
  }

  /** Resolves once nothing is pending, or after `budgetMs`. Never rejects. */
  drained(budgetMs: number): Promise<void> {
    if (budgetMs <= 0 || this.#pending() === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, budgetMs);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(finish);
    });
  }

  /** Releases the waiters if nothing is pending any more. */
  check(): void {
    if (this.#waiters.length === 0 || this.#pending() > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}
