// Holds captured events in memory and delivers them to PostHog's /batch/ endpoint. Owns: beforeSend,
// JSON-encoding each event once (a poison event is dropped alone), the count and byte bounds
// (drop-oldest), flush triggers (flushAt, interval, on demand), batching, retry with backoff in
// delivery rounds, 413 splitting, the HTTP budget, and the shutdown drain. Events leave the queue by
// uuid only, never by position. Durable delivery moves encoded events out (checkOut/checkIn) and in
// (adopt) without knowing where they go. Pure: time, threads, HTTP and JSON come from the Platform.
//
// Delivery rounds: a batch is sent at most 1 + maxRetries times in a row (the capture contract:
// five 503s with maxRetries 3 make exactly 4 requests). When its last retry fails, its events are
// not dropped: they are parked, sending pauses for retryRoundPauseSeconds, and the next round
// starts with fresh retry counts. Only the queue bounds (maxQueueSize, maxQueueBytes) drop events,
// oldest first, so nothing is lost while memory allows and a long outage costs a few requests a
// minute.

import { BeforeSend, PostHogConfig } from "../config/PostHogConfig";
import { CapturedEvent } from "../events/CapturedEvent";
import { isoTimestamp } from "../events/isoTimestamp";
import { repairUtf8 } from "../events/repairUtf8";
import { SanitizeOptions } from "../events/sanitizeProperties";
import { Logger } from "../Logger";
import { Cancel, HttpResult, Platform } from "../platform";
import { backoffSeconds } from "./backoffSeconds";
import { buildBatchBody } from "./buildBatchBody";
import { classifyResponse, DeliveryOutcome } from "./classifyResponse";
import { parseRetryAfter } from "./parseRetryAfter";
import { PendingEvents } from "./PendingEvents";
import { RequestBudget } from "./RequestBudget";
import { runBeforeSend } from "./runBeforeSend";

/** Limits that are not user options; specs shrink them. */
export interface QueueLimits {
	/** Bound on the encoded size of all queued events, in bytes. @default 5 MiB */
	maxQueueBytes: number;
	/** Events encoding to more bytes are dropped when queued (PostHog rejects ~1 MB events). @default 900 KiB */
	maxEventBytes: number;
	/** A batch stops growing past this many body bytes (it always holds at least one event). @default 1,000,000 */
	maxBatchBytes: number;
	/** Timeout of one /batch/ request, in seconds. @default 10 */
	requestTimeoutSeconds: number;
	/** Batches sent at once while draining for shutdown. @default 4 */
	drainConcurrency: number;
	/** How often the drain checks progress and its deadline, in seconds. @default 0.05 */
	drainPollSeconds: number;
	/** Pause before a new delivery round once a batch used up its retries, in seconds. @default 60 */
	retryRoundPauseSeconds: number;
}

export const DEFAULT_QUEUE_LIMITS: Readonly<QueueLimits> = {
	maxQueueBytes: 5 * 1024 * 1024,
	maxEventBytes: 900 * 1024,
	maxBatchBytes: 1_000_000,
	requestTimeoutSeconds: 10,
	drainConcurrency: 4,
	drainPollSeconds: 0.05,
	retryRoundPauseSeconds: 60,
};

export type EventQueueOptions = Pick<
	PostHogConfig,
	| "apiKey"
	| "host"
	| "flushAt"
	| "flushIntervalSeconds"
	| "maxQueueSize"
	| "maxBatchSize"
	| "maxRetries"
	| "enableCompression"
	| "beforeSend"
> & {
	/** Used to re-sanitize properties that beforeSend edited. */
	sanitize?: SanitizeOptions;
	limits?: Partial<QueueLimits>;
};

export interface EventQueueDeps {
	platform: Platform;
	logger: Logger;
	budget: RequestBudget;
}

/** Why an event left the queue without being sent. */
export type DropReason =
	| "beforeSend"
	| "beforeSendError"
	| "invalidEvent"
	| "duplicate"
	| "encodeError"
	| "tooLarge"
	| "queueFull"
	| "queueBytes"
	| "rejected";

