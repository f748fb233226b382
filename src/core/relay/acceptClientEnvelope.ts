// The server relay's gatekeeper for one RemoteEvent fire. Reads top to bottom:
//   envelope shape -> per message: rate limit (1 token per message) -> schema -> caps
// and returns fresh, decoded messages plus one rejection reason per dropped message (or one for the
// whole fire when its envelope is malformed). Never throws, never yields: an unexpected error is
// reported as "internal_error". Attribution is not its job: the caller knows the firing player.

import { acceptClientMessage } from "./acceptClientMessage";
import { ENVELOPE_OVERHEAD_BYTES } from "./estimateMessageBytes";
import { MAX_ENVELOPE_BYTES, MAX_MESSAGES_PER_ENVELOPE, WIRE_VERSION } from "./limits";
import { ClientMessage, envelopeSchema, isPlainTable } from "./messageSchemas";
import { RateLimiter } from "./RateLimiter";
import { RejectionReason } from "./rejectionReasons";

export interface AcceptEnvelopeOptions<K extends defined> {
	/** The firing player's key in `limiter`. */
	sender: K;
	/** Per-player buckets, built with relayRateLimit(config.clientRateLimitPerSecond). */
	limiter: RateLimiter<K>;
	/** PostHogConfig.maxClientPropertyCount. */
	maxPropertyCount: number;
}

export interface AcceptEnvelopeResult {
	/** Valid messages, in the order sent; tables are new (nothing references the client's). */
	accepted: Array<ClientMessage>;
	/** Why each other message was dropped, in the order sent; one entry for a malformed envelope. */
	rejected: Array<RejectionReason>;
	/** The error raised inside validation, when some reason is "internal_error". */
	error?: string;
}

/** Validates what a client passed to FireServer (everything after the engine-provided Player). */
export function acceptClientEnvelope<K extends defined>(
	envelope: unknown,
	options: AcceptEnvelopeOptions<K>,
): AcceptEnvelopeResult {
	const [ok, result] = pcall(() => readEnvelope(envelope, options));
	if (!ok) return { accepted: [], rejected: ["internal_error"], error: tostring(result) };
	return result;
}

function readEnvelope<K extends defined>(envelope: unknown, options: AcceptEnvelopeOptions<K>): AcceptEnvelopeResult {
	if (!isPlainTable(envelope)) return rejectFire("envelope_not_table");
	if (!envelopeSchema(envelope)) return rejectFire("envelope_shape");
	if (envelope.v !== WIRE_VERSION) return rejectFire("envelope_version");
	const messages = envelope.m;
	const count = countMessages(messages);
	if (typeIs(count, "string")) return rejectFire(count);

	const result: AcceptEnvelopeResult = { accepted: [], rejected: [] };
	let bytes = ENVELOPE_OVERHEAD_BYTES;
	for (let index = 1; index <= count; index++) {
		// Before reading the message: once the bucket is empty, each further message costs O(1).
		if (!options.limiter.tryTake(options.sender)) {
			result.rejected.push("rate_limited");
			continue;
		}
		const outcome = acceptClientMessage(rawget(messages, index), options);
		if (!outcome.ok) {
			result.rejected.push(outcome.reason);
			if (outcome.error !== undefined) result.error = outcome.error;
		} else if (bytes + outcome.bytes > MAX_ENVELOPE_BYTES) {
			result.rejected.push("envelope_too_large");
		} else {
			bytes += outcome.bytes;
			result.accepted.push(outcome.message);
		}
	}
	return result;
}

function rejectFire(reason: RejectionReason): AcceptEnvelopeResult {
	return { accepted: [], rejected: [reason] };
}

/**
 * The number of messages when `messages` is a sequence 1..n with n <= MAX_MESSAGES_PER_ENVELOPE.
 * Counts with pairs and stops at the first entry past the cap, so a table of a million entries costs
 * MAX_MESSAGES_PER_ENVELOPE + 1 steps. The keys are then distinct integers in 1..cap, and they are
 * exactly 1..n when the largest is n.
 */
function countMessages(messages: object): number | RejectionReason {
	let count = 0;
	let largestKey = 0;
	for (const [key] of pairs(messages)) {
		count += 1;
		if (count > MAX_MESSAGES_PER_ENVELOPE) return "envelope_too_many_messages";
		if (!typeIs(key, "number") || key % 1 !== 0 || key < 1 || key > MAX_MESSAGES_PER_ENVELOPE) {
			return "envelope_shape";
		}
		if (key > largestKey) largestKey = key;
	}
	return largestKey === count ? count : "envelope_shape";
}
