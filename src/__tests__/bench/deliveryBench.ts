// The delivery benchmark's Luau half (bench/delivery.bench.mjs runs it in the harness): what sending
// costs the server per event (real time around PostHog:Flush until the queue is empty, with the
// transport answering at once, so only the SDK's own work is timed: taking batches, assembling
// bodies from the events encoded at capture, settling them by uuid), and what 1,000 queued events
// hold in memory (the live heap from gcinfo before and after capturing them, and the encoded bytes
// the queue keeps).
// Not a spec.

import { HttpService } from "@rbxts/services";
import { DurableDelivery } from "../../core/delivery/DurableDelivery";
import { HttpRequest, HttpResult } from "../../core/platform";
import { DurableStore, ExperienceStorage, SharedMap, SharedQueue, StorageResult } from "../../core/storage";
import { Peer, World } from "../support/emulator";
import { FakePostHog } from "../support/fakePostHog";
import { callOnServer } from "../support/flags";
import { ServerRuntime } from "../../server/ServerRuntime";
import { runtimeOf } from "../support/sdkInternals";
import { PostHogApi, startSdkServer, testOptions } from "../support/sdk";
import { median, withBenchServer } from "./benchServer";

const ROUNDS = 15;
const EVENTS_PER_ROUND = 1000;

/** A realistic gameplay event's properties (10, as in the capture benchmark). */
function properties(index: number): Record<string, unknown> {
	return {
		level: 1 + (index % 60),
		mode: index % 2 === 0 ? "survival" : "team_deathmatch",
		map: "Desert Outpost",
		difficulty: index % 3 === 0 ? "hard" : "normal",
		duration_seconds: (index % 6000) / 10,
		score: (index * 7919) % 100_000,
		coins_earned: index % 500,
		used_powerup: index % 4 === 0,
		team: index % 2 === 0 ? "red" : "blue",
		checkpoint: `cp_${index % 20}`,
	};
}

/** Init options: no autocapture, and nothing sent until the benchmark flushes. */
const BENCH_INIT = {
	captureLifecycleEvents: false,
	captureErrors: false,
	preloadFeatureFlags: false,
	enableClientRelay: false,
	flushAt: 1_000_000,
	flushIntervalSeconds: 3600,
	maxQueueSize: 1_000_000,
	maxRequestsPerMinute: 500,
};

function withServer<T>(body: (world: World, PostHog: PostHogApi, fake: FakePostHog, server: Peer) => T): T {
	return withBenchServer({ init: BENCH_INIT }, body);
}

function captureRound(PostHog: PostHogApi, round: number) {
	for (let i = 0; i < EVENTS_PER_ROUND; i++) {
		const index = round * EVENTS_PER_ROUND + i;
		PostHog.Capture(1_000_000 + (index % 12), "level_completed", properties(index));
	}
}

/** Median real microseconds per event from PostHog:Flush until the queue is empty (batches of 50). */
function flushCost(): number {
	return withServer((world, PostHog) => {
		const runtime = runtimeOf(PostHog);
		const platform = runtime.platform;
		const ok: HttpResult = { kind: "response", status: 200, headers: {}, body: '{"status":1}' };
		// The transport answers at once: RequestAsync and gzip are native on Roblox and emulated
		// here, so timing them would measure the emulator.
		platform.http = {
			request(_request: HttpRequest) {
				return ok;
			},
		};
		const samples = new Array<number>();
		for (let round = 0; round <= ROUNDS; round++) {
			captureRound(PostHog, round);
			const started = os.clock();
			PostHog.Flush();
			while (runtime.queue.size() > 0) world.runFor(0.01);
			const seconds = os.clock() - started;
			if (round > 0) samples.push((seconds / EVENTS_PER_ROUND) * 1e6);
		}
		assert(runtime.queue.getStats().sent === (ROUNDS + 1) * EVENTS_PER_ROUND, "the flush benchmark lost events");
		return median(samples);
	});
}

interface MemoryResult {
	/** Median growth of the live Luau heap (KB) holding 1,000 more queued events. */
	gcinfoKilobytes: number;
	/** Encoded JSON the queue keeps for them (KB). */
	encodedKilobytes: number;
}