export interface QueueStats {
	/** Events accepted into the queue. */
	captured: number;
	/** Events PostHog accepted. */
	sent: number;
	/** Events moved out to experience storage (durable delivery), for any server to send. */
	spilled: number;
	/** Events taken in from experience storage to be sent by this server. */
	adopted: number;
	dropped: Record<DropReason, number>;
	/** Batches that failed and were put back to be retried. */
	retries: number;
	/** /batch/ requests made. */
	requests: number;
	/** Events queued, in flight or parked now. */
	pending: number;
	/** Of `pending`: events whose batch used up its retries, waiting for the next delivery round. */
	parked: number;
	/** Encoded bytes of the pending events. */
	pendingBytes: number;
}

/** A queued event in its wire form, as it moves to and from experience storage. */
export interface EncodedEvent {
	uuid: string;
	/** The event's JSON, exactly as it goes into a batch. */
	encoded: string;
}

export interface DrainOptions {
	/**
	 * Stop sending at the first failed request (PostHog down or throttling) instead of retrying until
	 * the deadline: the caller has somewhere else to put the rest (durable delivery), and reports it,
	 * so events left are not warned about here.
	 */
	stopOnFailure?: boolean;
}

export interface DrainResult {
	/** Events sent during the drain. */
	sent: number;
	/** Events still queued or in flight when it returned. */
	remaining: number;
	/** True when it stopped at the deadline with events left. */
	timedOut: boolean;
	/** True when it stopped early because a request failed (DrainOptions.stopOnFailure). */
	stoppedOnFailure: boolean;
}

interface Settled {
	outcome: DeliveryOutcome;
	/** For "retry": how long the normal flush should wait. */
	retryDelaySeconds: number;
}

/** Excerpt of a rejecting response body shown in the warning, in bytes. */
const RESPONSE_EXCERPT_BYTES = 300;
/**
 * How long sending pauses after Roblox's own request limit refused a request, in seconds: Roblox
 * stalls HTTP for about 30 s once a server passes 500 requests per minute.
 */
const ROBLOX_THROTTLE_SECONDS = 30;
/** Lets a wake-up timer that fires a hair early still count as on time, in seconds. */
const TIMER_SLACK_SECONDS = 0.001;

function emptyDropCounts(): Record<DropReason, number> {
	return {
		beforeSend: 0,
		beforeSendError: 0,
		invalidEvent: 0,
		duplicate: 0,
		encodeError: 0,
		tooLarge: 0,
		queueFull: 0,
		queueBytes: 0,
		rejected: 0,
	};
}

export class EventQueue {
	private readonly limits: QueueLimits;
	private readonly url: string;
	private readonly encodedApiKey: string;
	private readonly beforeSend: BeforeSend | undefined;

	private readonly pending = new PendingEvents();
	private lastQueued: string | undefined;
	private pressure?: { atSize: number; listener: () => void };

	/** Shrinks on 413, grows back after successful sends. */
	private batchSizeLimit: number;
	/** Failed sends in a row, for the backoff exponent; reset by a success. */
	private consecutiveFailures = 0;
	/** Monotonic time of the first failure of the current failure streak; undefined while healthy. */
	private failingSince: number | undefined;
	/** Monotonic time before which the normal flush does not send (after a retryable failure). */
	private backoffUntil: number | undefined;
	private isHttpDisabled = false;
	private isFlushing = false;
	/** Monotonic time of the last normal-flush request, for pacing partial batches. */
	private lastSendAt: number | undefined;
	/** Flush() asked to send now: partial batches are not held back by pacing until the queue empties. */
	private isFlushRequested = false;
	/** Drains running now (BindToClose and Shutdown may overlap). */
	private activeDrains = 0;
	private isStarted = false;
	private isStopped = false;
	private cancelInterval: Cancel | undefined;
	private cancelWake: Cancel | undefined;

	private readonly stats = {
		captured: 0,
		sent: 0,
		spilled: 0,
		adopted: 0,
		dropped: emptyDropCounts(),
		retries: 0,
		requests: 0,
	};

	constructor(
		private readonly options: EventQueueOptions,
		private readonly deps: EventQueueDeps,
	) {
		this.limits = { ...DEFAULT_QUEUE_LIMITS, ...options.limits };
		this.url = options.host + "/batch/";
		this.encodedApiKey = deps.platform.json.encode(options.apiKey);
		this.beforeSend = options.beforeSend;
		this.batchSizeLimit = options.maxBatchSize;
	}

	/** Starts the flushIntervalSeconds timer. Calling it again does nothing. */
	start() {
		if (this.isStarted || this.isStopped) return;
		this.isStarted = true;
		this.armInterval();
	}

