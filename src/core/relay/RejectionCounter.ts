// Counts dropped relay messages per player by reason (for diagnostics and specs) and reports them
// through the Logger at most once per interval per player, so a flood costs one line a minute.
// Bounded: forget(key) when the player leaves; past maxKeys an arbitrary key's counts are dropped.
// Pure: time comes from Clock, output from Logger.

import { Logger } from "../Logger";
import { Clock } from "../platform";
import { REJECTION_REASONS, RejectionReason } from "./rejectionReasons";

export interface RejectionCounterOptions {
	/** Least seconds between two report lines about the same player. @default 60 */
	logIntervalSeconds?: number;
	/** Most players tracked at once. @default 1000 */
	maxKeys?: number;
}

export const DEFAULT_REJECTION_LOG_INTERVAL_SECONDS = 60;

type Counts = Map<RejectionReason, number>;

interface PlayerRejections {
	totals: Counts;
	/** Counted since the last line written about this player. */
	unreported: Counts;
	lastLoggedAt?: number;
}

export class RejectionCounter<K extends defined> {
	private readonly players = new Map<K, PlayerRejections>();
	private keyCount = 0;
	private readonly logIntervalSeconds: number;
	private readonly maxKeys: number;

	constructor(
		private readonly clock: Clock,
		private readonly logger: Logger,
		options: RejectionCounterOptions = {},
	) {
		this.logIntervalSeconds = options.logIntervalSeconds ?? DEFAULT_REJECTION_LOG_INTERVAL_SECONDS;
		this.maxKeys = options.maxKeys ?? 1000;
	}

	/**
	 * Counts `reasons` for `key` and writes a warning naming `label` (e.g. the player's name) when
	 * the interval since the last one about this player has passed. `internalError` is the text of an
	 * internal validation error, logged (throttled) on its own since it is a bug, not a client's fault.
	 */
	record(key: K, label: string, reasons: ReadonlyArray<RejectionReason>, internalError?: string) {
		if (internalError !== undefined) {
			this.logger.throttled("error", "CLIENT_RELAY_VALIDATION_ERROR", { player: label, error: internalError });
		}
		if (reasons.size() === 0) return;
		const state = this.stateFor(key);
		for (const reason of reasons) {
			increment(state.totals, reason);
			increment(state.unreported, reason);
		}
		const now = this.clock.monotonicSeconds();
		if (state.lastLoggedAt !== undefined && now - state.lastLoggedAt < this.logIntervalSeconds) return;
		state.lastLoggedAt = now;
		this.logger.warn("CLIENT_MESSAGES_REJECTED", {
			player: label,
			count: sumCounts(state.unreported),
			reasons: describeRejections(state.unreported),
		});
		state.unreported.clear();
	}

	/** Messages dropped for `key` since it was first seen, by reason. */
	totals(key: K): ReadonlyMap<RejectionReason, number> {
		return this.players.get(key)?.totals ?? new Map();
	}

	/** All messages dropped for `key`. */
	total(key: K): number {
		return sumCounts(this.totals(key));
	}

	/** Drops `key`'s counts (the player left). */
	forget(key: K) {
		if (this.players.delete(key)) this.keyCount -= 1;
	}

	private stateFor(key: K): PlayerRejections {
		const existing = this.players.get(key);
		if (existing !== undefined) return existing;
		if (this.keyCount >= this.maxKeys) {
			const [evicted] = next(this.players);
			if (evicted !== undefined) this.forget(evicted);
		}
		const state: PlayerRejections = { totals: new Map(), unreported: new Map() };
		this.players.set(key, state);
		this.keyCount += 1;
		return state;
	}
}

/** "rate_limited x12, name_too_long x1": counts in REJECTION_REASONS order. */
export function describeRejections(counts: ReadonlyMap<RejectionReason, number>): string {
	const parts = new Array<string>();
	for (const reason of REJECTION_REASONS) {
		const count = counts.get(reason);
		if (count !== undefined) parts.push(`${reason} x${count}`);
	}
	return parts.join(", ");
}

function increment(counts: Counts, reason: RejectionReason) {
	counts.set(reason, (counts.get(reason) ?? 0) + 1);
}

function sumCounts(counts: ReadonlyMap<RejectionReason, number>): number {
	let total = 0;
	for (const [, count] of counts) total += count;
	return total;
}