/** Garbage allocated per live-heap reading, in bytes: enough for the collector to finish its cycles. */
const CHURN_BYTES = 64 * 1024 * 1024;
const CHURN_CHUNK = 64 * 1024;

/**
 * The live Luau heap in KB, estimated without collectgarbage("collect") (neither Roblox nor the
 * emulator offers it): the lowest gcinfo() seen while allocating garbage, which the incremental
 * collector reaches right after it sweeps.
 */
function liveKilobytes(): number {
	let lowest = gcinfo();
	for (let allocated = 0; allocated < CHURN_BYTES; allocated += CHURN_CHUNK) {
		const garbage = string.rep("x", CHURN_CHUNK - 1) + tostring(allocated);
		lowest = math.min(lowest, gcinfo() - garbage.size() / 1024);
	}
	return lowest;
}

/** Luau heap retained by 1,000 queued events (gcinfo delta of live-heap estimates). */
function memoryCost(): MemoryResult {
	return withServer((world, PostHog) => {
		const runtime = runtimeOf(PostHog);
		const gcSamples = new Array<number>();
		const byteSamples = new Array<number>();
		for (let round = 0; round <= ROUNDS; round++) {
			const before = liveKilobytes();
			const bytesBefore = runtime.queue.getStats().pendingBytes;
			captureRound(PostHog, round);
			const after = liveKilobytes();
			if (round > 0) {
				gcSamples.push(after - before);
				byteSamples.push((runtime.queue.getStats().pendingBytes - bytesBefore) / 1024);
			}
			PostHog.Flush();
			world.runUntil(() => runtime.queue.size() === 0, 60, 0.1);
		}
		return { gcinfoKilobytes: median(gcSamples), encodedKilobytes: median(byteSamples) };
	});
}

interface DurableResult {
	/** Median real µs per event to store a queue at close (storage stubbed to answer at once). */
	storeMicros: number;
	/** Median real µs per event to claim a stored chunk and queue it (storage stubbed). */
	pickupMicros: number;
	/** Emulated storage requests to store and pick up 1,000 events. */
	dataStoreRequests: number;
	memoryStoreRequests: number;
	/** JSON bytes of the stored chunks, per event. */
	storedBytesPerEvent: number;
}

function ok<T>(value: T): StorageResult<T> {
	return { ok: true, value };
}

/** Storage that keeps values in Luau tables and never yields: only the SDK's own work is timed. */
class InstantStorage implements ExperienceStorage {
	private readonly values = new Map<string, unknown>();
	private readonly items = new Array<defined>();
	/** Characters of stored events. */
	storedBytes = 0;

	sharedMap(): SharedMap {
		return error("not used");
	}

	sharedQueue(): SharedQueue {
		const items = this.items;
		return {
			add(value) {
				items.push(value as defined);
				return ok(undefined);
			},
			read() {
				return items.size() === 0 ? ok(undefined) : ok({ items: [items.shift()!], readId: "r" });
			},
			remove() {
				return ok(undefined);
			},
		};
	}

	durableStore(): DurableStore {
		const values = this.values;
		const count = (bytes: number) => (this.storedBytes += bytes);
		return {
			get(key) {
				return ok(values.get(key));
			},
			set(key, value) {
				values.set(key, value);
				count((value as { events: string }).events.size());
				return ok(undefined);
			},
			take(key) {
				const value = values.get(key);
				values.delete(key);
				return ok(value);
			},
			writeBudget() {
				return undefined;
			},
		};
	}
}

/** PostHog answers 503 at once from now on, and one failed batch has made the queue see it. */
function failSending(world: World, PostHog: PostHogApi) {
	const runtime = runtimeOf(PostHog);
	const failed: HttpResult = { kind: "response", status: 503, headers: {}, body: "" };
	runtime.platform.http = {
		request(_request: HttpRequest) {
			return failed;
		},
	};
	PostHog.Flush();
	world.runFor(0.1);
	assert(runtime.queue.failingForSeconds() !== undefined, "sending did not fail");
}

