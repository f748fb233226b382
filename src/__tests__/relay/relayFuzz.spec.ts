// The server relay under attack, end to end: a malicious client fires thousands of seeded hostile
// envelopes at the real RemoteEvent (through the emulator's remote copy rules) while an honest
// player plays. The server must raise nothing, log no SDK error, deliver only valid events attributed
// to their firing player, and hold each player's rate limit within 5%.

import { describe, expect, it } from "@rbxts/jest-globals";
import { ClientPeer } from "../support/emulator";
import { CapturedEvent } from "../support/fakePostHog";
import { HostileGenerator } from "../support/hostile";
import { anEnvelope, aWireCapture, SeededGenerator } from "../support/relay";
import { joinWithSdk, requireOnClient, sdkProblems, useRelayWorld } from "../support/relayWorld";
import { linesWith } from "../support/serverSpec";

const RATE = 20;
const BURST = 20;
const ATTACKER = 666;
const HONEST = 1;

/** `$` properties the SDK itself sets on relayed events; any other `$` key is a client's leak. */
const SDK_KEYS = new Set([
	"$lib",
	"$lib_version",
	"$geoip_disable",
	"$os",
	"$device_type",
	"$session_id",
	"$process_person_profile",
	"$screen_name",
	"$exception_list",
	"$exception_level",
	"$exception_source",
]);
const SERVER_KEYS = new Set(["place_id", "place_version", "game_id", "server_job_id", "suppressed_count"]);
const DEVICE_TYPES = new Set(["Desktop", "Mobile", "Console", "VR"]);
const HONEST_EVENTS = new Set(["honest_click", "$screen"]);

/** Why `event` is not a valid relayed event of `userId`, or undefined. */
function eventProblem(event: CapturedEvent, userId: number): string | undefined {
	if (event.distinct_id !== tostring(userId)) return `distinct_id ${event.distinct_id}`;
	const name = event.event;
	if (name.size() === 0 || name.size() > 200 || utf8.len(name)[0] === undefined) return "bad name";
	if (name.sub(1, 1) === "$" && name !== "$screen" && name !== "$exception") return `reserved name ${name}`;
	if (!typeIs(event.timestamp, "string") || event.timestamp.sub(1, 8) !== "2026-01-") return "timestamp";
	for (const key of ["$set", "$set_once", "$groups"]) if (event[key] !== undefined) return `top-level ${key}`;
	const properties = event.properties ?? {};
	if (properties.$lib !== "posthog-rbx") return "$lib";
	const device = properties.$device_type;
	if (device !== undefined && !DEVICE_TYPES.has(device as string)) return `$device_type ${tostring(device)}`;
	for (const [key, value] of pairs(properties)) {
		if (key.sub(1, 1) === "$") {
			if (!SDK_KEYS.has(key)) return `client $ key ${key}`;
			continue;
		}
		if (key === "distinct_id" || key === "token" || key === "api_key") return `spoof key ${key}`;
		if (key.size() > 200 || utf8.len(key)[0] === undefined) return "bad key";
		if (SERVER_KEYS.has(key)) continue;
		if (typeIs(value, "string")) {
			if (value.size() > 1000) return `long value ${key}`;
		} else if (!typeIs(value, "number") && !typeIs(value, "boolean")) {
			return `value of type ${typeOf(value)} at ${key}`;
		}
	}
	return undefined;
}

/** Properties a hostile client tries to slip in. */
function spoofProperties(random: SeededGenerator): Record<string, unknown> {
	return random.pick<Record<string, unknown>>([
		{ distinct_id: "victim" },
		{ $set: { name: "pwned" } },
		{ $groups: { company: "x" } },
		{ $session_id: "forged" },
		{ $lib: "evil" },
		{ token: "phc_other_project" },
		{ $process_person_profile: true },
		{ game_mode: "forged_super_property" },
		{ place_id: 1, game_id: 2 },
	]);
}

interface Attack {
	fires: number;
	/** World times of the first and last fire the server saw. */
	first: number;
	last: number;
}

