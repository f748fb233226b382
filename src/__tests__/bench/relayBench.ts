// The relay benchmark's Luau half (bench/relay.bench.mjs runs it in the harness): the server's real
// cost per relayed message, timed on the wall clock (the harness's os.clock) around the relay's
// OnServerEvent handler on a real server peer, and the RemoteEvent fires a client makes per 1,000
// captures, counted by the emulator at several capture rates on the virtual clock. Not a spec.

import { HttpService } from "@rbxts/services";
import { acceptClientEnvelope } from "../../core/relay/acceptClientEnvelope";
import { RateLimiter } from "../../core/relay/RateLimiter";
import { FakeClock } from "../support/fakePlatform";
import { ClientPeer, World } from "../support/emulator";
import { anEnvelope, aWireCapture, tableWithKeys } from "../support/relay";
import { PostHogApi } from "../support/sdk";
import { median, withBenchServer } from "./benchServer";

interface RelayHandle {
	onFire(player: Player, envelope: unknown, hasExtraArguments: boolean): void;
	getStats(): { fires: number; accepted: number; rejected: number; internalErrors: number };
}

/** The module a LocalScript on `client` requires (relayWorld.ts has the same, but it needs jest). */
function requireOnClient(client: ClientPeer): PostHogApi["PostHogClient"] {
	const module = client.game.GetService("ReplicatedStorage").FindFirstChild("PostHog") as ModuleScript;
	return client.require(module) as PostHogApi["PostHogClient"];
}

const ROUNDS = 21;
const FIRES_PER_ROUND = 25;
const MESSAGES_PER_FIRE = 8;
const PROPERTIES = { level: 3, hard: true, mode: "solo", score: 1234.5, map: "Desert", team: "red" };

function withServer<T>(options: Record<string, unknown>, body: (world: World, PostHog: PostHogApi) => T): T {
	const init = {
		captureLifecycleEvents: false,
		captureErrors: false,
		preloadFeatureFlags: false,
		flushAt: 1_000_000,
		maxQueueSize: 1_000_000,
		flushIntervalSeconds: 3600,
		...options,
	};
	return withBenchServer({ init }, body);
}

/** Median real microseconds per message the relay handler spends on fires of `make()`. */
function handlerCost(rateLimit: number, make: (index: number) => unknown): number {
	return withServer({ clientRateLimitPerSecond: rateLimit }, (world, PostHog) => {
		const client = world.joinPlayer();
		world.runFor(0.5);
		const relay = (PostHog as unknown as { relay: RelayHandle }).relay;
		const samples = new Array<number>();
		for (let round = 0; round <= ROUNDS; round++) {
			const envelopes = new Array<defined>();
			for (let fire = 1; fire <= FIRES_PER_ROUND; fire++)
				envelopes.push(make(round * FIRES_PER_ROUND + fire) as defined);
			const started = os.clock();
			for (const envelope of envelopes) relay.onFire(client.player, envelope, false);
			const seconds = os.clock() - started;
			// Round 0 warms up (first bucket, first log line, JIT-less but cache-cold paths).
			if (round > 0) samples.push((seconds / (FIRES_PER_ROUND * MESSAGES_PER_FIRE)) * 1e6);
		}
		const stats = relay.getStats();
		assert(stats.internalErrors === 0, "the relay reported internal errors");
		return median(samples);
	});
}

/** Median real microseconds per message of acceptClientEnvelope alone (no event is built). */
function validationCost(make: (index: number) => unknown): number {
	const limiter = new RateLimiter<string>(new FakeClock(), { ratePerSecond: 0, burst: math.huge });
	const options = { sender: "bench", limiter, maxPropertyCount: 100 };
	const samples = new Array<number>();
	for (let round = 0; round <= ROUNDS; round++) {
		const envelopes = new Array<defined>();
		for (let fire = 1; fire <= FIRES_PER_ROUND; fire++) envelopes.push(make(round * FIRES_PER_ROUND + fire) as defined);
		const started = os.clock();
		for (const envelope of envelopes) acceptClientEnvelope(envelope, options);
		const seconds = os.clock() - started;
		if (round > 0) samples.push((seconds / (FIRES_PER_ROUND * MESSAGES_PER_FIRE)) * 1e6);
	}
	return median(samples);
}

