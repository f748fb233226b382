// Shared flag definitions (shareFlagDefinitions, docs/feature-flags.md "Many servers"): the servers of
// one experience in one world share a MemoryStore lease and a DataStore copy, so one of them polls
// /flags/definitions per interval and the others follow; when storage fails or the owner dies, flags
// keep working and a server polls again.
import { afterEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, World } from "../support/emulator";
import { FakePostHog, RecordedRequest } from "../support/fakePostHog";
import { aFlag, definitionsBody } from "../support/flags";
import { SdkServer, startSdkServer } from "../support/sdk";
import { runtimeOf } from "../support/sdkInternals";
import { linesWith, specOptions } from "../support/serverSpec";

const SECURE_KEY = "phs_test_secure_key";
const INTERVAL = 30;
const ON = definitionsBody([aFlag("a")]);
const OFF = definitionsBody([aFlag("a", [], 0)]);

interface Fleet {
	world: World;
	fake: FakePostHog;
	servers: SdkServer[];
}

let fleet: Fleet | undefined;

afterEach(() => {
	fleet?.world.destroy();
	fleet?.fake.close();
	fleet = undefined;
});

/** `count` servers of one experience, each with the SDK initialized with local evaluation. */
function startFleet(count: number, overrides?: Record<string, unknown>, prepare?: (world: World) => void): Fleet {
	const world = createWorld();
	const fake = FakePostHog.create();
	fake.flags({ flags: {} });
	fake.definitions(ON, '"v1"');
	prepare?.(world);
	const servers = new Array<SdkServer>();
	for (let index = 0; index < count; index++) servers.push(startSdkServer(world));
	for (const { PostHog } of servers) {
		PostHog.Init(
			specOptions(fake, {
				featureFlagsSecureKey: SECURE_KEY,
				featureFlagsPollIntervalSeconds: INTERVAL,
				...overrides,
			}),
		);
	}
	fleet = { world, fake, servers };
	return fleet;
}

/** Arrival times (world seconds) of the definitions requests. */
function definitionsTimes(fake: FakePostHog): number[] {
	return fake.requests("definitions").map((request: RecordedRequest) => request.receivedAt);
}

/** How many of `times` fall in [from, to). */
function countBetween(times: number[], from: number, to: number): number {
	return times.filter((time) => time >= from && time < to).size();
}

/** What each live server reads for flag "a" now ("nil": no value). */
function readings(servers: SdkServer[]): string[] {
	return servers
		.filter(({ server }) => !server.dead)
		.map(({ PostHog }) => tostring(PostHog.IsFeatureEnabled("user-1", "a") as boolean | undefined));
}

function allRead(servers: SdkServer[], value: boolean): boolean {
	return readings(servers).every((reading) => reading === tostring(value));
}

function isPollingForAll({ PostHog }: SdkServer): boolean {
	const flags = runtimeOf(PostHog).flags as unknown as {
		definitions: { shared?: { isPollingForAll(): boolean } };
	};
	return flags.definitions.shared?.isPollingForAll() === true;
}

function errorsOf(servers: SdkServer[]): string[] {
	const errors = new Array<string>();
	for (const { server } of servers) for (const raised of server.errors) errors.push(raised.message);
	return errors;
}

function warningsOf({ server }: SdkServer): string[] {
	return server.output.filter((entry) => entry.kind === "warn").map((entry) => entry.text);
}

