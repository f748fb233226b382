// An in-memory ExperienceStorage (core/storage.ts) for core specs: MemoryStore sorted maps whose
// entries expire on a FakeClock, DataStores, and queues. Values go through JSON, as Roblox serializes
// them. Calls don't yield; `failing` makes every call of a kind fail, and `requests` counts calls.

import { HttpService } from "@rbxts/services";
import { DurableStore, ExperienceStorage, SharedMap, SharedQueue, StorageResult } from "../../core/storage";
import { FakeClock } from "./fakePlatform";

type Kind = "memoryStore" | "dataStore";

function copyOf(value: unknown): unknown {
	return value === undefined ? undefined : HttpService.JSONDecode(HttpService.JSONEncode(value));
}

/** Counts a call and runs it, or fails it while its kind is failing. */
type Call = <T>(kind: Kind, body: () => T) => StorageResult<T>;

class FakeSharedMap implements SharedMap {
	private readonly entries = new Map<string, { value: unknown; expiresAt: number }>();

	constructor(
		private readonly clock: FakeClock,
		private readonly call: Call,
	) {}

	get(key: string) {
		return this.call("memoryStore", () => copyOf(this.live(key)));
	}

	set(key: string, value: unknown, expirationSeconds: number) {
		return this.call("memoryStore", () => {
			this.write(key, value, expirationSeconds);
			return undefined;
		});
	}

	update(key: string, transform: (old: unknown) => unknown, expirationSeconds: number) {
		return this.call("memoryStore", () => {
			const written = copyOf(transform(copyOf(this.live(key))));
			if (written !== undefined) this.write(key, written, expirationSeconds);
			return copyOf(written);
		});
	}

	remove(key: string) {
		return this.call("memoryStore", () => {
			this.entries.delete(key);
			return undefined;
		});
	}

	private live(key: string): unknown {
		const entry = this.entries.get(key);
		if (entry === undefined || entry.expiresAt > this.clock.elapsed()) return entry?.value;
		this.entries.delete(key);
		return undefined;
	}

	private write(key: string, value: unknown, expirationSeconds: number) {
		this.entries.set(key, { value: copyOf(value), expiresAt: this.clock.elapsed() + expirationSeconds });
	}
}

class FakeSharedQueue implements SharedQueue {
	private readonly items = new Array<defined>();
	private reads = 0;

	constructor(private readonly call: Call) {}

	add(value: unknown) {
		return this.call("memoryStore", () => {
			this.items.push(copyOf(value) ?? {});
			return undefined;
		});
	}

	read(count: number) {
		return this.call("memoryStore", () => {
			if (this.items.size() === 0) return undefined;
			this.reads += 1;
			const taken = new Array<defined>();
			while (taken.size() < count && this.items.size() > 0) taken.push(this.items.shift()!);
			return { items: taken, readId: tostring(this.reads) };
		});
	}

	remove() {
		return this.call("memoryStore", () => undefined);
	}
}

class FakeDurableStore implements DurableStore {
	private readonly values = new Map<string, unknown>();

	constructor(private readonly call: Call) {}

	get(key: string) {
		return this.call("dataStore", () => copyOf(this.values.get(key)));
	}

	set(key: string, value: unknown) {
		return this.call("dataStore", () => {
			this.values.set(key, copyOf(value));
			return undefined;
		});
	}

	take(key: string) {
		return this.call("dataStore", () => {
			const value = this.values.get(key);
			this.values.delete(key);
			return value;
		});
	}

	writeBudget() {
		return undefined;
	}
}

export class FakeStorage implements ExperienceStorage {
	/** Calls made, per kind (failed ones included). */
	readonly requests: Record<Kind, number> = { memoryStore: 0, dataStore: 0 };
	/** Kinds whose calls fail. */
	readonly failing: Record<Kind, boolean> = { memoryStore: false, dataStore: false };
	private readonly maps = new Map<string, FakeSharedMap>();
	private readonly stores = new Map<string, FakeDurableStore>();
	private readonly queues = new Map<string, FakeSharedQueue>();
	private readonly call: Call = <T>(kind: Kind, body: () => T): StorageResult<T> => {
		this.requests[kind] += 1;
		if (this.failing[kind]) return { ok: false, error: `${kind} is failing` };
		return { ok: true, value: body() };
	};

	constructor(private readonly clock: FakeClock) {}

	sharedMap(name: string): SharedMap {
		const map = this.maps.get(name) ?? new FakeSharedMap(this.clock, this.call);
		this.maps.set(name, map);
		return map;
	}

	sharedQueue(name: string): SharedQueue {
		const queue = this.queues.get(name) ?? new FakeSharedQueue(this.call);
		this.queues.set(name, queue);
		return queue;
	}

	durableStore(name: string): DurableStore {
		const store = this.stores.get(name) ?? new FakeDurableStore(this.call);
		this.stores.set(name, store);
		return store;
	}
}
