// A token bucket per key (the server relay keys by player): cost 1 per relayed message, not per
// fire. Bounded: forget(key) when the player leaves; past maxKeys, buckets that are full again (the
// same as new ones) are pruned, and if none is, unknown keys are refused (fail closed).
// Pure: time comes from Clock.

import { Clock } from "../platform";
import { TokenBucket, TokenBucketOptions } from "./TokenBucket";

export interface RateLimiterOptions extends TokenBucketOptions {
	/** Most keys tracked at once. Roblox servers hold at most 700 players. @default 1000 */
	maxKeys?: number;
}

export const DEFAULT_MAX_RATE_LIMITER_KEYS = 1000;

export class RateLimiter<K extends defined> {
	private readonly buckets = new Map<K, TokenBucket>();
	private keyCount = 0;
	private readonly maxKeys: number;

	constructor(
		private readonly clock: Clock,
		private readonly options: RateLimiterOptions,
	) {
		this.maxKeys = options.maxKeys ?? DEFAULT_MAX_RATE_LIMITER_KEYS;
	}

	/** Spends `cost` of `key`'s tokens and returns true, or returns false and spends nothing. */
	tryTake(key: K, cost = 1): boolean {
		const bucket = this.bucketFor(key);
		return bucket !== undefined && bucket.tryTake(cost);
	}

	/** Tokens `key` has now (a new key has a full bucket). */
	available(key: K): number {
		const bucket = this.buckets.get(key);
		return bucket === undefined ? this.options.burst : bucket.available();
	}

	/** Drops `key`'s bucket (the player left). */
	forget(key: K) {
		if (this.buckets.delete(key)) this.keyCount -= 1;
	}

	/** Keys tracked now. */
	size(): number {
		return this.keyCount;
	}

	private bucketFor(key: K): TokenBucket | undefined {
		const existing = this.buckets.get(key);
		if (existing !== undefined) return existing;
		if (this.keyCount >= this.maxKeys) this.pruneFullBuckets();
		if (this.keyCount >= this.maxKeys) return undefined;
		const bucket = new TokenBucket(this.clock, this.options);
		this.buckets.set(key, bucket);
		this.keyCount += 1;
		return bucket;
	}

	private pruneFullBuckets() {
		const full = new Array<K>();
		for (const [key, bucket] of this.buckets) {
			if (bucket.isFull()) full.push(key);
		}
		for (const key of full) this.forget(key);
	}
}