/** Median real microseconds of a server-side PostHog:Capture of the same event, for comparison. */
function serverCaptureCost(): number {
	return withServer({}, (world, PostHog) => {
		const client = world.joinPlayer();
		world.runFor(0.5);
		const samples = new Array<number>();
		const count = FIRES_PER_ROUND * MESSAGES_PER_FIRE;
		for (let round = 0; round <= ROUNDS; round++) {
			const started = os.clock();
			for (let index = 1; index <= count; index++) {
				PostHog.Capture(client.player, "event_1", { ...PROPERTIES, sequence: index });
			}
			const seconds = os.clock() - started;
			if (round > 0) samples.push((seconds / count) * 1e6);
		}
		return median(samples);
	});
}

function validFire(index: number): unknown {
	const messages = new Array<defined>();
	for (let message = 1; message <= MESSAGES_PER_FIRE; message++) {
		messages.push(aWireCapture({ n: `event_${message}`, p: { ...PROPERTIES, sequence: index } }));
	}
	return anEnvelope(...messages);
}

const MANY_PROPERTIES = tableWithKeys(1100);

function invalidFire(): unknown {
	const messages = new Array<defined>();
	for (let message = 1; message <= MESSAGES_PER_FIRE; message++) {
		const kind = message % 4;
		messages.push(
			kind === 0
				? aWireCapture({ p: MANY_PROPERTIES })
				: kind === 1
					? aWireCapture({ n: "$identify" })
					: kind === 2
						? aWireCapture({ p: { ...PROPERTIES, bad: 0 / 0 } })
						: { k: "c", n: "x", distinct_id: "someone_else" },
		);
	}
	return anEnvelope(...messages);
}

interface FireCount {
	capturesPerSecond: number;
	fires: number;
	delivered: number;
}

/** Fires a client makes for 1,000 captures at `perSecond`, and how many the server accepted. */
function firesPer1000(perSecond: number): FireCount {
	return withServer({}, (world, PostHog) => {
		const client: ClientPeer = world.joinPlayer();
		world.runFor(0.5);
		const api = requireOnClient(client);
		world.runFor(1);
		const relay = (PostHog as unknown as { relay: RelayHandle }).relay;
		const firesBefore = client.remoteStats.toServer.fires;
		const acceptedBefore = relay.getStats().accepted;
		const step = 1 / perSecond;
		// At high rates several captures share one step of the clock.
		const perStep = math.max(1, math.floor(perSecond / 100));
		for (let index = 1; index <= 1000; index++) {
			api.Capture("bench_capture", { index });
			if (index % perStep === 0) world.runFor(step * perStep);
		}
		world.runFor(15);
		return {
			capturesPerSecond: perSecond,
			fires: client.remoteStats.toServer.fires - firesBefore,
			delivered: relay.getStats().accepted - acceptedBefore,
		};
	});
}

/** Runs the benchmark; returns its results as JSON. */
export function runRelayBench(): string {
	const result = {
		rounds: ROUNDS - 1,
		messagesPerRound: FIRES_PER_ROUND * MESSAGES_PER_FIRE,
		acceptedMicroseconds: handlerCost(1e9, validFire),
		validationMicroseconds: validationCost(validFire),
		serverCaptureMicroseconds: serverCaptureCost(),
		rateLimitedMicroseconds: handlerCost(0, validFire),
		invalidMicroseconds: handlerCost(1e9, () => invalidFire()),
		fires: [firesPer1000(5), firesPer1000(15), firesPer1000(1000)],
	};
	return HttpService.JSONEncode(result);
}
