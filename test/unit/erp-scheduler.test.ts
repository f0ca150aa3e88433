import { describe, expect, it } from 'vitest';
import { createErpScheduler } from '../../src/main/erp/scheduler';
import { silentLogger } from '../../src/main/logger';
import { manualClock } from '../fixtures/core';
import { manualTimers } from '../fixtures/manual-timers';

// The ERP schedule with an injected clock and timers: every N seconds after the last full run
// started, at once at start-up when overdue, never two at once. The runs are stand-ins that end
// when the test says.

const S = 1000;

function setup(options: { lastRun: number | null; every?: number; otherProcess?: () => boolean }) {
  const clock = manualClock();
  const time = manualTimers(clock);
  const every = (options.every ?? 3600) * S;
  let lastStart = options.lastRun === null ? null : clock.now().getTime() + options.lastRun;
  let active = true;
  const starts: number[] = [];
  let finish: (() => void) | null = null;
  const scheduler = createErpScheduler({
    clock,
    timers: time.timers,
    logger: silentLogger,
    nextDue: () =>
      !active ? null : lastStart === null ? clock.now() : new Date(lastStart + every),
    busy: () => finish !== null || (options.otherProcess?.() ?? false),
    run: () => {
      if (finish) throw new Error('two runs at once');
      lastStart = clock.now().getTime();
      starts.push(lastStart);
      return new Promise<void>((resolve) => {
        finish = () => {
          finish = null;
          resolve();
        };
      });
    },
  });
  return {
    clock,
    time,
    scheduler,
    starts,
    t0: clock.now().getTime(),
    end: async () => {
      finish?.();
      await time.settle();
    },
    get running() {
      return finish !== null;
    },
    setActive(value: boolean) {
      active = value;
    },
  };
}

describe('ERP schedule', () => {
  it('runs at start-up when the last run is older than the interval', async () => {
    const s = setup({ lastRun: -2 * 3600 * S });
    void s.scheduler.start();
    await s.time.settle();
    expect(s.starts).toEqual([s.t0]);
  });

  it('runs at start-up when it never ran', async () => {
    const s = setup({ lastRun: null });
    void s.scheduler.start();
    await s.time.settle();
    expect(s.starts).toEqual([s.t0]);
  });

  it('waits at start-up until the interval has passed since the last run, then every interval', async () => {
    const s = setup({ lastRun: -1000 * S, every: 3600 });
    void s.scheduler.start();
    await s.time.settle();
    expect(s.starts).toEqual([]);
    await s.time.advance(2599 * S);
    expect(s.starts).toEqual([]);
    await s.time.advance(1 * S);
    expect(s.starts).toEqual([s.t0 + 2600 * S]);
    await s.end();
    await s.time.advance(3600 * S);
    expect(s.starts).toEqual([s.t0 + 2600 * S, s.t0 + 6200 * S]);
    await s.end();
    await s.time.advance(3599 * S);
    expect(s.starts).toHaveLength(2);
    await s.time.advance(1 * S);
    expect(s.starts).toHaveLength(3);
    await s.end();
    await s.scheduler.stop();
  });

  it('never starts a second run while one is going on, however long it takes', async () => {
    const s = setup({ lastRun: null, every: 60 });
    void s.scheduler.start();
    await s.time.settle();
    expect(s.running).toBe(true);
    // Ten intervals go by during one long run: nothing else starts.
    await s.time.advance(600 * S);
    expect(s.starts).toHaveLength(1);
    expect(s.time.waiting).toEqual([]);
    // When it ends, the next is already due (60 s after it started): it starts at once.
    await s.end();
    expect(s.starts).toEqual([s.t0, s.t0 + 600 * S]);
    await s.end();
    await s.scheduler.stop();
  });

  it('leaves a run of another process alone and looks again a minute later', async () => {
    let other = true;
    const s = setup({ lastRun: null, otherProcess: () => other });
    void s.scheduler.start();
    await s.time.settle();
    expect(s.starts).toEqual([]);
    expect(s.time.waiting).toEqual([60 * S]);
    await s.time.advance(60 * S);
    expect(s.starts).toEqual([]);
    other = false;
    await s.time.advance(60 * S);
    expect(s.starts).toEqual([s.t0 + 120 * S]);
    await s.end();
    await s.scheduler.stop();
  });

  it('waits a minute, rather than trying again at once, when a run cannot even start', async () => {
    const clock = manualClock();
    const time = manualTimers(clock);
    let attempts = 0;
    const scheduler = createErpScheduler({
      clock,
      timers: time.timers,
      logger: silentLogger,
      nextDue: () => new Date(0),
      busy: () => false,
      run: () => {
        attempts++;
        // As a credential the key store cannot open: thrown before any run is recorded.
        throw new Error('no se puede descifrar');
      },
    });
    void scheduler.start();
    await time.settle();
    expect(attempts).toBe(1);
    expect(time.waiting).toEqual([60 * S]);
    await time.advance(60 * S);
    expect(attempts).toBe(2);
    await scheduler.stop();
  });

  it('sleeps at most a minute, so a changed schedule is noticed without a restart', async () => {
    const s = setup({ lastRun: 0, every: 7 * 24 * 3600 });
    void s.scheduler.start();
    await s.time.settle();
    expect(s.time.waiting).toEqual([60 * S]);
    s.setActive(false);
    await s.time.advance(3 * 3600 * S);
    expect(s.starts).toEqual([]);
    s.setActive(true);
    await s.time.advance(7 * 24 * 3600 * S);
    expect(s.starts).toHaveLength(1);
    await s.end();
    await s.scheduler.stop();
  });

  it('stops: no timer left, and a run going on is waited for', async () => {
    const s = setup({ lastRun: null });
    void s.scheduler.start();
    await s.time.settle();
    let stopped = false;
    void s.scheduler.stop().then(() => (stopped = true));
    await s.time.settle();
    expect(stopped).toBe(false);
    await s.end();
    expect(stopped).toBe(true);
    expect(s.time.waiting).toEqual([]);
    await s.time.advance(10 * 3600 * S);
    expect(s.starts).toHaveLength(1);
  });
});
