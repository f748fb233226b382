import { describe, expect, it } from "@rbxts/jest-globals";
import { FlagValue } from "../../../core/flags/FlagDefinition";
import { FlagsResponse, RemoteFlag } from "../../../core/flags/parseFlagsResponse";
import { PlayerFlagCache } from "../../../core/flags/PlayerFlagCache";

const NOW = 1767323045678;

function aResponse(values: Record<string, FlagValue>, overrides: Partial<FlagsResponse> = {}): FlagsResponse {
	const flags = new Map<string, RemoteFlag>();
	for (const [key, value] of pairs(values)) flags.set(key, { key, value });
	return {
		flags,
		failedKeys: [],
		errorsWhileComputingFlags: false,
		isQuotaLimited: false,
		minimalFlagCalledEvents: false,
		...overrides,
	};
}

/** The player's values, by key. */
function valuesOf(cache: PlayerFlagCache, distinctId = "123"): Record<string, FlagValue> {
	const values: Record<string, FlagValue> = {};
	const player = cache.get(distinctId);
	if (player !== undefined) for (const [key, flag] of player.flags) values[key] = flag.value;
	return values;
}

describe("PlayerFlagCache", () => {
	it("holds nothing for a player before their first load", () => {
		const cache = new PlayerFlagCache();
		expect(cache.get("123")).toBe(undefined);
		expect(cache.hasLoaded("123")).toBe(false);
	});

	it("stores a /flags answer with its metadata", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: "blue" }, { requestId: "req-1", evaluatedAt: 5 }), { nowMillis: NOW });
		expect(cache.getFlag("123", "beta")).toMatchObject({ value: "blue", locallyEvaluated: false });
		expect(cache.get("123")).toMatchObject({ requestId: "req-1", evaluatedAt: 5, loadedAtMillis: NOW });
		expect(cache.hasLoaded("123")).toBe(true);
	});

	it("replaces the values on a complete answer, dropping flags that are gone", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: true, old: true }), { nowMillis: NOW });
		cache.applyRemote("123", aResponse({ beta: false }), { nowMillis: NOW });
		expect(valuesOf(cache)).toEqual({ beta: false });
	});

	it("drops only the requested keys on a single-flag answer", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: true, other: true }), { nowMillis: NOW });
		cache.applyRemote("123", aResponse({}), { nowMillis: NOW, requestedKeys: ["beta"] });
		expect(valuesOf(cache)).toEqual({ other: true });
	});

	it("keeps the last good values when the server had errors computing flags", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: true, gamma: "a" }), { nowMillis: NOW });
		cache.applyRemote("123", aResponse({ gamma: "b" }, { errorsWhileComputingFlags: true }), { nowMillis: NOW });
		expect(valuesOf(cache)).toEqual({ beta: true, gamma: "b" });
		expect(cache.get("123")?.lastError).toBe("errors_while_computing_flags");
	});

	it("keeps the last good value of a failed flag", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: true }), { nowMillis: NOW });
		cache.applyRemote("123", aResponse({}, { failedKeys: ["beta"] }), { nowMillis: NOW });
		expect(valuesOf(cache)).toEqual({ beta: true });
	});

	it("keeps every value when a load fails, and clears the error on the next complete answer", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: true }), { nowMillis: NOW });
		cache.recordError("123", "quota_limited");
		expect(valuesOf(cache)).toEqual({ beta: true });
		expect(cache.get("123")?.lastError).toBe("quota_limited");
		cache.applyRemote("123", aResponse({ beta: true }), { nowMillis: NOW });
		expect(cache.get("123")?.lastError).toBe(undefined);
	});

	it("stores locally evaluated values over remote ones", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: false }), { nowMillis: NOW });
		cache.applyLocal("123", new Map([["beta", { value: true, locallyEvaluated: true }]]), NOW);
		expect(cache.getFlag("123", "beta")).toEqual({ value: true, locallyEvaluated: true });
	});

	it("keeps players apart and drops one on remove", () => {
		const cache = new PlayerFlagCache();
		cache.applyRemote("123", aResponse({ beta: true }), { nowMillis: NOW });
		cache.applyRemote("456", aResponse({ beta: false }), { nowMillis: NOW });
		cache.remove("123");
		expect(cache.get("123")).toBe(undefined);
		expect(valuesOf(cache, "456")).toEqual({ beta: false });
	});
});
