// The events an EventQueue holds, oldest first, each in one state:
//   queued   waiting to be sent;
//   inFlight taken by a request (or checked out to storage) and not settled yet;
//   parked   its batch used up its retries; it waits, still pending, for the next delivery round.
// Removal is by uuid, never by position: removed entries stay in the array until the front is
// compacted, so a removal costs O(1) however long the queue is.

export type PendingState = "queued" | "inFlight" | "parked" | "removed";

export interface PendingEvent {
	readonly uuid: string;
	/** The event's JSON, exactly as it goes into a batch. */
	readonly encoded: string;
	readonly bytes: number;
	state: PendingState;
	/** Failed sends in the current delivery round; past maxRetries the event is parked. */
	failures: number;
}

/** Compact the entry array once this many removed entries sit at its front. */
const COMPACT_THRESHOLD = 256;

export class PendingEvents {
	/** Oldest first; entries before `head` are all removed. */
	private entries = new Array<PendingEvent>();
	private head = 0;
	private readonly byUuid = new Map<string, PendingEvent>();
	private counts = { queued: 0, inFlight: 0, parked: 0, bytes: 0 };

	/** Events queued, in flight or parked. */
	size(): number {
		return this.counts.queued + this.counts.inFlight + this.counts.parked;
	}

	queuedCount(): number {
		return this.counts.queued;
	}

	inFlightCount(): number {
		return this.counts.inFlight;
	}

	parkedCount(): number {
		return this.counts.parked;
	}

	/** Encoded bytes of every pending event. */
	bytes(): number {
		return this.counts.bytes;
	}

	has(uuid: string): boolean {
		return this.byUuid.has(uuid);
	}

	/** Appends a queued event; the caller checked that its uuid is new. */
	add(uuid: string, encoded: string) {
		const entry: PendingEvent = { uuid, encoded, bytes: encoded.size(), state: "queued", failures: 0 };
		this.entries.push(entry);
		this.byUuid.set(uuid, entry);
		this.counts.queued += 1;
		this.counts.bytes += entry.bytes;
	}

	/** The oldest event not in flight (queued or parked): the one drop-oldest removes. */
	oldestNotInFlight(): PendingEvent | undefined {
		for (let index = this.head; index < this.entries.size(); index++) {
			const entry = this.entries[index];
			if (entry.state === "queued" || entry.state === "parked") return entry;
		}
		return undefined;
	}

	/** The in-flight entry for `uuid`, if it is still pending. */
	inFlight(uuid: string): PendingEvent | undefined {
		const entry = this.byUuid.get(uuid);
		return entry !== undefined && entry.state === "inFlight" ? entry : undefined;
	}

	/**
	 * Marks the oldest queued events in flight, at most `maxCount` and, past the first, `maxBytes` of
	 * JSON (one byte of separator each), and returns them.
	 */
	take(maxCount: number, maxBytes: number): Array<PendingEvent> {
		const taken = new Array<PendingEvent>();
		let bytes = 0;
		for (let index = this.head; index < this.entries.size(); index++) {
			if (taken.size() >= maxCount) break;
			const entry = this.entries[index];
			if (entry.state !== "queued") continue;
			if (taken.size() > 0 && bytes + entry.bytes > maxBytes) break;
			this.move(entry, "inFlight");
			bytes += entry.bytes + 1;
			taken.push(entry);
		}
		return taken;
	}

	/** An in-flight event goes back to the queue. */
	requeue(entry: PendingEvent) {
		this.move(entry, "queued");
	}

	/** An in-flight event whose batch used up its retries waits for the next round. */
	park(entry: PendingEvent) {
		entry.failures = 0;
		this.move(entry, "parked");
	}

	/** Starts a delivery round: parked events become sendable again, oldest first as before. */
	unparkAll() {
		if (this.counts.parked === 0) return;
		for (let index = this.head; index < this.entries.size(); index++) {
			const entry = this.entries[index];
			if (entry.state === "parked") this.move(entry, "queued");
		}
	}

	remove(entry: PendingEvent) {
		if (entry.state === "removed") return;
		this.move(entry, "removed");
		this.counts.bytes -= entry.bytes;
		this.byUuid.delete(entry.uuid);
		this.compact();
	}

	private move(entry: PendingEvent, state: PendingState) {
		const counts = this.counts;
		if (entry.state === "queued") counts.queued -= 1;
		else if (entry.state === "inFlight") counts.inFlight -= 1;
		else if (entry.state === "parked") counts.parked -= 1;
		if (state === "queued") counts.queued += 1;
		else if (state === "inFlight") counts.inFlight += 1;
		else if (state === "parked") counts.parked += 1;
		entry.state = state;
	}

	/** Moves `head` past removed entries and occasionally drops them from the array. */
	private compact() {
		const entries = this.entries;
		while (this.head < entries.size() && entries[this.head].state === "removed") this.head += 1;
		if (this.head >= entries.size()) {
			this.entries = [];
			this.head = 0;
		} else if (this.head >= COMPACT_THRESHOLD && this.head * 2 >= entries.size()) {
			const kept = new Array<PendingEvent>();
			for (let index = this.head; index < entries.size(); index++) kept.push(entries[index]);
			this.entries = kept;
			this.head = 0;
		}
	}
}
