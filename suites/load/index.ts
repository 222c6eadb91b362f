import type { Check } from '../../src/engine/types.js';
import { authCost } from './auth-cost.js';
import { bruteForce } from './brute-force.js';
import { headerCost } from './header-cost.js';
import { rateLimit } from './rate-limit.js';
import { validUnderAttack } from './valid-traffic.js';

/**
 * The `load` category (phase `exclusive`: alone on the machine, after every main check). The
 * header-cost check runs first, before the burst can wake a rate limiter; the next three share
 * one brute-force burst.
 */
export const loadChecks: Check[] = [headerCost, bruteForce, validUnderAttack, rateLimit, authCost];
