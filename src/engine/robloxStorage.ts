// ExperienceStorage over MemoryStoreService and DataStoreService. Every call is pcall'd: Roblox raises
// on throttling, quota, outages and (in Studio without API access) on every call; the SDK gets a
// failed result instead and carries on. Structures are opened on first use.

import { DataStoreService, MemoryStoreService } from "@rbxts/services";
import { DurableStore, ExperienceStorage, SharedMap, SharedQueue, StorageResult } from "../core/storage";

function attempt<T>(body: () => T): StorageResult<T> {
	const [ok, value] = pcall(body);
	return ok ? { ok: true, value } : { ok: false, error: tostring(value) };
}

class RobloxSharedMap implements SharedMap {
	private map?: MemoryStoreSortedMap;

	constructor(private readonly name: string) {}

	get(key: string) {
		return attempt(() => this.open().GetAsync(key)[0]);
	}

	set(key: string, value: unknown, expirationSeconds: number) {
		return attempt(() => {
			this.open().SetAsync(key, value, expirationSeconds);
			return undefined;
		});
	}

	update(key: string, transform: (old: unknown) => unknown, expirationSeconds: number) {
		// Roblox reads a nil return as "cancel", which is the contract's undefined.
		return attempt(
			() => this.open().UpdateAsync(key, (old: unknown) => transform(old) as never, expirationSeconds) as unknown,
		);
	}

	remove(key: string) {
		return attempt(() => {
			this.open().RemoveAsync(key);
			return undefined;
		});
	}

	private open() {
		return (this.map ??= MemoryStoreService.GetSortedMap(this.name));
	}
}

class RobloxSharedQueue implements SharedQueue {
	private queue?: MemoryStoreQueue;

	constructor(
		private readonly name: string,
		private readonly invisibilitySeconds: number,
	) {}

	add(value: unknown, expirationSeconds: number) {
		return attempt(() => {
			this.open().AddAsync(value, expirationSeconds);
			return undefined;
		});
	}

	read(count: number) {
		return attempt(() => {
			// waitTimeout 0 returns at once; the default (-1) would wait until an item arrives.
			const [items, id] = this.open().ReadAsync(count, false, 0);
			// Roblox returns no id when nothing was read.
			const readId = id as string | undefined;
			return readId === undefined || items.size() === 0 ? undefined : { items, readId };
		});
	}

	remove(readId: string) {
		return attempt(() => {
			this.open().RemoveAsync(readId);
			return undefined;
		});
	}

	private open() {
		return (this.queue ??= MemoryStoreService.GetQueue(this.name, this.invisibilitySeconds));
	}
}

class RobloxDurableStore implements DurableStore {
	private store?: DataStore;

	constructor(private readonly name: string) {}

	get(key: string) {
		return attempt(() => this.open().GetAsync(key)[0]);
	}

	set(key: string, value: unknown) {
		return attempt(() => {
			this.open().SetAsync(key, value);
			return undefined;
		});
	}

	take(key: string) {
		return attempt(() => this.open().RemoveAsync(key)[0]);
	}

	writeBudget() {
		// SetAsync and RemoveAsync both draw on the SetIncrementAsync budget.
		const budget = attempt(() =>
			DataStoreService.GetRequestBudgetForRequestType(Enum.DataStoreRequestType.SetIncrementAsync),
		);
		return budget.ok ? budget.value : undefined;
	}

	private open() {
		return (this.store ??= DataStoreService.GetDataStore(this.name));
	}
}

export function createRobloxStorage(): ExperienceStorage {
	return {
		sharedMap(name) {
			return new RobloxSharedMap(name);
		},
		sharedQueue(name, invisibilitySeconds) {
			return new RobloxSharedQueue(name, invisibilitySeconds);
		},
		durableStore(name) {
			return new RobloxDurableStore(name);
		},
	};
}
