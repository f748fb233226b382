// Decides which flag reads emit `$feature_flag_called`: once per (distinct id, flag key, value,
// groups), per posthog-protocol §10. Memory is bounded by evicting the least recently seen calls
// one at a time, never by clearing everything (that would flood PostHog with repeats, the fault
// of posthog-node's cache). Pure.

import { FlagValue } from "./FlagDefinition";

/** posthog-python keeps 50,000 entries too. */
export const DEFAULT_MAX_TRACKED_CALLS = 50_000;

export interface FeatureFlagCallKey {
	distinctId: string;
	flagKey: string;
	/** undefined when the flag is missing. */
	value: FlagValue | undefined;
	/** Group type name to group key; order doesn't matter. */
	groups?: Readonly<Record<string, string>>;
}

interface Entry {
	key: string;
	newer?: Entry;
	older?: Entry;
}

/** `<length>:<text>`, so no separator inside an id or key can make two calls collide. */
function part(text: string) {
	return `${text.size()}:${text}`;
}

/** The dedupe key: equal for calls that differ only in the order of their groups. */
export function featureFlagCallKey(call: FeatureFlagCallKey): string {
	let value: string;
	if (call.value === undefined) value = "nil";
	else if (typeIs(call.value, "boolean")) value = call.value ? "true" : "false";
	else value = `variant ${part(call.value)}`;
	const groupParts = new Array<string>();
	if (call.groups !== undefined) {
		for (const [groupType, groupKey] of pairs(call.groups)) groupParts.push(part(groupType) + part(groupKey));
	}
	groupParts.sort();
	return [part(call.distinctId), part(call.flagKey), value, groupParts.join("")].join("|");
}

export class FeatureFlagCalledTracker {
	private readonly entries = new Map<string, Entry>();
	/** Kept by hand: roblox-ts Map.size() walks the whole table. */
	private count = 0;
	private newest?: Entry;
	private oldest?: Entry;

	constructor(readonly maxEntries = DEFAULT_MAX_TRACKED_CALLS) {}

	/**
	 * True the first time this call is seen (or seen again after it was evicted), and remembers it;
	 * false for a repeat, which becomes the most recently seen.
	 */
	shouldCapture(call: FeatureFlagCallKey): boolean {
		const key = featureFlagCallKey(call);
		const entry = this.entries.get(key);
		if (entry !== undefined) {
			this.unlink(entry);
			this.pushNewest(entry);
			return false;
		}
		const added: Entry = { key };
		this.entries.set(key, added);
		this.count += 1;
		this.pushNewest(added);
		while (this.count > this.maxEntries && this.oldest !== undefined) {
			const evicted = this.oldest;
			this.unlink(evicted);
			this.entries.delete(evicted.key);
			this.count -= 1;
		}
		return true;
	}

	/** Forgets every call: on a flag reload that changed values, on reset and on shutdown. */
	reset() {
		this.entries.clear();
		this.count = 0;
		this.newest = undefined;
		this.oldest = undefined;
	}

	size(): number {
		return this.count;
	}

	private pushNewest(entry: Entry) {
		entry.older = this.newest;
		entry.newer = undefined;
		if (this.newest !== undefined) this.newest.newer = entry;
		this.newest = entry;
		if (this.oldest === undefined) this.oldest = entry;
	}

	private unlink(entry: Entry) {
		if (entry.newer !== undefined) entry.newer.older = entry.older;
		else this.newest = entry.older;
		if (entry.older !== undefined) entry.older.newer = entry.newer;
		else this.oldest = entry.newer;
		entry.newer = undefined;
		entry.older = undefined;
	}
}
