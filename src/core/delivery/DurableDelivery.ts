// Durable delivery: events this server can't send in time go to experience storage (SpillStore), and
// every server takes stored events back into its own queue when PostHog answers again.
//   - Checkpoints: every checkpointSeconds while sending has been failing that long, and at once when
//     the queue is nearly full, everything queued here (not in flight) is stored. A crash then loses
//     at most what was captured since the last checkpoint.
//   - Close (BindToClose): send while PostHog answers, and store the rest as soon as a request fails
//     or the send budget is spent.
//   - Pickup: while sending works and the queue has room, claim one stored chunk at a time and queue
//     it; the queue sends it within the HTTP budget, with its original uuid and timestamp.
// Storage failures never reach the game: events that could not be stored stay queued here, or, at
// close, are counted and reported once. Pure: storage, time and threads come from the platform.

import { Logger } from "../Logger";
import { Cancel, Clock, Scheduler } from "../platform";
import { EncodedEvent, EventQueue } from "./EventQueue";
import { SpillStore } from "./SpillStore";

export interface DurableDeliveryLimits {
	/** Seconds between checkpoints. @default 30 */
	checkpointSeconds: number;
	/** Seconds between looks for stored events while there were none. @default 15 */
	pickupSeconds: number;
	/** Events in one stored chunk; at most a quarter of maxQueueSize is used. @default 250 */
	chunkEvents: number;
	/** JSON bytes in one stored chunk (a DataStore value holds 4 MB). @default 1,000,000 */
	chunkBytes: number;
	/** At close, seconds of the budget kept for storing what could not be sent, at most a fifth of it. @default 5 */
	closeReserveSeconds: number;
}

export const DEFAULT_DURABLE_LIMITS: Readonly<DurableDeliveryLimits> = {
	checkpointSeconds: 30,
	pickupSeconds: 15,
	chunkEvents: 250,
	chunkBytes: 1_000_000,
	closeReserveSeconds: 5,
};

/**
 * A queue holding this fraction of maxQueueSize is stored at once (at most every PRESSURE_GAP_SECONDS),
 * even while sending works: storage absorbs a burst that would otherwise drop the oldest events.
 */
const NEARLY_FULL = 0.8;
/** Least time between two checkpoints the queue's pressure starts, in seconds (DataStore write budget). */
const PRESSURE_GAP_SECONDS = 5;
/** A pickup needs the queue to stay at or under this fraction of maxQueueSize with the chunk added. */
const PICKUP_FILL = 0.5;
/** Seconds between pickups while stored chunks keep coming. */
const BUSY_PICKUP_SECONDS = 1;
/** How often the close waits for in-flight requests to settle, in seconds. */
const SETTLE_POLL_SECONDS = 0.05;

export interface DurableDeliveryDeps {
	queue: EventQueue;
	store: SpillStore;
	clock: Clock;
	scheduler: Scheduler;
	logger: Logger;
	maxQueueSize: number;
	limits?: Partial<DurableDeliveryLimits>;
}

export interface DurableStats {
	/** Events written to storage. */
	stored: number;
	/** Events left unsent and unstored at close: lost. */
	lost: number;
	/** Events taken from storage into this server's queue. */
	pickedUp: number;
	/** Events of stored chunks found expired or unreadable. */
	discarded: number;
}

export interface CloseResult {
	sent: number;
	stored: number;
	lost: number;
}

export class DurableDelivery {
	private readonly limits: DurableDeliveryLimits;
	private readonly stats: DurableStats = { stored: 0, lost: 0, pickedUp: 0, discarded: 0 };
	private cancelCheckpoint?: Cancel;
	private cancelPickup?: Cancel;
	private isRunning = false;
	/** A storage call is in progress (checkpoints and pickups never overlap). */
	private isBusy = false;
	/** Monotonic time of the last checkpoint started by the queue's pressure. */
	private lastPressureAt = -math.huge;

	constructor(private readonly deps: DurableDeliveryDeps) {
		const limits = { ...DEFAULT_DURABLE_LIMITS, ...deps.limits };
		limits.chunkEvents = math.max(math.min(limits.chunkEvents, math.floor(deps.maxQueueSize / 4)), 1);
		this.limits = limits;
	}

	start() {
		if (this.isRunning) return;
		this.isRunning = true;
		this.deps.queue.onPressure(NEARLY_FULL, () => this.onPressure());
		this.scheduleCheckpoint();
		// The first look is soon after start: a new server is often the one that finds an outage's events.
		this.schedulePickup(BUSY_PICKUP_SECONDS);
	}

	stop() {
		this.isRunning = false;
		this.cancelCheckpoint?.();
		this.cancelCheckpoint = undefined;
		this.cancelPickup?.();
		this.cancelPickup = undefined;
	}

	getStats(): DurableStats {
		return table.clone(this.stats);
	}

	/** Stores the queue now if sending is failing or the queue is nearly full. YIELDS. */
	checkpoint() {
		if (this.isBusy) return;
		const queue = this.deps.queue;
		const failingFor = queue.failingForSeconds();
		const isFailing = failingFor !== undefined && failingFor >= this.limits.checkpointSeconds;
		const isNearlyFull = queue.size() >= this.deps.maxQueueSize * NEARLY_FULL;
		if (!isFailing && !isNearlyFull) return;
		this.isBusy = true;
		const result = this.storeQueued();
		this.isBusy = false;
		const logger = this.deps.logger;
		if (result.stored > 0) {
			logger.info("SPILL_STORED", {
				count: result.stored,
				reason: isFailing ? "PostHog has not accepted a batch for a while" : "the queue is nearly full",
			});
		}
		if (result.error !== undefined) {
			logger.once("warn", "SPILL_FAILED", {
				count: queue.size(),
				error: result.error,
				outcome: "they stay queued here",
			});
		}
	}

