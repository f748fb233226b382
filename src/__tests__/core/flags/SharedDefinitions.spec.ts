import { describe, expect, it } from "@rbxts/jest-globals";
import { FlagDefinitionsPoller } from "../../../core/flags/FlagDefinitionsPoller";
import {
	SHARED_DEFINITIONS_MAP,
	SHARED_DEFINITIONS_STORE,
	SharedDefinitions,
	sharedDefinitionsKeys,
	SharedStamp,
} from "../../../core/flags/SharedDefinitions";
import { FakePlatform, fakePlatform, ScriptedAnswer } from "../../support/fakePlatform";
import { FakeStorage } from "../../support/fakeStorage";

const HOST = "https://us.i.posthog.com";
const KEY = "phc_test";
const INTERVAL = 30;
const BODY = '{"flags": [{"key": "beta", "active": true, "filters": {"groups": [{"properties": []}]}}]}';
const OK: ScriptedAnswer = { status: 200, headers: { etag: '"v1"' }, body: BODY };

interface Server {
	poller: FlagDefinitionsPoller;
	shared: SharedDefinitions;
}

/** Servers of one experience: one platform (clock, HTTP) and one storage, a poller each. */
function anExperience(): { platform: FakePlatform; storage: FakeStorage; start: () => Server } {
	const platform = fakePlatform();
	const storage = new FakeStorage(platform.clock);
	const start = () => {
		const poller = new FlagDefinitionsPoller(
			{ host: HOST, projectApiKey: KEY, secretKey: "phs_secret", pollIntervalSeconds: INTERVAL },
			{ ...platform, logger: platform.logger },
		);
		const shared = new SharedDefinitions(
			poller,
			{ host: HOST, projectApiKey: KEY, pollIntervalSeconds: INTERVAL },
			{ ...platform, storage, logger: platform.logger },
		);
		return { poller, shared };
	};
	return { platform, storage, start };
}

/** Runs one round in a thread (it may wait) and lets the clock run until it ends. */
function round(platform: FakePlatform, server: Server): number {
	let delay = -1;
	platform.scheduler.spawn(() => {
		delay = server.shared.tick();
	});
	for (let waited = 0; delay < 0 && waited < 30; waited++) platform.scheduler.advance(1);
	return delay;
}

function writeStamp(storage: FakeStorage, stamp: SharedStamp) {
	storage.sharedMap(SHARED_DEFINITIONS_MAP).set(sharedDefinitionsKeys(HOST, KEY).mapKey, stamp, 3600);
}

/** What an owner on another server does after a 200: the copy in the DataStore, then the stamp. */
function shareCopy(storage: FakeStorage, owner: string, nowMillis: number) {
	const copy = { version: "v-1", body: BODY, etag: '"v1"', fetchedAt: nowMillis };
	storage.durableStore(SHARED_DEFINITIONS_STORE).set(sharedDefinitionsKeys(HOST, KEY).storeKey, copy);
	writeStamp(storage, { owner, until: nowMillis + 60_000, version: "v-1", fetchedAt: nowMillis });
}

