// Per-fingerprint debounce for automatically captured errors (server ScriptContext.Error, and each
// client before relaying): an error is sent at most once every `debounceSeconds` per fingerprint, so
// a failing Heartbeat handler (60 errors a second) sends one event a second while a different error
// in the same second still goes through. Memory is bounded: expired fingerprints are evicted a few
// at a time on every call, and the oldest are evicted first when too many are tracked.
// Pure: time comes from Clock.monotonicSeconds.

import { Clock } from "../platform";

export type DebounceDecision =
	/** Send it; `suppressedCount` occurrences were dropped since the previous one was sent. */
	| { kind: "send"; suppressedCount: number }
	/** Drop it: the same error was sent less than `debounceSeconds` ago. */
	| { kind: "suppress" };

/** Fingerprints tracked at most; past this the least recently sent are forgotten. */
export const DEFAULT_MAX_FINGERPRINTS = 256;

/**
 * Expired fingerprints evicted per call, beyond which eviction waits for the next call, so one call
 * never walks the whole table.
 */
const EVICTIONS_PER_CALL = 2;

/** The property a sent error may carry: identical errors dropped by the debounce since the last one sent. */
export const SUPPRESSED_COUNT_PROPERTY = "suppressed_count";

interface FingerprintState {
	lastSentAt: number;
	suppressed: number;
}

/** One send, in send order; stale when its fingerprint was sent again (or forgotten) since. */
interface SendRecord {
	fingerprint: string;
	sentAt: number;
}

export class ErrorDebouncer {
	private readonly states = new Map<string, FingerprintState>();
	/** Sends oldest first, from `head`; the eviction order. */
	private sends = new Array<SendRecord>();
	private head = 0;

	/**
	 * @param debounceSeconds minimum gap between two sends of one fingerprint; 0 sends everything.
	 * @param maxFingerprints fingerprints remembered at most. @default DEFAULT_MAX_FINGERPRINTS
	 */
	constructor(
		private readonly clock: Clock,
		private readonly debounceSeconds: number,
		private readonly maxFingerprints = DEFAULT_MAX_FINGERPRINTS,
	) {}

	/** Decides whether an error with `fingerprint` (see errorFingerprint) is sent now. */
	admit(fingerprint: string): DebounceDecision {
		if (this.debounceSeconds <= 0) return { kind: "send", suppressedCount: 0 };
		const now = this.clock.monotonicSeconds();
		const state = this.states.get(fingerprint);
		let decision: DebounceDecision;
		if (state !== undefined && now - state.lastSentAt < this.debounceSeconds) {
			state.suppressed += 1;
			decision = { kind: "suppress" };
		} else {
			decision = { kind: "send", suppressedCount: state?.suppressed ?? 0 };
			this.states.set(fingerprint, { lastSentAt: now, suppressed: 0 });
			this.sends.push({ fingerprint, sentAt: now });
		}
		this.evict(now);
		return decision;
	}

	/** Fingerprints currently remembered. */
	size(): number {
		return this.states.size();
	}

	/**
	 * Walks the sends from the oldest: skips stale records, forgets fingerprints while over the limit,
	 * then forgets up to EVICTIONS_PER_CALL whose debounce has expired (their suppressed count, if
	 * any, is lost with them). Stops at the first live, unexpired one: every later send is newer.
	 */
	private evict(now: number) {
		let expiredBudget = EVICTIONS_PER_CALL;
		while (this.head < this.sends.size()) {
			const record = this.sends[this.head];
			const state = this.states.get(record.fingerprint);
			const isStale = state === undefined || state.lastSentAt !== record.sentAt;
			if (isStale) {
				this.head += 1;
			} else if (this.states.size() > this.maxFingerprints) {
				this.forget(record.fingerprint);
			} else if (expiredBudget > 0 && now - record.sentAt >= this.debounceSeconds) {
				this.forget(record.fingerprint);
				expiredBudget -= 1;
			} else {
				break;
			}
		}
		this.compact();
	}

	private forget(fingerprint: string) {
		this.states.delete(fingerprint);
		this.head += 1;
	}

	/** Drops consumed records once they are most of the array (amortized O(1) per send). */
	private compact() {
		if (this.head < 32 || this.head * 2 < this.sends.size()) return;
		const live = new Array<SendRecord>();
		for (let index = this.head; index < this.sends.size(); index++) live.push(this.sends[index]);
		this.sends = live;
		this.head = 0;
	}
}
