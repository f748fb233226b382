// The capture benchmark's Luau half (bench/capture.bench.mjs runs it in the harness): the server's
// real cost per PostHog:Capture (timed on the harness's wall clock around the call, on a real server
// peer with the SDK installed), the bytes one event takes on the wire with and without gzip, and the
// /batch/ requests 10,000 events cost under the default config at several capture rates (virtual
// clock, fake PostHog over loopback). Not a spec.

import { HttpService } from "@rbxts/services";
import { World } from "../support/emulator";
import { FakePostHog } from "../support/fakePostHog";
import { runtimeOf } from "../support/sdkInternals";
import { PostHogApi } from "../support/sdk";
import { median, withBenchServer } from "./benchServer";

/** Timed rounds after one warm-up round. */
const ROUNDS = 31;
const CALLS_PER_ROUND = 200;

const EVENT_NAMES = ["level_completed", "item_purchased", "quest_started", "match_ended", "shop_opened"];
const MAPS = ["Desert Outpost", "Frozen Harbor", "Jungle Ruins", "Sky Citadel"];
const MODES = ["survival", "team_deathmatch", "capture_the_flag"];

/** A deterministic pseudo-random number in [0, 1) for `index` and `salt`. */
function noise(index: number, salt: number): number {
	const x = math.sin(index * 12.9898 + salt * 78.233) * 43758.5453;
	return x - math.floor(x);
}

/** A realistic gameplay event's properties: 10 of the usual kinds, values varying per event. */
function realisticProperties(index: number): Record<string, unknown> {
	return {
		level: 1 + math.floor(noise(index, 1) * 60),
		mode: MODES[math.floor(noise(index, 2) * MODES.size())],
		map: MAPS[math.floor(noise(index, 3) * MAPS.size())],
		difficulty: noise(index, 4) < 0.5 ? "normal" : "hard",
		duration_seconds: math.floor(noise(index, 5) * 60_000) / 100,
		score: math.floor(noise(index, 6) * 100_000),
		coins_earned: math.floor(noise(index, 7) * 500),
		used_powerup: noise(index, 8) < 0.3,
		team: noise(index, 9) < 0.5 ? "red" : "blue",
		checkpoint: `cp_${string.format("%02d", math.floor(noise(index, 10) * 20))}`,
	};
}

/** Event name and subject (a UserId among 12 players) of the `index`th event of a mixed stream. */
function eventName(index: number): string {
	return EVENT_NAMES[index % EVENT_NAMES.size()];
}

function userId(index: number): number {
	return 1_000_000 + 7919 * (index % 12);
}

/** Quiet defaults: no autocapture, no flags, nothing sent unless asked. */
/** Init options of every capture bench server: no autocapture, errors, flag loads or relay. */
const QUIET = {
	captureLifecycleEvents: false,
	captureErrors: false,
	preloadFeatureFlags: false,
	enableClientRelay: false,
};

function withServer<T>(
	overrides: Record<string, unknown>,
	body: (world: World, PostHog: PostHogApi, fake: FakePostHog) => T,
): T {
	return withBenchServer({ init: { ...QUIET, ...overrides } }, body);
}

type Stub = "none" | "json" | "jsonAndGuid";

/**
 * Median real microseconds per PostHog:Capture(player, name, 10 properties). `stub` replaces the
 * emulated natives the call uses (JSONEncode of the event, GenerateGUID for its uuid) with constant
 * answers, to show what the SDK's own Luau costs.
 */
function captureCost(stub: Stub): number {
	return withServer(
		{ flushAt: 1_000_000, maxQueueSize: 1_000_000, flushIntervalSeconds: 3600, maxRequestsPerMinute: 500 },
		(world, PostHog, fake) => {
			const client = world.joinPlayer({ userId: 314159 });
			world.runFor(0.5);
			const platform = runtimeOf(PostHog).platform;
			const realJson = platform.json;
			const realRandom = platform.random;
			const sample = realJson.encode({
				event: "level_completed",
				distinct_id: "314159",
				properties: realisticProperties(0),
				timestamp: "2026-01-01T00:00:00.000Z",
				uuid: "019b7a3c-0000-7000-8000-000000000000",
			});
			const stubbedJson = {
				encode() {
					return sample;
				},
				decode(text: string) {
					return realJson.decode(text);
				},
			};
			const stubbedRandom = {
				generateGuid() {
					return "0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9";
				},
				nextNumber() {
					return realRandom.nextNumber();
				},
			};
			const samples = new Array<number>();
			for (let round = 0; round <= ROUNDS; round++) {
				const inputs = new Array<Record<string, unknown>>();
				for (let i = 0; i < CALLS_PER_ROUND; i++) inputs.push(realisticProperties(round * CALLS_PER_ROUND + i));
				if (stub !== "none") platform.json = stubbedJson;
				if (stub === "jsonAndGuid") platform.random = stubbedRandom;
				const started = os.clock();
				for (const properties of inputs) PostHog.Capture(client.player, "level_completed", properties);
				const seconds = os.clock() - started;
				platform.json = realJson;
				platform.random = realRandom;
				// Round 0 warms up.
				if (round > 0) samples.push((seconds / CALLS_PER_ROUND) * 1e6);
				// Not timed: empty the queue so every round starts alike.
				PostHog.Flush();
				world.runFor(1);
				fake.clear();
			}
			const stats = runtimeOf(PostHog).queue.getStats();
			const dropped = stats.dropped.encodeError + stats.dropped.queueBytes + stats.dropped.queueFull;
			assert(dropped === 0, `the capture benchmark dropped ${dropped} events`);
			return median(samples);
		},
	);
}

