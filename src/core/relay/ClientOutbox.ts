// The client's side of the relay: buffers messages, and packs them into envelopes that the engine
// fires over the RemoteEvent. Whatever the capture rate, at most maxFiresPerSecond envelopes a
// second leave, each within the envelope caps, and a client token bucket (a little below the
// server's) keeps a capture storm from sending what the server would drop anyway. The buffer is
// bounded (oldest dropped, counted): it holds messages while the relay is missing or the bucket is
// empty. Pure: time comes from Clock; the engine decides when to call takeEnvelope and fires it.

import { CONFIG_DEFAULTS } from "../config/PostHogConfig";
import { Clock } from "../platform";
import { acceptClientMessage } from "./acceptClientMessage";
import { ENVELOPE_OVERHEAD_BYTES, estimateMessageBytes } from "./estimateMessageBytes";
import {
	CLIENT_BURST_HEADROOM,
	CLIENT_MAX_BUFFERED_MESSAGES,
	CLIENT_MAX_FIRES_PER_SECOND,
	CLIENT_RATE_HEADROOM,
	MAX_ENVELOPE_BYTES,
	MAX_MESSAGES_PER_ENVELOPE,
	relayRateLimit,
	WIRE_VERSION,
} from "./limits";
import { ClientEnvelope, ClientMessage, encodeClientMessage, WireMessage } from "./messageSchemas";
import { RejectionReason } from "./rejectionReasons";
import { TokenBucket } from "./TokenBucket";

export interface ClientOutboxOptions {
	/** Most envelopes per second. @default CLIENT_MAX_FIRES_PER_SECOND (4) */
	maxFiresPerSecond?: number;
	/** Messages per second the client sends at most. @default 90% of the server's default rate (18) */
	ratePerSecond?: number;
	/** Messages the client sends at once after a quiet spell. @default half the server's default burst (10) */
	burst?: number;
	/** Messages kept before the oldest is dropped. @default CLIENT_MAX_BUFFERED_MESSAGES (100) */
	maxBufferedMessages?: number;
	/** Properties per message the server accepts. @default PostHogConfig's maxClientPropertyCount (100) */
	maxPropertyCount?: number;
}

interface Pending {
	wire: WireMessage;
	bytes: number;
}

/** Lets a fire through when the interval is 0.2499999 s instead of 0.25 s (float clocks). */
const EPSILON = 1e-9;

export class ClientOutbox {
	private readonly bucket: TokenBucket;
	private readonly fireIntervalSeconds: number;
	private readonly capacity: number;
	private readonly maxPropertyCount: number;
	/** A ring buffer: `count` messages from `head`, so dropping the oldest is O(1). */
	private readonly ring = new Array<Pending | undefined>();
	private head = 0;
	private count = 0;
	private lastFireAt?: number;
	private dropped = 0;

	constructor(
		private readonly clock: Clock,
		options: ClientOutboxOptions = {},
	) {
		const server = relayRateLimit(CONFIG_DEFAULTS.clientRateLimitPerSecond);
		this.bucket = new TokenBucket(clock, {
			ratePerSecond: options.ratePerSecond ?? server.ratePerSecond * CLIENT_RATE_HEADROOM,
			burst: options.burst ?? math.max(1, math.floor(server.burst * CLIENT_BURST_HEADROOM)),
		});
		this.fireIntervalSeconds = 1 / (options.maxFiresPerSecond ?? CLIENT_MAX_FIRES_PER_SECOND);
		this.capacity = math.max(1, options.maxBufferedMessages ?? CLIENT_MAX_BUFFERED_MESSAGES);
		this.maxPropertyCount = options.maxPropertyCount ?? CONFIG_DEFAULTS.maxClientPropertyCount;
	}

	/**
	 * Checks `message` against the server's rules and buffers a copy (later edits to the caller's
	 * tables change nothing). Returns why it was refused, or undefined when it was buffered. When the
	 * buffer is full the oldest message is dropped and counted (droppedCount).
	 */
	push(message: ClientMessage): RejectionReason | undefined {
		const outcome = acceptClientMessage(encodeClientMessage(message), { maxPropertyCount: this.maxPropertyCount });
		if (!outcome.ok) return outcome.reason;
		const wire = encodeClientMessage(outcome.message);
		if (this.count === this.capacity) {
			this.ring[this.head] = undefined;
			this.head = (this.head + 1) % this.capacity;
			this.count -= 1;
			this.dropped += 1;
		}
		this.ring[(this.head + this.count) % this.capacity] = { wire, bytes: estimateMessageBytes(wire) };
		this.count += 1;
		return undefined;
	}

	/**
	 * The envelope to fire now, or undefined: nothing is buffered, the last fire was less than
	 * 1/maxFiresPerSecond ago, or the token bucket is empty. Messages leave oldest first.
	 */
	takeEnvelope(): ClientEnvelope | undefined {
		if (this.count === 0) return undefined;
		const now = this.clock.monotonicSeconds();
		if (this.lastFireAt !== undefined && now - this.lastFireAt + EPSILON < this.fireIntervalSeconds) {
			return undefined;
		}
		const messages = new Array<WireMessage>();
		let bytes = ENVELOPE_OVERHEAD_BYTES;
		while (this.count > 0 && messages.size() < MAX_MESSAGES_PER_ENVELOPE) {
			const oldest = this.ring[this.head]!;
			if (bytes + oldest.bytes > MAX_ENVELOPE_BYTES) break;
			if (!this.bucket.tryTake()) break;
			messages.push(oldest.wire);
			bytes += oldest.bytes;
			this.ring[this.head] = undefined;
			this.head = (this.head + 1) % this.capacity;
			this.count -= 1;
		}
		if (messages.size() === 0) return undefined;
		this.lastFireAt = now;
		return { v: WIRE_VERSION, m: messages };
	}

	/**
	 * Seconds until takeEnvelope can return an envelope (0: now), or undefined when nothing is
	 * buffered. For the engine's scheduling; calling takeEnvelope early is harmless.
	 */
	secondsUntilNextFire(): number | undefined {
		if (this.count === 0) return undefined;
		const now = this.clock.monotonicSeconds();
		const untilInterval = this.lastFireAt === undefined ? 0 : this.lastFireAt + this.fireIntervalSeconds - now;
		const missingTokens = 1 - this.bucket.available();
		const rate = this.bucket.refillRate();
		const untilToken = missingTokens <= 0 ? 0 : rate > 0 ? missingTokens / rate : math.huge;
		return math.max(0, untilInterval, untilToken);
	}

	/** Messages buffered now. */
	size(): number {
		return this.count;
	}

	/** Messages dropped because the buffer was full, since the outbox was made. */
	droppedCount(): number {
		return this.dropped;
	}
}