	/** Claims one stored chunk if this server is sending fine and has room for it. YIELDS. */
	pickUp(): boolean {
		const queue = this.deps.queue;
		if (this.isBusy || queue.failingForSeconds() !== undefined) return false;
		// Half the queue at most, well under a checkpoint's NEARLY_FULL, so a busy server does not store
		// what it just picked up.
		if (queue.size() + this.limits.chunkEvents > this.deps.maxQueueSize * PICKUP_FILL) return false;
		this.isBusy = true;
		const claim = this.deps.store.claim();
		this.isBusy = false;
		const logger = this.deps.logger;
		switch (claim.kind) {
			case "deferred":
				return false;
			case "empty":
				logger.resetOnce("SPILL_READ_FAILED");
				return false;
			case "failed":
				logger.once("warn", "SPILL_READ_FAILED", { error: claim.error });
				return false;
			case "stale":
				this.stats.discarded += claim.count;
				if (claim.count > 0) logger.throttled("warn", "SPILL_DISCARDED", { count: claim.count });
				return true;
			case "claimed": {
				logger.resetOnce("SPILL_READ_FAILED");
				const adopted = queue.adopt(this.withoutOverflow(claim.events));
				this.stats.pickedUp += adopted;
				logger.debug("SPILL_PICKED_UP", { count: adopted });
				return true;
			}
		}
	}

	/**
	 * A chunk stored by a server with a larger maxQueueSize may not fit here: what does not fit goes back
	 * to storage as a chunk of its own (or, if that fails, is queued anyway: the oldest events then give way).
	 */
	private withoutOverflow(events: Array<EncodedEvent>): Array<EncodedEvent> {
		const room = math.max(math.floor(this.deps.maxQueueSize * PICKUP_FILL) - this.deps.queue.size(), 1);
		if (events.size() <= room) return events;
		const kept = new Array<EncodedEvent>();
		const overflow = new Array<EncodedEvent>();
		for (const event of events) (kept.size() < room ? kept : overflow).push(event);
		return this.deps.store.store(overflow).ok ? kept : events;
	}

	/**
	 * BindToClose: sends for at most `budgetSeconds` minus the reserve, stopping at the first failed
	 * request, then stores everything left. YIELDS; returns when nothing is left or the budget is spent.
	 */
	close(budgetSeconds: number): CloseResult {
		this.stop();
		const clock = this.deps.clock;
		const deadline = clock.monotonicSeconds() + budgetSeconds;
		const queue = this.deps.queue;
		let sent = 0;
		// While PostHog is failing there is nothing to gain from trying: store at once.
		if (queue.failingForSeconds() === undefined) {
			const reserve = math.min(this.limits.closeReserveSeconds, budgetSeconds / 5);
			const sendSeconds = math.max(budgetSeconds - reserve, 0);
			sent = queue.drain(sendSeconds, { stopOnFailure: true }).sent;
		}
		let stored = 0;
		let storeError: string | undefined;
		// Batches still in flight when sending stopped may fail and come back: store those too.
		while (true) {
			const result = this.storeQueued();
			stored += result.stored;
			storeError = result.error;
			if (storeError !== undefined || queue.size() === 0 || clock.monotonicSeconds() >= deadline) break;
			this.deps.scheduler.wait(SETTLE_POLL_SECONDS);
		}
		// Storage refused: spend what is left of the budget retrying PostHog, as without durable delivery.
		const remaining = deadline - clock.monotonicSeconds();
		if (storeError !== undefined && remaining > 0 && queue.size() > 0) sent += queue.drain(remaining).sent;
		const lost = queue.size();
		this.stats.lost += lost;
		const logger = this.deps.logger;
		// A warning: at close it means PostHog was unreachable or too slow.
		if (stored > 0) logger.warn("SPILL_STORED", { count: stored, reason: "the server is closing" });
		if (lost > 0) {
			logger.once("warn", "SPILL_FAILED", {
				count: lost,
				error: storeError ?? "the close budget ran out",
				outcome: "they are lost",
			});
		}
		return { sent, stored, lost };
	}

	/** Moves queued events to storage, chunk by chunk, until the queue is empty or a write fails. */
	private storeQueued(): { stored: number; error?: string } {
		const queue = this.deps.queue;
		let stored = 0;
		while (true) {
			const events = queue.checkOut(this.limits.chunkEvents, this.limits.chunkBytes);
			if (events.size() === 0) break;
			const result = this.deps.store.store(events);
			queue.checkIn(events, result.ok);
			if (!result.ok) {
				this.stats.stored += stored;
				return { stored, error: result.error };
			}
			stored += events.size();
			this.deps.logger.resetOnce("SPILL_FAILED");
		}
		this.stats.stored += stored;
		return { stored };
	}

	/** From enqueue (must not yield): a checkpoint in its own thread, unless one ran lately. */
	private onPressure() {
		const now = this.deps.clock.monotonicSeconds();
		if (!this.isRunning || this.isBusy || now - this.lastPressureAt < PRESSURE_GAP_SECONDS) return;
		this.lastPressureAt = now;
		this.deps.scheduler.spawn(() => this.checkpoint());
	}

	private scheduleCheckpoint() {
		this.cancelCheckpoint = this.deps.scheduler.delay(this.limits.checkpointSeconds, () => {
			if (!this.isRunning) return;
			this.scheduleCheckpoint();
			this.checkpoint();
		});
	}

	private schedulePickup(seconds: number) {
		this.cancelPickup = this.deps.scheduler.delay(seconds, () => {
			if (!this.isRunning) return;
			const found = this.pickUp();
			if (this.isRunning) this.schedulePickup(found ? BUSY_PICKUP_SECONDS : this.limits.pickupSeconds);
		});
	}
}
