// The event as it goes on the wire inside a /batch/ body, and as `beforeSend` sees it.
// Field names are PostHog's (snake_case), not ours.

export interface CapturedEvent {
	/** The event name, e.g. "level_completed" or "$identify". Never empty. */
	event: string;
	/** Who the event is about: a UserId as a string, a custom id, or serverDistinctId. Never empty. */
	distinct_id: string;
	/** Sanitized properties; always holds at least `$lib`, so it never encodes as `[]`. */
	properties: Record<string, unknown>;
	/** When it happened: UTC ISO-8601 with milliseconds, e.g. "2026-01-02T03:04:05.678Z". */
	timestamp: string;
	/** UUIDv7; the server dedupes on it, so it never changes across retries. */
	uuid: string;
}