describe("SharedDefinitions", () => {
	it("lets the first server poll and share, and the next one follow without a request", () => {
		const { platform, storage, start } = anExperience();
		platform.http.answer(OK);
		const first = start();
		const second = start();
		expect(round(platform, first)).toBe(INTERVAL);
		expect(first.shared.isPollingForAll()).toBe(true);
		expect(round(platform, second) > 0).toBe(true);
		expect(second.shared.isPollingForAll()).toBe(false);
		expect(platform.http.requests.size()).toBe(1);
		expect(second.poller.getDefinitions()?.flagsByKey.has("beta")).toBe(true);
		expect(second.poller.getEtag()).toBe('"v1"');
		expect(storage.requests.dataStore).toBe(2);
		expect(platform.logOutput.containing("another server of the experience fetched").size()).toBe(1);
	});

	it("reads the DataStore again only when the owner stored a new version", () => {
		const { platform, storage, start } = anExperience();
		platform.http.answer(OK, { status: 304 }, { status: 304 }, { ...OK, body: BODY.gsub("beta", "gamma")[0] });
		const owner = start();
		const follower = start();
		round(platform, owner);
		round(platform, follower);
		for (let index = 0; index < 2; index++) {
			platform.scheduler.advance(INTERVAL);
			round(platform, owner);
			round(platform, follower);
		}
		expect(storage.requests.dataStore).toBe(2);
		platform.scheduler.advance(INTERVAL);
		round(platform, owner);
		round(platform, follower);
		expect(storage.requests.dataStore).toBe(4);
		expect(follower.poller.getDefinitions()?.flagsByKey.has("gamma")).toBe(true);
		expect(platform.http.requests.size()).toBe(4);
	});

	it("sends a following server's ETag when it takes over, so an unchanged copy costs a 304", () => {
		const { platform, start } = anExperience();
		platform.http.answer(OK, { status: 304 });
		const owner = start();
		const follower = start();
		round(platform, owner);
		round(platform, follower);
		// The owner stops renewing its lease; once it ran out, the follower takes it.
		platform.scheduler.advance(INTERVAL * 3);
		round(platform, follower);
		expect(follower.shared.isPollingForAll()).toBe(true);
		expect(platform.http.requests.size()).toBe(2);
		expect(platform.http.requests[1].request.headers["if-none-match"]).toBe('"v1"');
	});

	it("polls alone when MemoryStore fails, and says so once", () => {
		const { platform, storage, start } = anExperience();
		storage.failing.memoryStore = true;
		platform.http.answer(OK, { status: 304 });
		const server = start();
		round(platform, server);
		platform.scheduler.advance(INTERVAL);
		round(platform, server);
		expect(platform.http.requests.size()).toBe(2);
		expect(server.poller.getDefinitions()).never.toBe(undefined);
		expect(platform.logOutput.containing("FLAG_DEFINITIONS_SHARING_FAILED").size()).toBe(1);
		expect(platform.scheduler.errors).toEqual([]);
	});

	it("polls alone when the shared copy is older than two intervals", () => {
		const { platform, storage, start } = anExperience();
		const server = start();
		const now = platform.clock.nowMillis();
		writeStamp(storage, {
			owner: "another-server",
			until: now + 60_000,
			version: "old",
			fetchedAt: now - 3 * INTERVAL * 1000,
		});
		platform.http.answer(OK);
		round(platform, server);
		expect(server.shared.isPollingForAll()).toBe(false);
		expect(platform.http.requests.size()).toBe(1);
		expect(server.poller.getDefinitions()?.flagsByKey.has("beta")).toBe(true);
	});

	it("waits for the owner's first copy at startup instead of polling", () => {
		const { platform, storage, start } = anExperience();
		const server = start();
		const now = platform.clock.nowMillis();
		writeStamp(storage, { owner: "another-server", until: now + 60_000 });
		let delay = -1;
		platform.scheduler.spawn(() => {
			delay = server.shared.tick();
		});
		platform.scheduler.advance(2);
		expect(delay).toBe(-1);
		shareCopy(storage, "another-server", platform.clock.nowMillis());
		platform.scheduler.advance(2);
		expect(delay > 0).toBe(true);
		expect(platform.http.requests.size()).toBe(0);
		expect(server.poller.getDefinitions()?.flagsByKey.has("beta")).toBe(true);
	});

	it("keeps two projects of one experience apart, within Roblox's key limits", () => {
		const a = sharedDefinitionsKeys(HOST, "phc_a");
		const b = sharedDefinitionsKeys(HOST, "phc_b");
		expect(a.mapKey).never.toBe(b.mapKey);
		expect(a.storeKey).never.toBe(b.storeKey);
		expect(a.mapKey.size() <= 128).toBe(true);
		expect(a.storeKey.size() <= 50).toBe(true);
	});
});