describe("the server relay under a hostile client", () => {
	const spec = useRelayWorld();

	/**
	 * Fires `make()` from the attacker's client `count` times, `perStep` fires per `stepSeconds` of
	 * world time (fires in one step arrive together, as a burst would).
	 */
	function attack(
		attacker: ClientPeer,
		count: number,
		perStep: number,
		stepSeconds: number,
		make: () => unknown,
	): Attack {
		const remote = attacker.game.GetService("ReplicatedStorage").FindFirstChild("PostHogRelay") as RemoteEvent;
		const result: Attack = { fires: 0, first: spec.world.now(), last: 0 };
		for (let index = 1; index <= count; index++) {
			const envelope = make();
			// A cyclic table cannot be sent at all: the engine raises in the attacker's FireServer.
			if (pcall(() => remote.FireServer(envelope))[0]) result.fires += 1;
			result.last = spec.world.now();
			if (index % perStep === 0) spec.world.runFor(stepSeconds);
		}
		return result;
	}

	function relayStats(): { fires: number; accepted: number; rejected: number; internalErrors: number } {
		const server = spec.PostHog as unknown as { relay: { getStats(): ReturnType<typeof relayStats> } };
		return server.relay.getStats();
	}

	it("turns thousands of hostile envelopes into no error and no invalid event", () => {
		spec.init({ captureErrors: true, flushAt: 100, maxQueueSize: 5000, clientRateLimitPerSecond: RATE });
		spec.PostHog.Register("game_mode", "ranked");
		const honest = joinWithSdk(spec.world, { userId: HONEST });
		const attacker = spec.world.joinPlayer({ userId: ATTACKER });
		spec.world.runFor(0.2);
		const random = new SeededGenerator(5);
		const hostile = new HostileGenerator(random, 100, {
			extraValues: [
				attacker.localPlayer,
				attacker.game.GetService("Workspace"),
				attacker.game.GetService("ReplicatedStorage"),
			],
			hugeScale: 0.1,
		});
		let honestSent = 0;
		const run = attack(attacker, 1500, 5, 0.025, () => {
			if (random.chance(0.02)) {
				honest.PostHog.Capture("honest_click", { n: honestSent });
				honestSent += 1;
			}
			if (random.chance(0.1)) {
				return anEnvelope(aWireCapture({ n: hostile.name(), p: spoofProperties(random) }));
			}
			return hostile.envelope();
		});
		const events = spec.deliver();

		expect(spec.server.errors).toEqual([]);
		expect(spec.world.untaggedErrors).toEqual([]);
		expect(honest.client.errors).toEqual([]);
		const problems = sdkProblems(spec.server).filter(
			(line) => line.find("relayed by Player", 1, true)[0] === undefined,
		);
		expect(problems).toEqual([]);
		expect(relayStats().internalErrors).toBe(0);
		expect(relayStats().rejected > 1000).toBe(true);

		const attackerEvents = new Array<CapturedEvent>();
		const invalid = new Array<string>();
		for (const event of events) {
			const userId = event.distinct_id === tostring(HONEST) ? HONEST : ATTACKER;
			const problem = eventProblem(event, userId);
			if (problem !== undefined) invalid.push(`${problem}: ${event.event}`);
			if (userId === HONEST && !HONEST_EVENTS.has(event.event)) invalid.push(`honest player got ${event.event}`);
			if (userId === ATTACKER) attackerEvents.push(event);
			if (event.properties?.game_mode !== undefined && event.properties.game_mode !== "ranked") {
				invalid.push("a client overrode a super property");
			}
		}
		expect(invalid).toEqual([]);
		// The honest player's events all arrive, untouched by the attacker's rate limit.
		expect(events.filter((event) => event.event === "honest_click").size()).toBe(honestSent);
		// The attacker got some valid events through, and no more than the rate limit allows.
		const bound = BURST + RATE * (run.last - run.first);
		expect(attackerEvents.size() > 0).toBe(true);
		expect(attackerEvents.size() <= bound).toBe(true);
		expect(run.fires > 1200).toBe(true);
	});

	it("holds the rate limit within 5% under a flood of valid messages", () => {
		spec.init({ flushAt: 100, maxQueueSize: 5000, clientRateLimitPerSecond: RATE });
		const attacker = spec.world.joinPlayer({ userId: ATTACKER });
		spec.world.runFor(0.2);
		let sequence = 0;
		const run = attack(attacker, 400, 4, 0.1, () => {
			const messages = new Array<defined>();
			for (let index = 1; index <= 32; index++) {
				sequence += 1;
				messages.push(aWireCapture({ n: "flood", p: { sequence } }));
			}
			return anEnvelope(...messages);
		});
		const flood = spec.deliver().filter((event) => event.event === "flood");
		const bound = BURST + RATE * (run.last - run.first);
		expect(flood.size() <= bound + 1e-9).toBe(true);
		expect(flood.size() >= bound * 0.95).toBe(true);
		for (const event of flood) expect(event.distinct_id).toBe(tostring(ATTACKER));
		expect(linesWith(sdkProblems(spec.server), "rate_limited").size()).toBe(1);
		expect(spec.server.errors).toEqual([]);
	});

	it("forgets a player's bucket and counts when they leave", () => {
		spec.init();
		const { client } = joinWithSdk(spec.world, { userId: 77 });
		requireOnClient(client).Capture("hello");
		spec.world.runFor(1);
		const relay = (spec.PostHog as unknown as { relay: { limiter: { size(): number } } }).relay;
		expect(relay.limiter.size()).toBe(1);
		spec.world.removePlayer(client);
		spec.world.runFor(1);
		expect(relay.limiter.size()).toBe(0);
	});
});
