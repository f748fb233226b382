// Where durable delivery keeps events no server could send yet, in Roblox's storage (platform.md and
// docs/durability.md list the limits). A spilled chunk is two records:
//   - its events, in a DataStore value (persistent, up to 4 MB, a small per-server request budget);
//   - an index entry pointing at it, in a MemoryStoreQueue (tiny, so thousands fit the memory quota;
//     a read hides it from other servers for CLAIM_SECONDS, which is the claim).
// A claim then takes the DataStore value with RemoveAsync, which returns it to one caller only, so two
// servers never send the same chunk even if a claim outlives its invisibility. Index entries expire
// after the retention; a chunk found past its expiry is discarded. Pure: storage comes from the
// platform, and every call YIELDS.

import { DurableStore, ExperienceStorage, SharedQueue } from "../storage";
import { RandomSource } from "../platform";
import { EncodedEvent } from "./EventQueue";

/** How long a read index entry stays hidden from other servers: the time to fetch and queue its chunk. */
const CLAIM_SECONDS = 60;
/** Format of the stored chunk; a server ignores chunks of a format it does not know. */
const CHUNK_FORMAT = 1;
/**
 * DataStore writes left to the game: the SDK writes only while the server's budget holds more than
 * this, so analytics never delays a player's save. (A budget refills at 60 + 10 × players a minute;
 * 30 is also the length of Roblox's queue of throttled requests.)
 */
export const DATASTORE_WRITES_KEPT_FOR_GAME = 30;

export interface SpillStoreOptions {
	/** projectTag(host, apiKey): names the structures, so projects never mix. */
	tag: string;
	/** Seconds a chunk may wait for a server to send it. */
	retentionSeconds: number;
}

export interface SpillStoreDeps {
	storage: ExperienceStorage;
	random: RandomSource;
	/** Unix milliseconds. */
	nowMillis: () => number;
}

interface ChunkRecord {
	v: number;
	/** Encoded events, one per line: JSON text never holds a raw newline. */
	events: string;
	/** Their uuids, in the same order (a uuid set by beforeSend may hold any character). */
	uuids: string[];
	/** Unix milliseconds after which the chunk is discarded. */
	expires: number;
}

interface IndexEntry {
	key: string;
	count: number;
}

export type StoreResult = { ok: true } | { ok: false; error: string };

export type ClaimResult =
	| { kind: "empty" }
	| { kind: "claimed"; events: Array<EncodedEvent> }
	/** The index pointed at a chunk another server took (count 0), or one expired or unreadable. */
	| { kind: "stale"; count: number }
	/** Not now: the DataStore write budget is the game's. */
	| { kind: "deferred" }
	| { kind: "failed"; error: string };

export class SpillStore {
	private readonly index: SharedQueue;
	private readonly chunks: DurableStore;

	constructor(
		private readonly options: SpillStoreOptions,
		private readonly deps: SpillStoreDeps,
	) {
		// DataStore names are limited to 50 characters and MemoryStore names to 128.
		this.index = deps.storage.sharedQueue(`PostHogSpill_${options.tag}`, CLAIM_SECONDS);
		this.chunks = deps.storage.durableStore(`PostHogSpill_${options.tag}`);
	}

	/** Stores one chunk of events (the caller bounds its size). YIELDS. */
	store(events: ReadonlyArray<EncodedEvent>): StoreResult {
		if (!this.mayWrite()) {
			return { ok: false, error: "the DataStore write budget is left to the game for now" };
		}
		const key = this.newKey();
		const encoded = new Array<string>();
		const uuids = new Array<string>();
		for (const event of events) {
			encoded.push(event.encoded);
			uuids.push(event.uuid);
		}
		const record: ChunkRecord = {
			v: CHUNK_FORMAT,
			events: encoded.join("\n"),
			uuids,
			expires: this.deps.nowMillis() + this.options.retentionSeconds * 1000,
		};
		const written = this.chunks.set(key, record);
		if (!written.ok) return written;
		const entry: IndexEntry = { key, count: events.size() };
		const indexed = this.index.add(entry, this.options.retentionSeconds);
		if (indexed.ok) return { ok: true };
		// No server could find the chunk: take it back rather than leave it in the DataStore for good.
		this.chunks.take(key);
		return indexed;
	}

	/** Claims the next chunk, if any, and takes its events out of storage. YIELDS. */
	claim(): ClaimResult {
		// Taking a chunk is a DataStore write too.
		if (!this.mayWrite()) return { kind: "deferred" };
		const read = this.index.read(1);
		if (!read.ok) return { kind: "failed", error: read.error };
		if (read.value === undefined) return { kind: "empty" };
		const entry = read.value.items[0] as Partial<IndexEntry> | undefined;
		if (entry === undefined || !typeIs(entry.key, "string")) {
			this.index.remove(read.value.readId);
			return { kind: "stale", count: 0 };
		}
		const taken = this.chunks.take(entry.key);
		// Left in the index, the entry shows up again after CLAIM_SECONDS and is retried.
		if (!taken.ok) return { kind: "failed", error: taken.error };
		this.index.remove(read.value.readId);
		if (taken.value === undefined) return { kind: "stale", count: 0 };
		const events = this.decode(taken.value);
		if (events === undefined) return { kind: "stale", count: typeIs(entry.count, "number") ? entry.count : 0 };
		return { kind: "claimed", events };
	}

	private mayWrite(): boolean {
		const budget = this.chunks.writeBudget();
		return budget === undefined || budget > DATASTORE_WRITES_KEPT_FOR_GAME;
	}

	private decode(value: unknown): Array<EncodedEvent> | undefined {
		if (!typeIs(value, "table")) return undefined;
		const record = value as Partial<ChunkRecord>;
		if (record.v !== CHUNK_FORMAT || !typeIs(record.events, "string") || !typeIs(record.uuids, "table")) {
			return undefined;
		}
		if (!typeIs(record.expires, "number") || record.expires < this.deps.nowMillis()) return undefined;
		const encoded = record.events.split("\n");
		const uuids = record.uuids;
		if (encoded.size() !== uuids.size()) return undefined;
		const events = new Array<EncodedEvent>();
		for (let index = 0; index < encoded.size(); index++) {
			const uuid = uuids[index];
			if (!typeIs(uuid, "string")) return undefined;
			events.push({ uuid, encoded: encoded[index] });
		}
		return events;
	}

	private newKey(): string {
		// 32 hex digits: DataStore keys are limited to 50 characters.
		return this.deps.random.generateGuid().gsub("-", "")[0].lower();
	}
}
