import { describe, expect, it } from "@rbxts/jest-globals";
import { linesWith } from "../support/serverSpec";
import { joinWithSdk, named, sdkProblems, useRelayWorld } from "../support/relayWorld";
import { sdkOutput } from "../support/sdk";

describe("client relay delivery", () => {
	const spec = useRelayWorld();

	it("coalesces a capture storm into a few fires per second", () => {
		spec.init({ flushAt: 100 });
		const { client, PostHog } = joinWithSdk(spec.world);
		spec.world.runFor(1);
		const firesBefore = client.remoteStats.toServer.fires;
		for (let index = 1; index <= 200; index++) {
			PostHog.Capture("storm", { index });
			spec.world.runFor(0.005);
		}
		spec.world.runFor(8);
		const stats = client.remoteStats.toServer;
		expect(stats.maxFiresPerSecond <= 5).toBe(true);
		// 200 captures in 1 s: 10 at once, then 18 a second, the latest 100 kept meanwhile.
		const storm = named(spec.deliver(), "storm");
		expect(storm.size() >= 120).toBe(true);
		expect(stats.fires - firesBefore <= 4 * 9 + 1).toBe(true);
		// Nothing the client sent was refused by the server.
		expect(linesWith(sdkProblems(spec.server), "dropped")).toEqual([]);
		// The client said once that it dropped the oldest captures.
		expect(linesWith(sdkOutput(client, "warn"), "dropped").size()).toBe(1);
	});

	it("keeps the latest 100 captures while the relay is missing, and still reports the device first", () => {
		const { client, PostHog } = joinWithSdk(spec.world, { input: { gamepad: true, tenFoot: true } });
		for (let index = 1; index <= 130; index++) PostHog.Capture("queued", { index });
		spec.world.runFor(1);
		spec.init({ flushAt: 200 });
		spec.world.runFor(10);
		const queued = named(spec.deliver(), "queued");
		expect(queued.size()).toBe(100);
		expect(queued[0].properties!.index).toBe(31);
		expect(queued[0].properties!.$device_type).toBe("Console");
		expect(linesWith(sdkProblems(spec.server), "dropped")).toEqual([]);
		expect(sdkOutput(client, "warn")).toEqual([]);
	});

	it("buffers what clients capture before the server relay exists, then sends it", () => {
		const { client, PostHog } = joinWithSdk(spec.world, { userId: 31 });
		PostHog.Capture("early_1");
		PostHog.Screen("Loading");
		spec.world.runFor(5);
		PostHog.Capture("early_2", { step: 2 });
		spec.world.runFor(20);
		expect(client.remoteStats.toServer.fires).toBe(0);
		spec.init();
		const events = spec.deliver();
		expect(events.map((event) => event.event)).toEqual(["early_1", "$screen", "early_2"]);
		for (const event of events) expect(event.distinct_id).toBe("31");
		expect(events[0].properties!.$device_type).toBe("Desktop");
		expect(sdkProblems(client)).toEqual([]);
	});

	it("creates no RemoteEvent with enableClientRelay = false, and the client says so once at debug level", () => {
		spec.init({ enableClientRelay: false });
		const { client, PostHog } = joinWithSdk(spec.world);
		PostHog.Init({ logLevel: "debug" });
		PostHog.Capture("ignored");
		spec.world.runFor(30);
		expect(spec.server.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")).toBeUndefined();
		expect(client.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")).toBeUndefined();
		const notices = linesWith(sdkOutput(client, "print"), "PostHogRelay not found");
		expect(notices.size()).toBe(1);
		expect(notices[0]).toMatch("enableClientRelay = false");
		expect(sdkProblems(client)).toEqual([]);
		expect(client.errors).toEqual([]);
		expect(spec.server.errors).toEqual([]);
		expect(client.remoteStats.toServer.fires).toBe(0);
		expect(spec.deliver()).toEqual([]);
	});

	it("reads allowClientEvents = false as enableClientRelay = false", () => {
		spec.init({ allowClientEvents: false });
		expect(spec.server.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")).toBeUndefined();
	});

	it("keeps the relay notice quiet at the default log level", () => {
		const { client } = joinWithSdk(spec.world);
		spec.world.runFor(30);
		expect(sdkOutput(client)).toEqual([]);
	});

	it("buffers across a server Shutdown and sends to the relay of the next Init", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world, { userId: 12 });
		PostHog.Capture("before");
		spec.world.runFor(1);
		// Shutdown yields (it drains the queue): call it from a server thread, as a game would.
		spec.server.spawn(() => spec.PostHog.Shutdown(5));
		spec.world.runFor(1);
		expect(client.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")).toBeUndefined();
		PostHog.Capture("between");
		spec.world.runFor(3);
		spec.init();
		const events = spec.deliver();
		expect(events.map((event) => event.event)).toEqual(["before", "between"]);
		// The new relay learns the device again, before the buffered events.
		expect(events[1].properties!.$device_type).toBe("Desktop");
	});

	it("Flush on the client is a no-op that never fails, and IsInitialized is true there", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world);
		expect(PostHog.IsInitialized()).toBe(true);
		PostHog.Flush();
		expect(sdkProblems(client)).toEqual([]);
	});
});
