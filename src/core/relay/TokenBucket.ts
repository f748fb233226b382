// One token bucket on the injected monotonic clock: starts full, refills continuously at
// `ratePerSecond` up to `burst`, and lets an action through when it can pay its cost.
// Pure: time comes from Clock.monotonicSeconds.

import { Clock } from "../platform";

export interface TokenBucketOptions {
	/** Tokens added per second, >= 0 (0: nothing passes once the initial burst is spent). */
	ratePerSecond: number;
	/** Most tokens held, >= 0: what a key that was quiet can spend at once. */
	burst: number;
}

/**
 * Tolerance when comparing tokens to a cost: refills are sums of float products, and a bucket that
 * has refilled exactly one token must not be read as 0.9999999999.
 */
const EPSILON = 1e-9;

export class TokenBucket {
	private tokens: number;
	private updatedAt: number;

	constructor(
		private readonly clock: Clock,
		private readonly options: TokenBucketOptions,
	) {
		this.tokens = options.burst;
		this.updatedAt = clock.monotonicSeconds();
	}

	/** Spends `cost` tokens and returns true, or returns false and spends nothing. */
	tryTake(cost = 1): boolean {
		this.refill();
		if (this.tokens + EPSILON < cost) return false;
		this.tokens = math.max(0, this.tokens - cost);
		return true;
	}

	/** Tokens available now. */
	available(): number {
		this.refill();
		return this.tokens;
	}

	/** Tokens added per second. */
	refillRate(): number {
		return this.options.ratePerSecond;
	}

	/** True when the bucket is full again, i.e. the same as a new one. */
	isFull(): boolean {
		return this.available() + EPSILON >= this.options.burst;
	}

	private refill() {
		const now = this.clock.monotonicSeconds();
		// A clock that steps back (it should not) never adds tokens.
		const elapsed = math.max(0, now - this.updatedAt);
		this.updatedAt = now;
		this.tokens = math.min(this.options.burst, this.tokens + elapsed * this.options.ratePerSecond);
	}
}
