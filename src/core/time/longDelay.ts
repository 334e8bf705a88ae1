/** The longest delay `setTimeout` honours; past it Node fires at once (with a TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves after `ms`, however long (`--duration` of a month is a month): waits in steps `setTimeout`
 * can take. The timer does not keep the process alive.
 */
export function longDelay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = Date.now() + ms;
    const step = () => {
      const left = deadline - Date.now();
      if (left <= 0) return resolve();
      setTimeout(step, Math.min(left, MAX_TIMER_MS)).unref();
    };
    step();
  });
}
