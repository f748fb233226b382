// Delivery under faults, on the virtual clock: 10,000 events from 50 players while the fake PostHog
// fails 30 % of /batch/ requests at random (500, 502, 503, 429 with Retry-After, 408, timeouts,
// connection resets). Every event must arrive exactly once (by uuid and by its own sequence
// number), none lost, with a bounded number of requests. At 30 % faults a batch fails 4 times in a
// row (maxRetries 3) about 0.8 % of the time: EventQueue then keeps its events for the next delivery
// round instead of dropping them, which is what this spec holds it to.
import { afterEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, World } from "../support/emulator";
import { BatchBody, FakePostHog, FaultKind, RecordedRequest } from "../support/fakePostHog";
import { runtimeOf } from "../support/sdkInternals";
import { startSdkServer } from "../support/sdk";
import { specOptions } from "../support/serverSpec";

const PLAYERS = 50;
const EVENTS_PER_PLAYER = 200;
const EVENTS = PLAYERS * EVENTS_PER_PLAYER;
const EVENT_NAME = "round_finished";
const FAULT_KINDS: FaultKind[] = ["500", "502", "503", "429", "408", "timeout", "reset"];
/** Each player captures one event per tick: 50 events a second, 200 s of play. */
const TICK_SECONDS = 1;

interface RunResult {
	requests: number;
	/** Events of batches answered 2xx, by uuid: how many times each arrived. */
	deliveredByUuid: Map<string, number>;
	/** Distinct (player, seq) pairs delivered. */
	deliveredKeys: Set<string>;
	delivered: number;
	faults: Record<string, number>;
	roundsPaused: number;
	worldSeconds: number;
	realSeconds: number;
	dropped: number;
	pending: number;
}

/** Requests read at once: each carries its body twice (text and JSON), up to ~100 KB. */
const SLICE = 4;

/**
 * Reads the fake's /batch/ records in slices (10,000 events' bodies at once would not fit the VM):
 * each call takes the requests answered since the last one, stopping at one still in flight.
 */
class Harvest {
	private lastSeq = 0;
	requests = 0;
	delivered = 0;
	readonly faults: Record<string, number> = {};
	readonly deliveredByUuid = new Map<string, number>();
	readonly deliveredKeys = new Set<string>();

	take(fake: FakePostHog) {
		while (true) {
			const slice = fake.requests("batch", this.lastSeq, SLICE);
			for (const request of slice) {
				if (request.status === undefined) return;
				this.count(request);
			}
			if (slice.size() < SLICE) return;
		}
	}

	private count(request: RecordedRequest) {
		this.lastSeq = request.seq;
		this.requests += 1;
		if (request.fault !== undefined) this.faults[request.fault] = (this.faults[request.fault] ?? 0) + 1;
		const status = request.status;
		if (!typeIs(status, "number") || status < 200 || status > 299) return;
		for (const event of (request.json as BatchBody).batch) {
			if (event.event !== EVENT_NAME) continue;
			this.delivered += 1;
			this.deliveredByUuid.set(event.uuid!, (this.deliveredByUuid.get(event.uuid!) ?? 0) + 1);
			this.deliveredKeys.add(`${event.distinct_id}:${tostring(event.properties!.seq)}`);
		}
	}
}

describe("delivery under faults", () => {
	let world: World | undefined;
	let fake: FakePostHog | undefined;
	afterEach(() => {
		world?.destroy();
		fake?.close();
		world = undefined;
		fake = undefined;
	});

	/** 10,000 events from 50 joined players, captured over 200 s, then until the queue is empty. */
	function run(faultRate: number): RunResult {
		const startedAt = os.clock();
		world = createWorld();
		fake = FakePostHog.create();
		const { PostHog } = startSdkServer(world);
		// The default maxRetries (3), flushAt, batch size and request budget; a queue large enough
		// that its bound never drops anything here.
		PostHog.Init(specOptions(fake, { maxQueueSize: 2 * EVENTS }));
		const players = new Array<Player>();
		for (let i = 1; i <= PLAYERS; i++) players.push(world.joinPlayer({ userId: 5000 + i }).player);
		world.runFor(1);
		if (faultRate > 0) fake.faults({ rate: faultRate, seed: 20260101, kinds: FAULT_KINDS, routes: ["batch"] });
		const worldStart = world.now();
		const queue = runtimeOf(PostHog).queue;
		const harvest = new Harvest();
		let roundsPaused = 0;
		let wasParked = false;
		const watch = () => {
			harvest.take(fake!);
			const isParked = queue.getStats().parked > 0;
			if (isParked && !wasParked) roundsPaused += 1;
			wasParked = isParked;
		};
		for (let seq = 1; seq <= EVENTS_PER_PLAYER; seq++) {
			for (const player of players) PostHog.Capture(player, EVENT_NAME, { seq, score: seq * 10 });
			world.runFor(TICK_SECONDS);
			watch();
		}
		world.runUntil(
			() => {
				watch();
				return queue.size() === 0;
			},
			3600,
			1,
		);
		world.runFor(1);
		harvest.take(fake);
		const stats = queue.getStats();
		let dropped = 0;
		for (const [, count] of pairs(stats.dropped)) dropped += count;
		return {
			requests: harvest.requests,
			deliveredByUuid: harvest.deliveredByUuid,
			deliveredKeys: harvest.deliveredKeys,
			delivered: harvest.delivered,
			faults: harvest.faults,
			roundsPaused,
			worldSeconds: world.now() - worldStart,
			realSeconds: os.clock() - startedAt,
			dropped,
			pending: stats.pending,
		};
	}

	it("delivers 10,000 events from 50 players exactly once with 30 % of requests failing", () => {
		const clean = run(0);
		world!.destroy();
		fake!.close();
		world = undefined;
		fake = undefined;
		const faulty = run(0.3);

		const faultList = new Array<string>();
		let failed = 0;
		for (const [kind, count] of pairs(faulty.faults)) {
			faultList.push(`${kind}: ${count}`);
			failed += count;
		}
		faultList.sort();
		print(
			string.format(
				"[faults] fault-free: %d requests, %.0f s of world time, %.1f s real; " +
					"30 %% faults: %d requests (%.2fx), %d failed (%s), %d delivery round(s) paused, " +
					"%.0f s of world time, %.1f s real",
				clean.requests,
				clean.worldSeconds,
				clean.realSeconds,
				faulty.requests,
				faulty.requests / clean.requests,
				failed,
				faultList.join(", "),
				faulty.roundsPaused,
				faulty.worldSeconds,
				faulty.realSeconds,
			),
		);

		for (const result of [clean, faulty]) {
			expect(result.dropped).toBe(0);
			expect(result.pending).toBe(0);
			// Exactly once: 10,000 arrivals, 10,000 distinct uuids, every (player, seq) pair present.
			expect(result.delivered).toBe(EVENTS);
			expect(result.deliveredByUuid.size()).toBe(EVENTS);
			expect(result.deliveredKeys.size()).toBe(EVENTS);
		}
		expect(faulty.requests < 2.5 * clean.requests).toBe(true);
	});
});