	/** Cancels every timer and stops automatic flushes. Queued events stay; flush and drain still work. */
	stop() {
		this.isStopped = true;
		this.cancelInterval?.();
		this.cancelInterval = undefined;
		this.cancelWake?.();
		this.cancelWake = undefined;
	}

	/**
	 * Runs beforeSend, encodes the event and queues it, dropping the oldest events if the queue is
	 * full. Never yields or throws. Returns whether the event was queued.
	 */
	enqueue(event: CapturedEvent): boolean {
		let final: CapturedEvent = event;
		if (this.beforeSend !== undefined) {
			const edited = this.applyBeforeSend(this.beforeSend, event);
			if (edited === undefined) return false;
			final = edited;
		}
		if (this.pending.has(final.uuid)) {
			this.drop("duplicate");
			this.deps.logger.debug("EVENT_DUPLICATE_UUID", { event: final.event, uuid: final.uuid });
			return false;
		}

		const json = this.deps.platform.json;
		const [ok, encoded] = pcall(() => json.encode(toWireObject(final)));
		if (!ok || !typeIs(encoded, "string")) {
			this.drop("encodeError");
			this.deps.logger.throttled("warn", "EVENT_ENCODE_FAILED", { event: final.event, error: tostring(encoded) });
			return false;
		}
		const bytes = encoded.size();
		if (bytes > this.limits.maxEventBytes) {
			this.drop("tooLarge");
			this.deps.logger.throttled("warn", "EVENT_TOO_LARGE", {
				event: final.event,
				bytes,
				limit: this.limits.maxEventBytes,
			});
			return false;
		}
		if (!this.makeRoom(bytes)) return false;

		this.pending.add(final.uuid, encoded);
		this.stats.captured += 1;
		this.lastQueued = final.uuid;

		this.flushIfFull();
		const pressure = this.pressure;
		if (pressure !== undefined && this.pending.size() >= pressure.atSize) pressure.listener();
		return true;
	}

	/**
	 * Calls `listener` from enqueue whenever the queue holds at least `fraction` of maxQueueSize
	 * (durable delivery stores it before drop-oldest has to act). The listener must not yield.
	 */
	onPressure(fraction: number, listener: () => void) {
		this.pressure = { atSize: math.max(1, math.floor(this.options.maxQueueSize * fraction)), listener };
	}

	/**
	 * Sends everything queued, in batches, in a new thread; returns at once. Waits out a retry
	 * backoff instead of cutting it short. Does nothing while a flush or drain is running (it will
	 * pick up the new events).
	 */
	flush() {
		if (this.isDraining()) return;
		this.isFlushRequested = true;
		this.requestFlush();
	}

	/**
	 * Shutdown delivery: sends everything queued, several batches at once, retrying failures at
	 * once (no backoff) and ignoring the request budget, until the queue is empty or
	 * `timeoutSeconds` have passed. YIELDS; call it from a thread that may yield (BindToClose).
	 * Events queued while it runs are sent too.
	 */
	drain(timeoutSeconds: number, options: DrainOptions = {}): DrainResult {
		const platform = this.deps.platform;
		const clock = platform.clock;
		const startedAt = clock.monotonicSeconds();
		const deadline = startedAt + timeoutSeconds;
		const sentBefore = this.stats.sent;
		this.activeDrains += 1;
		this.backoffUntil = undefined;
		this.cancelWake?.();
		this.cancelWake = undefined;
		// Shutdown is the last chance: parked events get a round of their own.
		this.pending.unparkAll();

		let active = 0;
		let isDisabled = false;
		let hasFailed = false;
		while (true) {
			while (!isDisabled && !hasFailed && active < this.limits.drainConcurrency && this.pending.queuedCount() > 0) {
				const uuids = this.takeBatch();
				active += 1;
				platform.scheduler.spawn(() => {
					const remaining = deadline - clock.monotonicSeconds();
					const timeout = math.clamp(math.ceil(remaining), 1, this.limits.requestTimeoutSeconds);
					const [ok, settled] = pcall(() => this.send(uuids, timeout));
					if (ok && settled.outcome === "httpDisabled") isDisabled = true;
					if (options.stopOnFailure === true && (!ok || isFailure(settled.outcome))) hasFailed = true;
					active -= 1;
				});
			}
			const isIdle = active === 0 && this.pending.inFlightCount() === 0;
			if (isIdle && (this.pending.queuedCount() === 0 || isDisabled || hasFailed)) break;
			if (clock.monotonicSeconds() >= deadline) break;
			platform.scheduler.wait(this.limits.drainPollSeconds);
		}
		this.activeDrains -= 1;

		const unsent = this.pending.queuedCount() + this.pending.inFlightCount();
		const remaining = unsent + this.pending.parkedCount();
		const result: DrainResult = {
			sent: this.stats.sent - sentBefore,
			remaining,
			timedOut: unsent > 0 && !isDisabled && !hasFailed,
			stoppedOnFailure: hasFailed,
		};
		const isWarning = remaining > 0 && options.stopOnFailure !== true;
		this.deps.logger.log(isWarning ? "warn" : "debug", "DRAIN_FINISHED", {
			seconds: string.format("%.1f", clock.monotonicSeconds() - startedAt),
			sent: result.sent,
			remaining,
		});
		return result;
	}

