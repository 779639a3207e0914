import type { Clock } from '../../src/plugins/clock.js';

/** A clock the test moves by hand. */
export interface TestClock extends Clock {
  set(instant: string | Date): void;
}

export function testClock(start: string | Date): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (instant) => {
      current = new Date(instant);
    },
  };
}
