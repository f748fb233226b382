// Every cap on what a client may relay, with the reason for its value. The server enforces them in
// acceptClientEnvelope; the client honours the same numbers (ClientOutbox) so a well-behaved game
// never sees its own events rejected. `maxClientPropertyCount` and `clientRateLimitPerSecond` are
// config options (PostHogConfig); everything else is fixed here.

/** The envelope version this SDK writes and accepts; bump it when the wire format changes. */
export const WIRE_VERSION = 1;

/**
 * Messages in one RemoteEvent fire. The client fires at most CLIENT_MAX_FIRES_PER_SECOND times a
 * second, so 32 is far above any rate the server accepts (20/s by default); it bounds the work of
 * reading one fire before any message is looked at.
 */
export const MAX_MESSAGES_PER_ENVELOPE = 32;

/**
 * Estimated bytes of one fire (see estimateMessageBytes). Roblox's soft limit is about 50 KB/s per
 * player for all remote traffic; 4 fires/s x 12 KB = 48 KB/s even in the worst case.
 */
export const MAX_ENVELOPE_BYTES = 12_000;

/** Estimated bytes of one message: it must fit in one envelope next to the envelope's own fields. */
export const MAX_MESSAGE_BYTES = 11_900;

/** Event and screen names. PostHog shows names in lists and charts; 200 bytes is generous. */
export const MAX_NAME_BYTES = 200;

/** Property keys: same reasoning as names. */
export const MAX_PROPERTY_KEY_BYTES = 200;

/** String property values: long enough for ids, labels and short text, short enough to bound a message. */
export const MAX_STRING_VALUE_BYTES = 1000;

/** Exception messages: Luau error messages are one line; anything longer is usually data. */
export const MAX_EXCEPTION_MESSAGE_BYTES = 1000;

/** Exception traces: a 100-frame Roblox traceback is about 6 KB. */
export const MAX_EXCEPTION_TRACE_BYTES = 8000;

/** Exception types (e.g. "TypeError"): a short label. */
export const MAX_ERROR_TYPE_BYTES = 200;

/** Idle seconds from Player.Idled: a week bounds it, longer values are garbage. */
export const MAX_IDLE_SECONDS = 7 * 24 * 60 * 60;

/**
 * Server token bucket size, in seconds of the refill rate: a player who was quiet can send one
 * second's worth at once (the context message plus captures buffered before the relay appeared).
 */
export const RELAY_BURST_SECONDS = 1;

/** Envelopes per second the client fires at most, whatever the capture rate. */
export const CLIENT_MAX_FIRES_PER_SECOND = 4;

/**
 * Share of the server's default rate and burst the client allows itself: fires can arrive bunched
 * by network jitter, and the server must never be the one that drops a well-behaved client's events.
 */
export const CLIENT_RATE_HEADROOM = 0.9;
export const CLIENT_BURST_HEADROOM = 0.5;

/** Messages the client keeps while the relay is missing or the rate limit holds them back. */
export const CLIENT_MAX_BUFFERED_MESSAGES = 100;

/**
 * Per-fingerprint quiet period of the client error deduper: an error thrown every frame costs at
 * most one relayed message per 5 s of the player's budget.
 */
export const CLIENT_ERROR_DEBOUNCE_SECONDS = 5;

/**
 * Distinct error fingerprints the client tracks at once. When all are recent, new fingerprints are
 * suppressed too, so errors with a changing message can't spend more than 20 per 5 s.
 */
export const CLIENT_MAX_ERROR_FINGERPRINTS = 20;

// Byte estimate of a relayed value, modelled on Roblox's remote serialization (a type tag, a length,
// the payload). Approximate by design: it only has to be cheap, the same on both sides and not
// smaller than reality by much. Used by estimateMessageBytes and acceptClientMessage.
/** A string: tag + length + bytes. */
export const STRING_OVERHEAD_BYTES = 4;
/** A number: tag + 8-byte double. */
export const NUMBER_BYTES = 9;
/** A boolean. */
export const BOOLEAN_BYTES = 2;
/** A table: tag + entry count. */
export const TABLE_OVERHEAD_BYTES = 4;

/**
 * Property keys without "$" that PostHog still reads as the event's own (`properties.distinct_id` can
 * stand in for the event's distinct id, `token`/`api_key` for the project key): only the server sets
 * them, like every "$" key. Clients leave them out; the server refuses messages that carry them.
 */
export const SERVER_OWNED_PROPERTY_KEYS: ReadonlySet<string> = new Set(["distinct_id", "token", "api_key"]);

/** Seconds the client waits for the server's relay RemoteEvent before saying, once, that it is missing. */
export const CLIENT_RELAY_NOTICE_SECONDS = 10;

/** Token bucket settings of the server relay for `clientRateLimitPerSecond` (PostHogConfig). */
export function relayRateLimit(clientRateLimitPerSecond: number): { ratePerSecond: number; burst: number } {
	const rate = math.max(0, clientRateLimitPerSecond);
	// A bucket smaller than one token would never let anything through.
	const burst = rate > 0 ? math.max(1, rate * RELAY_BURST_SECONDS) : 0;
	return { ratePerSecond: rate, burst };
}