	/** Counters for diagnostics (a copy). */
	getStats(): QueueStats {
		return {
			captured: this.stats.captured,
			sent: this.stats.sent,
			spilled: this.stats.spilled,
			adopted: this.stats.adopted,
			dropped: table.clone(this.stats.dropped),
			retries: this.stats.retries,
			requests: this.stats.requests,
			pending: this.size(),
			parked: this.pending.parkedCount(),
			pendingBytes: this.pending.bytes(),
		};
	}

	/** Events queued, in flight or parked. */
	size(): number {
		return this.pending.size();
	}

	/** Diagnostics: the uuid of the last event enqueue accepted (undefined before the first). */
	lastQueuedUuid(): string | undefined {
		return this.lastQueued;
	}

	/**
	 * How long sending has been failing (every request since then failed, or HTTP is disabled), in
	 * seconds; undefined while the last request succeeded or none was made.
	 */
	failingForSeconds(): number | undefined {
		if (this.failingSince === undefined) return undefined;
		return this.deps.platform.clock.monotonicSeconds() - this.failingSince;
	}

	/**
	 * Takes the oldest events that are not being sent (at most `maxEvents` and, past the first,
	 * `maxBytes` of JSON) out of delivery, for storing elsewhere. They stay pending until checkIn.
	 */
	checkOut(maxEvents: number, maxBytes: number): Array<EncodedEvent> {
		this.pending.unparkAll();
		return this.pending.take(maxEvents, maxBytes).map((entry) => ({ uuid: entry.uuid, encoded: entry.encoded }));
	}

	/** Ends a checkOut: stored events leave the queue; the others are queued again to be sent here. */
	checkIn(events: ReadonlyArray<EncodedEvent>, isStored: boolean) {
		let stored = 0;
		for (const event of events) {
			const entry = this.pending.inFlight(event.uuid);
			if (entry === undefined) continue;
			if (isStored) {
				this.pending.remove(entry);
				stored += 1;
			} else {
				this.pending.requeue(entry);
			}
		}
		this.stats.spilled += stored;
		if (!isStored) this.flushIfFull();
	}

	/**
	 * Queues events another server stored (already through beforeSend and encoded), keeping their uuid
	 * and timestamp. A uuid already pending here is skipped. Returns how many were queued.
	 */
	adopt(events: ReadonlyArray<EncodedEvent>): number {
		let adopted = 0;
		for (const event of events) {
			if (this.pending.has(event.uuid)) continue;
			const bytes = event.encoded.size();
			if (!this.makeRoom(bytes)) continue;
			this.pending.add(event.uuid, event.encoded);
			adopted += 1;
		}
		this.stats.adopted += adopted;
		this.flushIfFull();
		return adopted;
	}

	private isDraining(): boolean {
		return this.activeDrains > 0;
	}

	// Enqueue helpers

