// The engine contract for storage shared by every server of an experience: Roblox's MemoryStoreService
// (short-lived, fast, small: leases, claims, indexes) and DataStoreService (persistent, up to 4 MB a
// value: payloads). engine/robloxStorage.ts implements it; core modules that coordinate servers
// (durable delivery, shared flag definitions) see only this. Every call YIELDS and never throws: a
// storage failure is a value, so a throttled or broken store can never break the game.

export type StorageResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** A MemoryStoreSortedMap: small values (32 KB) that expire. */
export interface SharedMap {
	get(key: string): StorageResult<unknown>;
	/** Writes the value; it disappears after `expirationSeconds` (at most 45 days). */
	set(key: string, value: unknown, expirationSeconds: number): StorageResult<undefined>;
	/**
	 * Atomic read-modify-write: `transform(old)` returns the new value, or undefined to leave the entry
	 * as it is. The result's value is what was written (undefined when the transform cancelled). The
	 * transform may run more than once and must not yield.
	 */
	update(key: string, transform: (old: unknown) => unknown, expirationSeconds: number): StorageResult<unknown>;
	remove(key: string): StorageResult<undefined>;
}

/** A MemoryStoreQueue: items read by one server become invisible to others until removed or timed out. */
export interface SharedQueue {
	add(value: unknown, expirationSeconds: number): StorageResult<undefined>;
	/** Up to `count` items without waiting; `readId` removes them. Undefined when the queue is empty. */
	read(count: number): StorageResult<{ items: unknown[]; readId: string } | undefined>;
	remove(readId: string): StorageResult<undefined>;
}

/** A DataStore: persistent values up to 4 MB; the per-server request budget is small (60 + 10 × players a minute). */
export interface DurableStore {
	get(key: string): StorageResult<unknown>;
	set(key: string, value: unknown): StorageResult<undefined>;
	/** Deletes the key and returns the value it held (undefined if none): only one caller gets it. */
	take(key: string): StorageResult<unknown>;
	/**
	 * Writes this server may make now without being throttled: the budget it shares with the game's own
	 * saves. Undefined when the engine can't tell.
	 */
	writeBudget(): number | undefined;
}

export interface ExperienceStorage {
	sharedMap(name: string): SharedMap;
	/** `invisibilitySeconds`: how long a read item stays hidden from other readers. */
	sharedQueue(name: string, invisibilitySeconds: number): SharedQueue;
	durableStore(name: string): DurableStore;
}
