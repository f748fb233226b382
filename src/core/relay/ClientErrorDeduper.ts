// The client's filter in front of relaying unhandled errors (ScriptContext.Error fires for every
// one, and an error in a loop fires every frame). Per fingerprint (message + first trace line), the
// first occurrence passes and repeats within windowSeconds of it are suppressed and counted. At most
// maxFingerprints are tracked; when all are recent, new ones are suppressed too, so errors whose
// message keeps changing can't flood the relay either. Pure: time comes from Clock.

import { Clock } from "../platform";
import { CLIENT_ERROR_DEBOUNCE_SECONDS, CLIENT_MAX_ERROR_FINGERPRINTS, MAX_EXCEPTION_MESSAGE_BYTES } from "./limits";

export interface ClientErrorDeduperOptions {
	/** Seconds a fingerprint stays quiet after it passed. @default CLIENT_ERROR_DEBOUNCE_SECONDS (5) */
	windowSeconds?: number;
	/** Fingerprints tracked at once. @default CLIENT_MAX_ERROR_FINGERPRINTS (20) */
	maxFingerprints?: number;
}

/** Bytes of the first trace line kept in a fingerprint. */
const MAX_FINGERPRINT_TRACE_LINE_BYTES = 200;

interface Seen {
	passedAt: number;
	suppressed: number;
}

export type DedupeDecision = { relay: true; suppressedBefore: number } | { relay: false };

export class ClientErrorDeduper {
	private readonly seen = new Map<string, Seen>();
	private seenCount = 0;
	private readonly windowSeconds: number;
	private readonly maxFingerprints: number;
	private suppressedTotal = 0;

	constructor(
		private readonly clock: Clock,
		options: ClientErrorDeduperOptions = {},
	) {
		this.windowSeconds = options.windowSeconds ?? CLIENT_ERROR_DEBOUNCE_SECONDS;
		this.maxFingerprints = options.maxFingerprints ?? CLIENT_MAX_ERROR_FINGERPRINTS;
	}

	/**
	 * Whether to relay this error now. When it passes, `suppressedBefore` is how many repeats of the
	 * same fingerprint were suppressed since it last passed (the caller may report it).
	 */
	check(message: string, trace?: string): DedupeDecision {
		const now = this.clock.monotonicSeconds();
		const key = errorFingerprint(message, trace);
		const entry = this.seen.get(key);
		if (entry !== undefined) {
			if (now - entry.passedAt < this.windowSeconds) return this.suppress(entry);
			const suppressedBefore = entry.suppressed;
			entry.passedAt = now;
			entry.suppressed = 0;
			return { relay: true, suppressedBefore };
		}
		if (this.seenCount >= this.maxFingerprints) this.pruneExpired(now);
		if (this.seenCount >= this.maxFingerprints) return this.suppress(undefined);
		this.seen.set(key, { passedAt: now, suppressed: 0 });
		this.seenCount += 1;
		return { relay: true, suppressedBefore: 0 };
	}

	/** Errors suppressed since the deduper was made. */
	suppressedCount(): number {
		return this.suppressedTotal;
	}

	private suppress(entry: Seen | undefined): DedupeDecision {
		if (entry !== undefined) entry.suppressed += 1;
		this.suppressedTotal += 1;
		return { relay: false };
	}

	private pruneExpired(now: number) {
		const expired = new Array<string>();
		for (const [key, entry] of this.seen) {
			if (now - entry.passedAt >= this.windowSeconds) expired.push(key);
		}
		for (const key of expired) this.seen.delete(key);
		this.seenCount -= expired.size();
	}
}

/** message (capped) + "\n" + the first non-empty trace line (capped): the same error at the same place. */
export function errorFingerprint(message: string, trace?: string): string {
	const firstLine = trace === undefined ? "" : ((trace.match("[^\n]+")[0] as string | undefined) ?? "");
	return message.sub(1, MAX_EXCEPTION_MESSAGE_BYTES) + "\n" + firstLine.sub(1, MAX_FINGERPRINT_TRACE_LINE_BYTES);
}