	/** beforeSend under pcall; undefined means the event was dropped (and counted). */
	private applyBeforeSend(beforeSend: BeforeSend, event: CapturedEvent): CapturedEvent | undefined {
		const logger = this.deps.logger;
		const outcome = runBeforeSend(beforeSend, event, this.options.sanitize);
		switch (outcome.kind) {
			case "keep":
				return outcome.event;
			case "error":
				this.drop("beforeSendError");
				logger.throttled("warn", "BEFORE_SEND_ERROR", { event: event.event, error: outcome.error });
				return undefined;
			case "dropped":
				this.drop("beforeSend");
				logger.debug("BEFORE_SEND_DROPPED", { event: event.event });
				return undefined;
			case "invalid":
				this.drop("invalidEvent");
				logger.throttled("warn", "BEFORE_SEND_INVALID", { event: event.event, got: outcome.got });
				return undefined;
		}
	}

	/** Drops the oldest queued events until `bytes` more fit; false if they can't (new event dropped). */
	private makeRoom(bytes: number): boolean {
		while (this.size() + 1 > this.options.maxQueueSize || this.pending.bytes() + bytes > this.limits.maxQueueBytes) {
			const reason: DropReason = this.size() + 1 > this.options.maxQueueSize ? "queueFull" : "queueBytes";
			const oldest = this.pending.oldestNotInFlight();
			if (oldest === undefined) {
				// Everything pending is in flight: the new event is the one that can go.
				this.dropForSpace(reason);
				return false;
			}
			this.pending.remove(oldest);
			this.dropForSpace(reason);
		}
		return true;
	}

	private dropForSpace(reason: "queueFull" | "queueBytes") {
		this.drop(reason);
		const total = this.stats.dropped.queueFull + this.stats.dropped.queueBytes;
		if (reason === "queueFull") {
			this.deps.logger.throttled("warn", "QUEUE_FULL", { limit: this.options.maxQueueSize, total });
		} else {
			this.deps.logger.throttled("warn", "QUEUE_BYTES_FULL", { limit: this.limits.maxQueueBytes, total });
		}
	}

	private drop(reason: DropReason, count = 1) {
		this.stats.dropped[reason] += count;
	}

	/** Marks the oldest queued events (up to the batch size and byte limits) in flight; returns their uuids. */
	private takeBatch(): Array<string> {
		return this.pending.take(this.batchSizeLimit, this.limits.maxBatchBytes).map((entry) => entry.uuid);
	}

	// Sending

	/** Posts one batch (YIELDS) and settles its events by uuid. */
	private send(uuids: ReadonlyArray<string>, timeoutSeconds: number): Settled {
		const platform = this.deps.platform;
		const encoded = new Array<string>();
		for (const uuid of uuids) {
			const entry = this.pending.inFlight(uuid);
			if (entry !== undefined) encoded.push(entry.encoded);
		}
		if (encoded.size() === 0) return { outcome: "sent", retryDelaySeconds: 0 };
		const body = buildBatchBody(this.encodedApiKey, encoded, isoTimestamp(platform.clock.nowMillis()));
		this.stats.requests += 1;
		const [ok, response] = pcall(() =>
			platform.http.request({
				url: this.url,
				method: "POST",
				headers: { "content-type": "application/json" },
				body,
				gzip: this.options.enableCompression,
				timeoutSeconds,
			}),
		);
		const result: HttpResult = ok ? response : { kind: "error", message: tostring(response) };
		return this.settle(uuids, result, body.size());
	}

