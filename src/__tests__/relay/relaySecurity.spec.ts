import { describe, expect, it } from "@rbxts/jest-globals";
import { ClientPeer, Emulator } from "../support/emulator";
import { anEnvelope, aWireCapture, aWireContext } from "../support/relay";
import { joinWithSdk, named, requireOnClient, sdkProblems, useRelayWorld } from "../support/relayWorld";
import { linesWith } from "../support/serverSpec";

const SECRET_KEY = "phc_relay_secret_3f9a1c";

interface InstanceSnapshot {
	properties: Record<string, unknown>;
	attributes: Record<string, unknown>;
}

const emulator = Emulator as unknown as { instanceSnapshot(instance: Instance): InstanceSnapshot | undefined };

/** Every property and attribute of `instance`, as the emulated engine stores them. */
function snapshotOf(instance: Instance): InstanceSnapshot | undefined {
	return emulator.instanceSnapshot(instance);
}

/** Every string reachable from `value` (tables followed once, keys included). */
function stringsIn(value: unknown, found: string[], seen: Set<unknown>) {
	if (typeIs(value, "string")) {
		found.push(value);
	} else if (typeIs(value, "table") && !seen.has(value)) {
		seen.add(value);
		for (const [key, entry] of pairs(value as Record<string, unknown>)) {
			stringsIn(key, found, seen);
			stringsIn(entry, found, seen);
		}
	}
}

/** Where `needle` appears in the properties or attributes of `root` and its descendants. */
function leaksUnder(root: Instance, needles: string[]): string[] {
	const leaks = new Array<string>();
	for (const instance of [root, ...root.GetDescendants()]) {
		const snapshot = snapshotOf(instance);
		if (snapshot === undefined) continue;
		const texts = new Array<string>();
		stringsIn(snapshot, texts, new Set());
		for (const text of texts) {
			for (const needle of needles) {
				if (text.find(needle, 1, true)[0] !== undefined) leaks.push(`${instance.GetFullName()}: ${needle}`);
			}
		}
	}
	return leaks;
}

function fire(client: ClientPeer, envelope: unknown) {
	const remote = client.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay") as RemoteEvent;
	remote.FireServer(envelope);
}

describe("the relay's trust boundary", () => {
	const spec = useRelayWorld();

	it("never replicates the project key, the host or the server config to clients", () => {
		spec.init({ apiKey: SECRET_KEY, serverDistinctId: "server_secret_id", clientRateLimitPerSecond: 17 });
		spec.PostHog.Register("build_secret", "secret_build_value");
		const { client, PostHog } = joinWithSdk(spec.world);
		PostHog.Capture("hello");
		spec.world.runFor(2);
		const needles = [SECRET_KEY, spec.fake.url, "server_secret_id", "secret_build_value"];
		// What the server shares, and everything the client holds.
		for (const name of ["ReplicatedStorage", "ReplicatedFirst", "Workspace", "Players"]) {
			const service = spec.server.game.FindFirstChild(name);
			if (service !== undefined) expect(leaksUnder(service, needles)).toEqual([]);
		}
		expect(leaksUnder(client.game, needles)).toEqual([]);
		// The RemoteEvent carries nothing but its name.
		const remote = client.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")!;
		expect(remote.GetChildren()).toEqual([]);
		expect(snapshotOf(remote)!.attributes).toEqual({});
		// Nor does anything the client's module hands out.
		const reachable = new Array<string>();
		stringsIn(PostHog, reachable, new Set());
		stringsIn(getmetatable(PostHog), reachable, new Set());
		for (const text of reachable)
			expect(needles.filter((needle) => text.find(needle, 1, true)[0] !== undefined)).toEqual([]);
	});

	it("attributes every relayed event to the firing player, whatever the message claims", () => {
		spec.init();
		spec.PostHog.Register("game_mode", "ranked");
		const alice = joinWithSdk(spec.world, { userId: 100 });
		const mallory = spec.world.joinPlayer({ userId: 200 });
		spec.world.runFor(0.2);
		fire(
			mallory,
			anEnvelope(
				aWireCapture({ n: "as_alice", p: { distinct_id: "100" } }),
				aWireCapture({ n: "set_person", p: { $set: { name: "pwned" } } }),
				aWireCapture({ n: "$identify" }),
				aWireCapture({ n: "groups", p: { $groups: { company: "x" } } }),
				aWireCapture({ n: "session", p: { $session_id: "forged", $lib: "evil" } }),
				aWireCapture({ n: "project", p: { token: "phc_other", api_key: "phc_other" } }),
				{ k: "c", n: "timestamped", timestamp: "2001-01-01T00:00:00Z", distinct_id: "100" },
				aWireCapture({ n: "super", p: { game_mode: "casual", place_id: 1, ok: true } }),
			),
		);
		alice.PostHog.Capture("alice_event");
		const events = spec.deliver();
		expect(events.map((event) => event.event)).toEqual(["super", "alice_event"]);
		const forged = events[0];
		expect(forged.distinct_id).toBe("200");
		expect(forged.properties!.game_mode).toBe("ranked");
		expect(forged.properties!.place_id).toBe(spec.server.game.PlaceId);
		expect(forged.properties!.ok).toBe(true);
		expect(forged.properties!.$session_id).never.toBe(events[1].properties!.$session_id);
		expect(events[1].distinct_id).toBe("100");
		const rejected = linesWith(sdkProblems(spec.server), "relayed by Player");
		expect(rejected.size()).toBe(1);
		expect(rejected[0]).toMatch("message_shape x1, name_reserved x1, property_key_reserved x5");
		expect(spec.server.errors).toEqual([]);
	});

	it("takes the device context only from the whitelist, and only within the rate limit", () => {
		spec.init({ clientRateLimitPerSecond: 1 });
		const mallory = spec.world.joinPlayer({ userId: 300 });
		spec.world.runFor(0.2);
		fire(mallory, anEnvelope(aWireContext({ d: "Fridge" }), aWireContext({ d: "Console", o: "Console" })));
		spec.world.runFor(0.2);
		// The bucket (1 token) was spent by the first, invalid, message: the second is rate-limited.
		fire(mallory, anEnvelope(aWireCapture({ n: "first" })));
		spec.world.runFor(1.2);
		fire(mallory, anEnvelope(aWireContext({ d: "VR", o: "VR", i: "Unknown" })));
		spec.world.runFor(1.2);
		fire(mallory, anEnvelope(aWireCapture({ n: "second" })));
		const events = spec.deliver();
		expect(named(events, "first")).toEqual([]);
		expect(named(events, "second")[0].properties!.$device_type).toBe("VR");
	});

	it("relays nothing and creates no RemoteEvent on a server that never ran Init", () => {
		const client = spec.world.joinPlayer();
		spec.world.runFor(0.2);
		requireOnClient(client).Capture("lost");
		spec.world.runFor(2);
		expect(spec.server.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay")).toBeUndefined();
		expect(spec.server.errors).toEqual([]);
		expect(client.errors).toEqual([]);
	});
});
