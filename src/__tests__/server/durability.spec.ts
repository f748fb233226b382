// Durable delivery across the servers of one experience (docs/durability.md): events a server can't
// send go to the emulated DataStore/MemoryStore, which every server of the world's universe shares,
// and any server sends them once PostHog answers again, with their original uuid and timestamp.
// Each event carries its own (server, n) key and the world time it was captured, so a spec can tell
// exactly which events arrived, how often, and whether their timestamps survived.
import { afterEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";
import { BatchBody, FakePostHog } from "../support/fakePostHog";
import { PostHogApi, sdkOutput, startSdkServer } from "../support/sdk";
import { linesWith, specOptions } from "../support/serverSpec";
import { runtimeOf } from "../support/sdkInternals";

interface GameServer {
	server: Peer;
	PostHog: PostHogApi;
	name: string;
	captured: number;
}

/** What the fake ingested: for each event key, its deliveries, and the uuids and timestamps seen. */
interface Ingested {
	/** key -> times delivered in a 2xx batch */
	deliveries: Map<string, number>;
	/** key -> uuid of its first delivery */
	uuidOf: Map<string, string>;
	/** uuid -> timestamps it was sent with, in any request (failed ones included) */
	timestampsOf: Map<string, Set<string>>;
	/** key -> capture time (unix ms) when the delivered timestamp does not match it */
	wrongTimestamps: string[];
	deliveredUuids: Map<string, number>;
	/** World time each /batch/ request arrived. */
	arrivals: number[];
}

/** Requests read per host call: their bodies are large. */
const SLICE = 4;

function ingested(fake: FakePostHog): Ingested {
	const result: Ingested = {
		deliveries: new Map(),
		uuidOf: new Map(),
		timestampsOf: new Map(),
		wrongTimestamps: [],
		deliveredUuids: new Map(),
		arrivals: [],
	};
	let lastSeq = 0;
	while (true) {
		const slice = fake.requests("batch", lastSeq, SLICE);
		for (const request of slice) {
			lastSeq = request.seq;
			result.arrivals.push(request.receivedAt);
			const status = request.status;
			const isDelivered = typeIs(status, "number") && status >= 200 && status <= 299;
			for (const event of (request.json as BatchBody | undefined)?.batch ?? []) {
				const uuid = event.uuid!;
				const seen = result.timestampsOf.get(uuid) ?? new Set<string>();
				seen.add(event.timestamp!);
				result.timestampsOf.set(uuid, seen);
				const props = event.properties ?? {};
				if (!isDelivered || props.key === undefined) continue;
				const key = props.key as string;
				result.deliveries.set(key, (result.deliveries.get(key) ?? 0) + 1);
				result.deliveredUuids.set(uuid, (result.deliveredUuids.get(uuid) ?? 0) + 1);
				if (!result.uuidOf.has(key)) result.uuidOf.set(key, uuid);
				const millis = DateTime.fromIsoDate(event.timestamp!)?.UnixTimestampMillis;
				if (millis !== props.capturedAt)
					result.wrongTimestamps.push(`${key}: ${event.timestamp} vs ${tostring(props.capturedAt)}`);
			}
		}
		if (slice.size() < SLICE) return result;
	}
}

describe("durable delivery", () => {
	let world: World;
	let fake: FakePostHog;

	afterEach(() => {
		world?.destroy();
		fake?.close();
	});

	function setUp() {
		world = createWorld();
		fake = FakePostHog.create();
	}

	function startGameServer(name: string, overrides?: Record<string, unknown>): GameServer {
		const { server, PostHog } = startSdkServer(world, { name });
		PostHog.Init(specOptions(fake, { durableDelivery: true, ...overrides }));
		return { server, PostHog, name, captured: 0 };
	}

	/** Captures `count` events on `gameServer`, spread over `seconds` of world time. */
	function capture(gameServer: GameServer, count: number, seconds = 0) {
		for (let i = 1; i <= count; i++) {
			gameServer.captured += 1;
			const key = `${gameServer.name}:${gameServer.captured}`;
			gameServer.PostHog.Capture(`player-${gameServer.captured % 13}`, "round_finished", {
				key,
				capturedAt: world.nowMillis(),
			});
			if (seconds > 0) world.runFor(seconds / count);
		}
	}

	function postHogDown() {
		fake.faults({ rate: 1, seed: 7, kinds: ["503"], routes: ["batch"] });
	}

	function postHogUp() {
		fake.faults(undefined);
	}

	function expectExactlyOnce(result: Ingested, games: GameServer[]) {
		let expected = 0;
		const missing = new Array<string>();
		for (const gameServer of games) {
			for (let n = 1; n <= gameServer.captured; n++) {
				expected += 1;
				const times = result.deliveries.get(`${gameServer.name}:${n}`) ?? 0;
				if (times !== 1) missing.push(`${gameServer.name}:${n} x${times}`);
			}
		}
		expect(missing.size() === 0 ? "all once" : missing.filter((_, i) => i < 5).join(", ")).toBe("all once");
		let duplicateUuids = 0;
		for (const [, times] of result.deliveredUuids) if (times > 1) duplicateUuids += 1;
		expect(duplicateUuids).toBe(0);
		expect(result.wrongTimestamps.filter((_, i) => i < 5)).toEqual([]);
		return expected;
	}

	it("3 servers capture 3,000 events while PostHog is down; a later server delivers each exactly once", () => {
		setUp();
		postHogDown();
		const games = [startGameServer("a"), startGameServer("b"), startGameServer("c")];
		// 1,000 events per server over 100 s, interleaved, then all three close.
		for (let second = 0; second < 100; second++) {
			for (const gameServer of games) capture(gameServer, 10);
			world.runFor(1);
		}
		for (const gameServer of games) {
			const closed = world.shutdownServer(gameServer.server);
			expect(closed.completed).toBe(true);
			expect(linesWith(sdkOutput(gameServer.server, "warn"), "SPILL_FAILED")).toEqual([]);
		}
		expect(ingested(fake).deliveries.size()).toBe(0);

		postHogUp();
		const upSince = world.now();
		const later = startGameServer("later");
		world.runUntil(() => runtimeOf(later.PostHog).queue.getStats().sent >= 3000, 600, 1);
		const result = ingested(fake);
		// Within the HTTP budget: at most maxRequestsPerMinute (60) requests in any minute.
		const arrivals = result.arrivals.filter((at) => at >= upSince);
		for (let i = 60; i < arrivals.size(); i++) expect(arrivals[i] - arrivals[i - 60] >= 60).toBe(true);
		expect(expectExactlyOnce(result, games)).toBe(3000);
		// Events tried during the outage arrive with the uuid and timestamp of that first try.
		let checked = 0;
		for (const [, uuid] of result.uuidOf) {
			const timestamps = result.timestampsOf.get(uuid)!;
			expect(timestamps.size()).toBe(1);
			checked += 1;
		}
		expect(checked).toBe(3000);
		expect(runtimeOf(later.PostHog).durable!.getStats().pickedUp).toBe(3000);
	});

	it("servers running at the same time share the stored events without sending any twice", () => {
		setUp();
		postHogDown();
		const games = [startGameServer("a"), startGameServer("b")];
		for (const gameServer of games) capture(gameServer, 600);
		for (const gameServer of games) world.shutdownServer(gameServer.server);
		postHogUp();
		const drainers = [startGameServer("x"), startGameServer("y"), startGameServer("z")];
		world.runUntil(
			() => {
				let sent = 0;
				for (const drainer of drainers) sent += runtimeOf(drainer.PostHog).queue.getStats().sent;
				return sent >= 1200;
			},
			600,
			1,
		);
		expectExactlyOnce(ingested(fake), games);
		let pickers = 0;
		for (const drainer of drainers) if (runtimeOf(drainer.PostHog).durable!.getStats().pickedUp > 0) pickers += 1;
		expect(pickers > 1).toBe(true);
	});

	it("a server with a smaller queue sends big stored chunks a part at a time, losing none", () => {
		setUp();
		postHogDown();
		const big = startGameServer("big");
		capture(big, 500);
		world.shutdownServer(big.server);
		postHogUp();
		const small = startGameServer("small", { maxQueueSize: 40 });
		world.runUntil(() => runtimeOf(small.PostHog).queue.getStats().sent >= 500, 900, 1);
		expect(expectExactlyOnce(ingested(fake), [big])).toBe(500);
		expect(runtimeOf(small.PostHog).queue.getStats().dropped.queueFull).toBe(0);
	});

	it("a server killed without BindToClose loses only what it captured after its last checkpoint", () => {
		setUp();
		postHogDown();
		const gameServer = startGameServer("a", { logLevel: "info" });
		// 5 events a second for 200 s: checkpoints every 30 s once sending has failed for 30 s.
		const captureTimes = new Array<number>();
		for (let i = 0; i < 1000; i++) {
			capture(gameServer, 1);
			captureTimes.push(world.now());
			world.runFor(0.2);
		}
		const checkpoints = gameServer.server.output.filter(
			(line) => line.text.find("SPILL_STORED", 1, true)[0] !== undefined,
		);
		expect(checkpoints.size()).toBe(5);
		const lastCheckpoint = checkpoints[checkpoints.size() - 1].time;
		world.kill(gameServer.server);

		postHogUp();
		const later = startGameServer("later");
		world.runFor(300);
		const result = ingested(fake);
		let beforeCheckpoint = 0;
		for (let n = 1; n <= gameServer.captured; n++) {
			const times = result.deliveries.get(`a:${n}`) ?? 0;
			expect(times <= 1).toBe(true);
			if (captureTimes[n - 1] < lastCheckpoint) {
				beforeCheckpoint += 1;
				expect(times).toBe(1);
			}
		}
		// The loss is bounded by one checkpoint interval of events (5/s x 30 s).
		const lost = gameServer.captured - beforeCheckpoint;
		expect(lost > 0 && lost <= 150).toBe(true);
		expect(runtimeOf(later.PostHog).durable!.getStats().pickedUp).toBe(beforeCheckpoint);
		expect(result.wrongTimestamps).toEqual([]);
	});

	it("stores a burst the HTTP budget can't keep up with instead of dropping events, and sends it later", () => {
		setUp();
		// 10 requests of 50 events a minute: 200 events a second for 15 s is 24 times that.
		const gameServer = startGameServer("a", { maxRequestsPerMinute: 10 });
		capture(gameServer, 3000, 15);
		const queue = runtimeOf(gameServer.PostHog).queue;
		world.runUntil(() => queue.getStats().sent >= 3000, 900, 1);
		expect(queue.getStats().dropped.queueFull).toBe(0);
		expect(queue.getStats().spilled > 0).toBe(true);
		expect(expectExactlyOnce(ingested(fake), [gameServer])).toBe(3000);
	});

	it("leaves the DataStore write budget the game needs for its own saves", () => {
		setUp();
		postHogDown();
		// A small queue makes small chunks, so storing a burst takes many writes.
		const gameServer = startGameServer("a", { maxQueueSize: 200 });
		gameServer.server.runSource(`
local store = game:GetService("DataStoreService"):GetDataStore("PlayerSaves")
_G.slowestSave = 0
_G.saves = 0
while true do
	local startedAt = os.clock()
	store:SetAsync("player_1", { coins = _G.saves })
	_G.slowestSave = math.max(_G.slowestSave, os.clock() - startedAt)
	_G.saves += 1
	task.wait(3)
end`);
		capture(gameServer, 12000, 60);
		expect(runtimeOf(gameServer.PostHog).queue.getStats().spilled > 1000).toBe(true);
		expect((gameServer.server.G.saves as number) >= 19).toBe(true);
		// A save that waited for the budget would take a second or more (60 / 60 per minute).
		expect((gameServer.server.G.slowestSave as number) < 0.2).toBe(true);
		expect(gameServer.server.errors).toEqual([]);
	});

	it("sends normally at close while PostHog answers, and stores nothing", () => {
		setUp();
		const gameServer = startGameServer("a", { flushAt: 1000 });
		capture(gameServer, 300);
		const closed = world.shutdownServer(gameServer.server);
		expect(closed.completed).toBe(true);
		expect(expectExactlyOnce(ingested(fake), [gameServer])).toBe(300);
		const queues = world.storageStats().memoryStore.queues;
		for (const [, queue] of pairs(queues)) expect(queue.size).toBe(0);
	});

	it("stores what a slow PostHog could not take before the close budget ran out", () => {
		setUp();
		const gameServer = startGameServer("a", { flushAt: 1000 });
		capture(gameServer, 1000);
		// Every batch takes 8 s: 4 at a time, the 20 s of sending cover 8 of the 20 batches.
		const slow = new Array<{ delaySeconds: number }>();
		for (let i = 0; i < 40; i++) slow.push({ delaySeconds: 8 });
		fake.script("batch", slow);
		const closed = world.shutdownServer(gameServer.server);
		expect(closed.completed).toBe(true);
		const sentHere = runtimeOf(gameServer.PostHog).queue.getStats().sent;
		expect(sentHere > 0 && sentHere < 1000).toBe(true);
		const later = startGameServer("later");
		world.runUntil(() => runtimeOf(later.PostHog).queue.getStats().sent >= 1000 - sentHere, 300, 1);
		expect(expectExactlyOnce(ingested(fake), [gameServer])).toBe(1000);
	});

	describe("when storage fails", () => {
		it("keeps events queued when the checkpoint can't store them, and sends them once PostHog is back", () => {
			setUp();
			postHogDown();
			world.storageFaults({ dataStore: { rate: 1 }, memoryStore: { rate: 1 } });
			const gameServer = startGameServer("a");
			capture(gameServer, 300, 150);
			world.runFor(60);
			expect(linesWith(sdkOutput(gameServer.server, "warn"), "SPILL_FAILED").size()).toBe(1);
			postHogUp();
			world.runFor(180);
			expect(expectExactlyOnce(ingested(fake), [gameServer])).toBe(300);
			expect(gameServer.server.errors).toEqual([]);
		});

		it("delivers live events while storage is throttled, with no error in the game", () => {
			setUp();
			world.storageFaults({
				dataStore: { rate: 0.5, message: "304: Request was throttled" },
				memoryStore: { rate: 1, message: "Code: RequestThrottled, Error: throttled" },
			});
			const gameServer = startGameServer("a");
			capture(gameServer, 500, 100);
			world.runFor(60);
			expect(expectExactlyOnce(ingested(fake), [gameServer])).toBe(500);
			expect(gameServer.server.errors).toEqual([]);
		});

		it("at close, counts and reports once the events it could not store", () => {
			setUp();
			postHogDown();
			const gameServer = startGameServer("a");
			capture(gameServer, 120);
			world.storageFaults({ dataStore: { rate: 1 } });
			const closed = world.shutdownServer(gameServer.server);
			expect(closed.completed).toBe(true);
			const failures = linesWith(sdkOutput(gameServer.server, "warn"), "SPILL_FAILED");
			expect(failures.size()).toBe(1);
			expect(failures[0].find("120 unsent event", 1, true)[0] !== undefined).toBe(true);
			expect(runtimeOf(gameServer.PostHog).durable!.getStats().lost).toBe(120);
			expect(gameServer.server.errors).toEqual([]);
		});

		it("at close, retries PostHog with the rest of its budget when the events can't be stored", () => {
			setUp();
			const gameServer = startGameServer("a", { flushAt: 1000 });
			capture(gameServer, 100);
			world.storageFaults({ dataStore: { rate: 1 } });
			// The first batch fails, which stops the sending; storing fails too; then PostHog answers again.
			fake.script("batch", [{ status: 503 }]);
			const closed = world.shutdownServer(gameServer.server);
			expect(closed.completed).toBe(true);
			expect(expectExactlyOnce(ingested(fake), [gameServer])).toBe(100);
			expect(runtimeOf(gameServer.PostHog).durable!.getStats().lost).toBe(0);
		});

		it("with a half-failing store, every event is delivered once or counted lost at close", () => {
			setUp();
			postHogDown();
			world.storageFaults({ dataStore: { rate: 0.5 }, memoryStore: { rate: 0.5 } });
			const gameServer = startGameServer("a");
			capture(gameServer, 400, 200);
			world.shutdownServer(gameServer.server);
			const lost = runtimeOf(gameServer.PostHog).durable!.getStats().lost;
			world.storageFaults(undefined);
			postHogUp();
			startGameServer("later");
			world.runFor(400);
			const result = ingested(fake);
			let delivered = 0;
			for (let n = 1; n <= gameServer.captured; n++) {
				const times = result.deliveries.get(`a:${n}`) ?? 0;
				expect(times <= 1).toBe(true);
				delivered += times;
			}
			expect(delivered + lost).toBe(400);
			expect(delivered >= 300).toBe(true);
			expect(gameServer.server.errors).toEqual([]);
		});
	});

	it("is off with durableDelivery = false: nothing is stored and a close drops what PostHog refused", () => {
		setUp();
		postHogDown();
		const gameServer = startGameServer("a", { durableDelivery: false });
		capture(gameServer, 50);
		world.shutdownServer(gameServer.server);
		expect(world.storageStats().dataStore.requests).toBe(0);
		expect(world.storageStats().memoryStore.requests).toBe(0);
	});
});