/** Restarts the runtime's durable delivery over `storage` and returns it. */
function durableOver(runtime: ServerRuntime, storage: ExperienceStorage): DurableDelivery {
	runtime.durable?.stop();
	runtime.durable = undefined;
	runtime.platform.storage = storage;
	runtime.startDurableDelivery();
	return runtime.durable!;
}

/** Claims every stored chunk; each is taken back out of the queue at once (sending is not measured). */
function pickUpAll(runtime: ServerRuntime, durable: DurableDelivery) {
	while (durable.pickUp()) runtime.queue.checkIn(runtime.queue.checkOut(math.huge, math.huge), true);
}

/** Stores 1,000 queued events at close while PostHog fails, then picks them up in another runtime. */
function durableCost(): DurableResult {
	const storeSamples = new Array<number>();
	const pickupSamples = new Array<number>();
	let storedBytes = 0;
	for (let round = 0; round <= ROUNDS; round++) {
		const storage = new InstantStorage();
		withServer((world, PostHog) => {
			const runtime = runtimeOf(PostHog);
			const durable = durableOver(runtime, storage);
			captureRound(PostHog, round);
			failSending(world, PostHog);
			const started = os.clock();
			durable.close(25);
			if (round > 0) storeSamples.push(((os.clock() - started) / EVENTS_PER_ROUND) * 1e6);
			assert(runtime.queue.size() === 0, "the store benchmark kept events");
			storedBytes = storage.storedBytes / EVENTS_PER_ROUND;
		});
		withServer((world, PostHog) => {
			const runtime = runtimeOf(PostHog);
			const durable = durableOver(runtime, storage);
			durable.stop();
			const started = os.clock();
			pickUpAll(runtime, durable);
			if (round > 0) pickupSamples.push(((os.clock() - started) / EVENTS_PER_ROUND) * 1e6);
			assert(durable.getStats().pickedUp === EVENTS_PER_ROUND, "the pickup benchmark lost events");
		});
	}
	return {
		storeMicros: median(storeSamples),
		pickupMicros: median(pickupSamples),
		...emulatedStorageRequests(),
		storedBytesPerEvent: storedBytes,
	};
}

/** Requests the emulated DataStore and MemoryStore see for 1,000 events stored at close and picked up. */
function emulatedStorageRequests(): { dataStoreRequests: number; memoryStoreRequests: number } {
	return withServer((world, PostHog, fake, server) => {
		const runtime = runtimeOf(PostHog);
		runtime.durable!.stop();
		captureRound(PostHog, 0);
		failSending(world, PostHog);
		const before = world.storageStats();
		// Storage calls yield world time: run them in a server thread.
		const stored = callOnServer(world, server, () => runtime.durable!.close(25));
		world.runUntil(() => stored.returned, 60, 0.05);
		// A second server of the experience, whose sending works, picks them up.
		const second = startSdkServer(world);
		second.PostHog.Init(testOptions(fake, BENCH_INIT));
		const picker = runtimeOf(second.PostHog);
		picker.durable!.stop();
		const pickedUp = callOnServer(world, second.server, () => pickUpAll(picker, picker.durable!));
		world.runUntil(() => pickedUp.returned, 60, 0.05);
		assert(picker.durable!.getStats().pickedUp === EVENTS_PER_ROUND, "the emulated pickup lost events");
		const after = world.storageStats();
		return {
			dataStoreRequests: after.dataStore.requests - before.dataStore.requests,
			memoryStoreRequests: after.memoryStore.requests - before.memoryStore.requests,
		};
	});
}

export const DELIVERY_BENCH_PARTS = ["flush", "memory", "durable"];

/** Runs one part of the benchmark (see DELIVERY_BENCH_PARTS); returns its result as JSON. */
export function runDeliveryBench(part: string): string {
	let result: unknown;
	if (part === "flush") result = flushCost();
	else if (part === "memory") result = memoryCost();
	else if (part === "durable") result = durableCost();
	else error(`unknown benchmark part "${part}"`);
	return HttpService.JSONEncode({ part, rounds: ROUNDS, eventsPerRound: EVENTS_PER_ROUND, result });
}