	private settle(uuids: ReadonlyArray<string>, result: HttpResult, bodyBytes: number): Settled {
		const logger = this.deps.logger;
		const count = uuids.size();
		const outcome = classifyResponse(result, count);
		if (isFailure(outcome)) this.failingSince ??= this.deps.platform.clock.monotonicSeconds();
		let retryDelaySeconds = 0;
		switch (outcome) {
			case "sent": {
				let sent = 0;
				for (const uuid of uuids) {
					const entry = this.pending.inFlight(uuid);
					if (entry === undefined) continue;
					this.pending.remove(entry);
					sent += 1;
				}
				this.stats.sent += sent;
				this.consecutiveFailures = 0;
				this.failingSince = undefined;
				this.batchSizeLimit = math.min(this.options.maxBatchSize, this.batchSizeLimit * 2);
				if (this.isHttpDisabled) {
					this.isHttpDisabled = false;
					logger.resetOnce("HTTP_DISABLED");
					logger.info("HTTP_ENABLED_AGAIN");
				}
				logger.debug("BATCH_SENT", { count: sent, bytes: bodyBytes });
				break;
			}
			case "retry": {
				this.consecutiveFailures += 1;
				const reason = describeFailure(result);
				let exhausted = 0;
				let requeued = 0;
				for (const uuid of uuids) {
					const entry = this.pending.inFlight(uuid);
					if (entry === undefined) continue;
					entry.failures += 1;
					if (entry.failures > this.options.maxRetries) {
						this.pending.park(entry);
						exhausted += 1;
					} else {
						this.pending.requeue(entry);
						requeued += 1;
					}
				}
				const retryAfter =
					result.kind === "response"
						? parseRetryAfter(result.headers["retry-after"], this.deps.platform.clock.nowMillis())
						: undefined;
				retryDelaySeconds = backoffSeconds(
					this.consecutiveFailures,
					retryAfter,
					this.deps.platform.random.nextNumber(),
				);
				if (requeued > 0) {
					this.stats.retries += 1;
					logger.throttled("info", "BATCH_RETRY", {
						count: requeued,
						reason,
						seconds: string.format("%.1f", retryDelaySeconds),
					});
				}
				if (exhausted > 0) {
					retryDelaySeconds = math.max(retryDelaySeconds, this.limits.retryRoundPauseSeconds);
					logger.throttled("warn", "BATCH_RETRY_ROUND_EXHAUSTED", {
						count: exhausted,
						maxRetries: this.options.maxRetries,
						reason,
						seconds: string.format("%.0f", retryDelaySeconds),
					});
				}
				break;
			}
			case "throttled": {
				for (const uuid of uuids) {
					const entry = this.pending.inFlight(uuid);
					if (entry !== undefined) this.pending.requeue(entry);
				}
				retryDelaySeconds = ROBLOX_THROTTLE_SECONDS;
				logger.throttled("info", "BATCH_RETRY", {
					count,
					reason: describeFailure(result),
					seconds: string.format("%.1f", retryDelaySeconds),
				});
				break;
			}
			case "split": {
				this.batchSizeLimit = math.max(1, math.floor(count / 2));
				for (const uuid of uuids) {
					const entry = this.pending.inFlight(uuid);
					if (entry !== undefined) this.pending.requeue(entry);
				}
				logger.debug("BATCH_SPLIT", { count, size: this.batchSizeLimit });
				break;
			}
			case "drop": {
				let dropped = 0;
				for (const uuid of uuids) {
					const entry = this.pending.inFlight(uuid);
					if (entry === undefined) continue;
					this.pending.remove(entry);
					dropped += 1;
				}
				this.drop("rejected", dropped);
				this.warnRejected(result, dropped);
				break;
			}
			case "httpDisabled": {
				for (const uuid of uuids) {
					const entry = this.pending.inFlight(uuid);
					if (entry !== undefined) this.pending.requeue(entry);
				}
				this.isHttpDisabled = true;
				logger.once("error", "HTTP_DISABLED");
				break;
			}
		}
		return { outcome, retryDelaySeconds };
	}

	private warnRejected(result: HttpResult, count: number) {
		const logger = this.deps.logger;
		if (result.kind === "error") {
			logger.throttled("warn", "HTTP_BLOCKED", { url: this.url, error: result.message, count });
		} else if (result.status === 401 || result.status === 403) {
			logger.throttled(
				"warn",
				"BATCH_REJECTED_AUTH",
				{ count, status: result.status, host: this.options.host },
				undefined,
				`BATCH_REJECTED_${result.status}`,
			);
		} else {
			const excerpt =
				result.body.size() > RESPONSE_EXCERPT_BYTES ? result.body.sub(1, RESPONSE_EXCERPT_BYTES) + "..." : result.body;
			logger.throttled(
				"warn",
				"BATCH_REJECTED",
				{ count, status: result.status, body: repairUtf8(excerpt) },
				undefined,
				`BATCH_REJECTED_${result.status}`,
			);
		}
	}

	// Normal flushing

	/**
	 * Automatic flushes run between start() and stop(), and not while one is running, a backoff or
	 * budget wait is pending (its timer flushes), or HTTP is disabled (the interval probes it).
	 */
	private shouldAutoFlush(): boolean {
		return (
			this.isStarted &&
			!this.isStopped &&
			!this.isFlushing &&
			!this.isDraining() &&
			!this.isHttpDisabled &&
			this.cancelWake === undefined
		);
	}

	/** flushAt events are waiting: send them now, unless a flush, backoff or drain will. */
	private flushIfFull() {
		if (this.pending.queuedCount() >= this.options.flushAt && this.shouldAutoFlush()) this.requestFlush();
	}