describe("shared flag definitions", () => {
	it("20 servers make one definitions request per poll interval between them", () => {
		const { world, fake, servers } = startFleet(20);
		const startedAt = world.now();
		world.runFor(5);
		// Startup: one server took the lease and polled; the others waited for its copy.
		expect(definitionsTimes(fake).size()).toBe(1);
		expect(allRead(servers, true)).toBe(true);
		expect(servers.filter(isPollingForAll).size()).toBe(1);

		world.runFor(6 * INTERVAL);
		const times = definitionsTimes(fake);
		for (let interval = 1; interval <= 6; interval++) {
			const from = startedAt + (interval - 0.5) * INTERVAL;
			expect(countBetween(times, from, from + INTERVAL)).toBe(1);
		}
		expect(times.size()).toBe(7);
		expect(
			fake
				.requests("definitions")
				.filter((request) => request.status === 304)
				.size(),
		).toBe(6);
		const stats = world.storageStats();
		// 20 servers, one MemoryStore read a round each (the owner also writes), far under 1000 a minute.
		expect(stats.memoryStore.unitsLastMinute < 100).toBe(true);
		expect(stats.memoryStore.failures).toBe(0);
		// One DataStore write (the first copy) and one read per follower.
		expect(stats.dataStore.requests).toBe(20);
		expect(errorsOf(servers)).toEqual([]);
	});

	it("every server evaluates with new definitions within two intervals", () => {
		const { world, fake, servers } = startFleet(20);
		world.runFor(2 * INTERVAL + 7);
		expect(allRead(servers, true)).toBe(true);
		const changedAt = world.now();
		fake.definitions(OFF, '"v2"');
		expect(world.runUntil(() => allRead(servers, false), 2 * INTERVAL, 0.5)).toBe(true);
		const seconds = world.now() - changedAt;
		expect(seconds <= 2 * INTERVAL).toBe(true);
		// Still one request per interval, and one more DataStore copy (written once, read by 19).
		const times = definitionsTimes(fake);
		expect(countBetween(times, changedAt, changedAt + 2 * INTERVAL) <= 2).toBe(true);
		expect(
			fake
				.requests("definitions")
				.filter((request) => request.status === 200)
				.size(),
		).toBe(2);
		expect(errorsOf(servers)).toEqual([]);
	});

	it("a server waiting at startup for the shared copy still preloads a joining player locally", () => {
		const { world, fake, servers } = startFleet(5, { preloadFeatureFlags: true });
		world.joinPlayer({ userId: 501, server: servers[4].server });
		world.runFor(5);
		expect(fake.requests("flags").size()).toBe(0);
		expect(servers[4].PostHog.IsFeatureEnabled(501, "a")).toBe(true);
		expect(definitionsTimes(fake).size()).toBe(1);
	});

	it("another server takes over polling within about two intervals when the owner dies", () => {
		const { world, fake, servers } = startFleet(20);
		world.runFor(2 * INTERVAL + 10);
		const owner = servers.find(isPollingForAll)!;
		expect(owner).toBeDefined();
		const before = definitionsTimes(fake);
		const lastPoll = before[before.size() - 1];
		world.kill(owner.server);
		world.runFor(3 * INTERVAL);
		const after = definitionsTimes(fake).filter((time) => time > lastPoll);
		// The lease outlives one missed round (interval + request timeout); followers look again when it
		// runs out, and one of them takes it and polls.
		expect(after.size() > 0).toBe(true);
		expect(after[0] - lastPoll <= 2 * INTERVAL).toBe(true);
		const owners = servers.filter((entry) => !entry.server.dead && isPollingForAll(entry));
		expect(owners.size()).toBe(1);
		// Then one request per interval again, and changes still reach everyone.
		world.runFor(3 * INTERVAL);
		const takenAt = after[0];
		expect(countBetween(definitionsTimes(fake), takenAt + INTERVAL / 2, takenAt + 3.5 * INTERVAL)).toBe(3);
		fake.definitions(OFF, '"v2"');
		expect(world.runUntil(() => allRead(servers, false), 2 * INTERVAL, 0.5)).toBe(true);
		expect(errorsOf(servers.filter((entry) => entry !== owner))).toEqual([]);
	});

	it("hands the lease over when the owner's server closes", () => {
		const { world, fake, servers } = startFleet(5);
		world.runFor(INTERVAL + 1);
		const owner = servers.find(isPollingForAll)!;
		const lastPoll = definitionsTimes(fake)[1];
		world.shutdownServer(owner.server);
		world.runFor(5);
		// A follower took the lease at its next round, without polling again what was just checked.
		const live = servers.filter((entry) => !entry.server.dead);
		expect(live.filter(isPollingForAll).size()).toBe(1);
		expect(definitionsTimes(fake).size()).toBe(2);
		world.runFor(2 * INTERVAL);
		const after = definitionsTimes(fake).filter((time) => time > lastPoll);
		expect(after.size()).toBe(2);
		expect(after[0] - lastPoll < INTERVAL + 5).toBe(true);
		expect(errorsOf(live)).toEqual([]);
	});

	describe("when storage fails", () => {
		const CASES: Array<[string, { memoryStore?: { rate: number }; dataStore?: { rate: number } }]> = [
			["MemoryStore and DataStore", { memoryStore: { rate: 1 }, dataStore: { rate: 1 } }],
			["MemoryStore", { memoryStore: { rate: 1 } }],
			["DataStore", { dataStore: { rate: 1 } }],
			["every other call", { memoryStore: { rate: 0.5 }, dataStore: { rate: 0.5 } }],
		];
		for (const [what, faults] of CASES) {
			it(`(${what}) every server still evaluates flags, and nothing raises`, () => {
				const { world, fake, servers } = startFleet(5, undefined, (created) => created.storageFaults(faults));
				world.runFor(INTERVAL + 15);
				expect(allRead(servers, true)).toBe(true);
				fake.definitions(OFF, '"v2"');
				expect(world.runUntil(() => allRead(servers, false), 2 * INTERVAL, 0.5)).toBe(true);
				expect(errorsOf(servers)).toEqual([]);
				for (const entry of servers) {
					expect(linesWith(warningsOf(entry), "FLAG_DEFINITIONS_SHARING_FAILED").size() <= 1).toBe(true);
				}
			});
		}

		it("with MemoryStore down, each server polls every interval itself (as without sharing)", () => {
			const { world, fake, servers } = startFleet(5, undefined, (created) =>
				created.storageFaults({ memoryStore: { rate: 1 } }),
			);
			const startedAt = world.now();
			world.runFor(2 * INTERVAL + 5);
			expect(countBetween(definitionsTimes(fake), startedAt, startedAt + 2 * INTERVAL + 5)).toBe(15);
			for (const entry of servers) {
				expect(linesWith(warningsOf(entry), "FLAG_DEFINITIONS_SHARING_FAILED").size()).toBe(1);
			}
		});

		it("that start failing later: servers poll themselves, then share again once storage works", () => {
			const { world, fake, servers } = startFleet(5);
			world.runFor(INTERVAL + 5);
			world.storageFaults({ memoryStore: { rate: 1 }, dataStore: { rate: 1 } });
			fake.definitions(OFF, '"v2"');
			expect(world.runUntil(() => allRead(servers, false), INTERVAL + 1, 0.5)).toBe(true);
			world.storageFaults(undefined);
			world.runFor(2 * INTERVAL + 5);
			const sharedFrom = world.now();
			world.runFor(3 * INTERVAL);
			expect(countBetween(definitionsTimes(fake), sharedFrom, sharedFrom + 3 * INTERVAL)).toBe(3);
			expect(errorsOf(servers)).toEqual([]);
		});
	});

	it("with shareFlagDefinitions = false every server polls", () => {
		const { world, fake, servers } = startFleet(5, { shareFlagDefinitions: false });
		const startedAt = world.now();
		world.runFor(2 * INTERVAL + 5);
		expect(countBetween(definitionsTimes(fake), startedAt, startedAt + 2 * INTERVAL + 5)).toBe(15);
		expect(servers.filter(isPollingForAll).size()).toBe(0);
		expect(allRead(servers, true)).toBe(true);
	});
});