/** Median real microseconds of one emulated JSONEncode of the event's wire object. */
function encodeCost(): number {
	const wire = {
		event: "level_completed",
		distinct_id: "314159",
		properties: { ...realisticProperties(0), $lib: "posthog-rbx", $lib_version: "0.1.0", $geoip_disable: true },
		timestamp: "2026-01-01T00:00:00.000Z",
		uuid: "019b7a3c-0000-7000-8000-000000000000",
	};
	const samples = new Array<number>();
	for (let round = 0; round <= ROUNDS; round++) {
		const started = os.clock();
		for (let i = 0; i < CALLS_PER_ROUND; i++) HttpService.JSONEncode(wire);
		if (round > 0) samples.push(((os.clock() - started) / CALLS_PER_ROUND) * 1e6);
	}
	return median(samples);
}

interface WireSize {
	eventsPerBatch: number;
	gzip: boolean;
	requestBytes: number;
	bodyBytes: number;
}

/** Bytes of one /batch/ request carrying `count` realistic events. */
function wireSize(count: number, gzip: boolean): WireSize {
	return withServer({ flushAt: 1000, maxBatchSize: count, enableCompression: gzip }, (world, PostHog, fake) => {
		for (let i = 0; i < count; i++) PostHog.Capture(userId(i), eventName(i), realisticProperties(i));
		PostHog.Flush();
		world.runFor(1);
		const requests = fake.requests("batch");
		assert(requests.size() === 1, `expected one request, got ${requests.size()}`);
		return {
			eventsPerBatch: count,
			gzip,
			requestBytes: requests[0].bytes,
			bodyBytes: requests[0].bodyText!.size(),
		};
	});
}

interface RequestCount {
	eventsPerSecond: number;
	events: number;
	requests: number;
	sent: number;
	dropped: number;
	/** Events durable delivery stored while the queue was nearly full (and later sent). */
	stored: number;
	minutes: number;
}

/** /batch/ requests for 10,000 events captured at `perSecond` under the default config. */
function requestsFor10k(perSecond: number): RequestCount {
	return withServer({}, (world, PostHog) => {
		const events = 10_000;
		// At high rates several captures share one step of the clock.
		const perStep = math.max(1, math.floor(perSecond / 50));
		const step = perStep / perSecond;
		const startedAt = world.now();
		for (let i = 1; i <= events; i++) {
			PostHog.Capture(userId(i), eventName(i), realisticProperties(i));
			if (i % perStep === 0) world.runFor(step);
		}
		// Let the interval flush, any budget wait and the pickup of what durable delivery stored finish.
		const queue = runtimeOf(PostHog).queue;
		world.runUntil(() => queue.size() === 0 && queue.getStats().adopted >= queue.getStats().spilled, 1200, 1);
		const stats = queue.getStats();
		let dropped = 0;
		for (const [, count] of pairs(stats.dropped)) dropped += count;
		return {
			eventsPerSecond: perSecond,
			events,
			requests: stats.requests,
			sent: stats.sent,
			dropped,
			stored: stats.spilled,
			minutes: (world.now() - startedAt) / 60,
		};
	});
}

/** The benchmark's parts; bench/capture.bench.mjs runs each in a fresh VM. */
export const CAPTURE_BENCH_PARTS = [
	"capture",
	"captureWithoutJson",
	"captureWithoutJsonAndGuid",
	"encode",
	"wire",
	"requests:2",
	"requests:20",
	"requests:35",
	"requests:50",
	"requests:200",
];

/** Runs one part of the benchmark (see CAPTURE_BENCH_PARTS); returns its result as JSON. */
export function runCaptureBench(part: string): string {
	let result: unknown;
	if (part === "capture") result = captureCost("none");
	else if (part === "captureWithoutJson") result = captureCost("json");
	else if (part === "captureWithoutJsonAndGuid") result = captureCost("jsonAndGuid");
	else if (part === "encode") result = encodeCost();
	else if (part === "wire") {
		result = [
			wireSize(1, false),
			wireSize(1, true),
			wireSize(20, false),
			wireSize(20, true),
			wireSize(50, false),
			wireSize(50, true),
		];
	} else if (part.sub(1, 9) === "requests:") result = requestsFor10k(tonumber(part.sub(10))!);
	else error(`unknown benchmark part "${part}"`);
	return HttpService.JSONEncode({ part, rounds: ROUNDS, callsPerRound: CALLS_PER_ROUND, result });
}