	private requestFlush() {
		if (this.isFlushing) return;
		this.deps.platform.scheduler.spawn(() => this.runFlush());
	}

	/** One flusher at a time: sends batch after batch until the queue is empty or sending must pause. */
	private runFlush() {
		if (this.isFlushing || this.isDraining()) return;
		this.isFlushing = true;
		pcall(() => this.flushLoop());
		this.isFlushing = false;
	}

	private flushLoop() {
		const clock = this.deps.platform.clock;
		const budget = this.deps.budget;
		while (!this.isDraining()) {
			if (this.backoffUntil !== undefined) {
				const remaining = this.backoffUntil - clock.monotonicSeconds();
				if (remaining > TIMER_SLACK_SECONDS) {
					// A wake-up timer may fire a little early (timers run on frame time, not the
					// clock): wait out the rest instead of stalling until the next interval.
					if (this.cancelWake === undefined) this.scheduleWake(remaining);
					return;
				}
				this.backoffUntil = undefined;
			}
			this.pending.unparkAll();
			if (this.pending.queuedCount() === 0) return;
			const paceWait = this.secondsUntilPaced();
			if (paceWait > TIMER_SLACK_SECONDS) {
				this.scheduleWake(paceWait);
				return;
			}
			if (!budget.tryTake()) {
				const wait = budget.secondsUntilAvailable();
				this.deps.logger.throttled("debug", "BUDGET_EXHAUSTED", {
					perMinute: budget.getPerMinute(),
					seconds: string.format("%.1f", wait),
				});
				// Never 0: a wake-up in the same instant would find the budget still spent.
				this.scheduleWake(math.max(wait, TIMER_SLACK_SECONDS));
				return;
			}
			this.lastSendAt = clock.monotonicSeconds();
			const settled = this.send(this.takeBatch(), this.limits.requestTimeoutSeconds);
			if (settled.outcome === "retry" || settled.outcome === "throttled") {
				if (!this.isDraining() && this.pending.queuedCount() + this.pending.parkedCount() > 0) {
					this.backoffUntil = clock.monotonicSeconds() + settled.retryDelaySeconds;
					this.scheduleWake(settled.retryDelaySeconds);
				}
				return;
			}
			if (settled.outcome === "httpDisabled") return;
		}
	}

	/**
	 * Pacing: a partial batch waits until 60 / maxRequestsPerMinute seconds have passed since the last
	 * request, so under load batches fill up to maxBatchSize instead of spending the minute's budget
	 * on small ones and then starving. Full batches and Flush() are not held back.
	 */
	private secondsUntilPaced(): number {
		if (this.pending.queuedCount() === 0) this.isFlushRequested = false;
		if (this.isFlushRequested || this.lastSendAt === undefined) return 0;
		if (this.pending.queuedCount() >= this.batchSizeLimit) return 0;
		const interval = 60 / this.deps.budget.getPerMinute();
		return this.lastSendAt + interval - this.deps.platform.clock.monotonicSeconds();
	}

	private scheduleWake(seconds: number) {
		if (this.isStopped) return;
		this.cancelWake?.();
		this.cancelWake = this.deps.platform.scheduler.delay(seconds, () => {
			this.cancelWake = undefined;
			this.runFlush();
		});
	}

	private armInterval() {
		this.cancelInterval = this.deps.platform.scheduler.delay(this.options.flushIntervalSeconds, () => {
			if (this.isStopped) return;
			this.armInterval();
			this.runFlush();
		});
	}
}

/** The object JSON-encoded for one event; properties omitted when empty (`{}` would encode as `[]`). */
function toWireObject(event: CapturedEvent): object {
	const wire: Record<string, unknown> = {
		event: event.event,
		distinct_id: event.distinct_id,
		timestamp: event.timestamp,
		uuid: event.uuid,
	};
	if (next(event.properties)[0] !== undefined) wire.properties = event.properties;
	return wire;
}

/** PostHog could not take the batch now (as opposed to refusing it for good). */
function isFailure(outcome: DeliveryOutcome): boolean {
	return outcome === "retry" || outcome === "throttled" || outcome === "httpDisabled";
}

function describeFailure(result: HttpResult): string {
	return result.kind === "error" ? result.message : `HTTP ${result.status}`;
}
