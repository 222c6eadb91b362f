import { describe, expect, it } from 'vitest';
import { keepAwake } from './keep-awake.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('keepAwake', () => {
  it('starts one lowest-priority spinner process and stop() ends it', async () => {
    const k = keepAwake(20_000);
    expect(k.pid).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(k.pid as number)).toBe(true);
    k.stop();
    const deadline = Date.now() + 3_000;
    while (alive(k.pid as number) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(k.pid as number)).toBe(false);
    k.stop();
  });

  it('ends by itself after its time limit', async () => {
    const k = keepAwake(300);
    const deadline = Date.now() + 5_000;
    while (alive(k.pid as number) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(k.pid as number)).toBe(false);
  });
});
