// Sessions and teleports end to end (roblox-sdk-docs "Sessions and teleports"; platform.md §4;
// peers.md §9 item 22): a session per player connection and one for the server, continued across a
// teleport to a second server peer through GetSessionTeleportData, and never from TeleportData that
// is forged, stale or someone else's.
import { describe, expect, it } from "@rbxts/jest-globals";
import { Peer } from "../support/emulator";
import { CapturedEvent } from "../support/fakePostHog";
import { installSdk, PostHogApi } from "../support/sdk";
import { named, props, runtimeOf } from "../support/sdkInternals";
import { linesWith, specOptions, useServerSpec } from "../support/serverSpec";

const UUIDV7 = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-7%x%x%x%-[89ab]%x%x%x%-%x+$";

/** A session id shaped like the SDK's (lowercase UUIDv7). */
const CARRIED_SESSION_ID = "0190f5a2-7c3d-7abc-8def-0123456789ab";

const DESTINATION_PLACE_ID = 2002;

/** A server Script that teleports the first player as the docs show, merging the SDK's data into the game's own. */
const TELEPORT_SCRIPT = [
	'local ReplicatedStorage = game:GetService("ReplicatedStorage")',
	'local TeleportService = game:GetService("TeleportService")',
	'local PostHog = require(ReplicatedStorage:WaitForChild("PostHog"))',
	'local player = game:GetService("Players"):GetPlayers()[1]',
	'local data = { lobby = "red" }',
	"for key, value in PostHog:GetSessionTeleportData(player) do",
	"\tdata[key] = value",
	"end",
	'local options = Instance.new("TeleportOptions")',
	"options:SetTeleportData(data)",
	`TeleportService:TeleportAsync(${DESTINATION_PLACE_ID}, { player }, options)`,
].join("\n");

describe("sessions", () => {
	const spec = useServerSpec();

	function send(PostHog: PostHogApi = spec.PostHog) {
		PostHog.Flush();
		spec.world.runFor(1);
	}

	function sessionOf(event: CapturedEvent): unknown {
		return props(event).$session_id;
	}

	function only(name: string, distinctId?: string): CapturedEvent {
		const matching = named(spec.delivered(), name).filter(
			(event) => distinctId === undefined || event.distinct_id === distinctId,
		);
		expect(matching.size()).toBe(1);
		return matching[0];
	}

	it("gives each player connection its own session, and a new one when the player rejoins", () => {
		spec.init();
		const first = spec.world.joinPlayer({ userId: 501 });
		spec.world.joinPlayer({ userId: 502 });
		spec.world.runFor(0.5);
		spec.PostHog.Capture(first.player, "first_visit");
		spec.PostHog.Capture(502, "other_player");
		spec.world.removePlayer(first);
		spec.world.runFor(0.5);
		const again = spec.world.joinPlayer({ userId: 501 });
		spec.world.runFor(0.5);
		spec.PostHog.Capture(again.player, "second_visit");
		send();
		const sessions = [only("first_visit"), only("other_player"), only("second_visit")].map(sessionOf);
		for (const session of sessions) expect(session).toMatch(UUIDV7);
		expect(sessions[0]).never.toBe(sessions[1]);
		expect(sessions[0]).never.toBe(sessions[2]);
	});

	it("gives server-scoped events the server's session", () => {
		spec.init();
		const client = spec.world.joinPlayer({ userId: 501 });
		spec.world.runFor(0.5);
		spec.PostHog.Capture(undefined, "round_started");
		spec.PostHog.Capture(undefined, "round_ended");
		spec.PostHog.Capture(client.player, "kill");
		send();
		const server = sessionOf(only("round_started"));
		expect(server).toMatch(UUIDV7);
		expect(sessionOf(only("round_ended"))).toBe(server);
		expect(sessionOf(only("kill"))).never.toBe(server);
		expect(server).toBe(runtimeOf(spec.PostHog).sessions.server.id);
	});

	it("keeps the player's session on the server they are teleported to", () => {
		let destinationSdk: PostHogApi | undefined;
		spec.world.onServerStarted = (destination: Peer) => {
			destinationSdk = destination.require(installSdk(spec.world, destination)) as PostHogApi;
			destinationSdk.Init(specOptions(spec.fake, { captureLifecycleEvents: true }));
		};
		spec.init({ captureLifecycleEvents: true });
		const client = spec.world.joinPlayer({ userId: 501 });
		spec.world.runFor(40);
		spec.server.runSource(TELEPORT_SCRIPT, "Teleporter");
		expect(spec.world.runUntil(() => client.teleportedTo !== undefined, 30)).toBe(true);
		spec.world.runFor(1);
		const arrived = client.teleportedTo!;
		expect(arrived.server.game.PlaceId).toBe(DESTINATION_PLACE_ID);
		expect((arrived.player.GetJoinData().TeleportData as { lobby?: string }).lobby).toBe("red");
		destinationSdk!.Capture(arrived.player, "reached_arena");
		spec.world.runFor(20);
		spec.world.removePlayer(arrived);
		spec.world.runFor(0.5);
		send();
		send(destinationSdk);

		const atOrigin = (event: CapturedEvent) => props(event).place_id === spec.server.game.PlaceId;
		const joins = named(spec.delivered(), "player_joined");
		expect(joins.size()).toBe(2);
		const [originJoin, destinationJoin] = atOrigin(joins[0]) ? [joins[0], joins[1]] : [joins[1], joins[0]];
		const sessionId = sessionOf(originJoin);
		expect(sessionId).toMatch(UUIDV7);
		expect(props(originJoin).is_teleport).toBe(false);
		expect(props(destinationJoin).place_id).toBe(DESTINATION_PLACE_ID);
		expect(props(destinationJoin).is_teleport).toBe(true);
		expect(sessionOf(destinationJoin)).toBe(sessionId);
		expect(sessionOf(only("reached_arena"))).toBe(sessionId);
		// The continued session's duration counts the time on the first server too.
		const lefts = named(spec.delivered(), "player_left");
		const destinationLeft = lefts.find((event) => !atOrigin(event))!;
		expect(sessionOf(destinationLeft)).toBe(sessionId);
		expect(props(destinationLeft).session_duration_seconds).toBeGreaterThanOrEqual(60);
	});

	describe("TeleportData that is not the SDK's, for this player, and recent", () => {
		/** Data shaped like buildTeleportData's for `userId`, sent `ageMillis` ago. */
		function carried(userId: number, ageMillis = 5_000, overrides: Record<string, unknown> = {}) {
			const now = spec.world.nowMillis();
			return {
				__posthog: {
					v: 1,
					sessionId: CARRIED_SESSION_ID,
					userId,
					startedAtMillis: now - ageMillis - 60_000,
					sentAtMillis: now - ageMillis,
					...overrides,
				},
			};
		}

		const cases: Array<[string, () => unknown, string]> = [
			["a forged session id", () => carried(501, 5_000, { sessionId: "not-a-session" }), "malformed_session_id"],
			["another player's session", () => carried(999), "other_user"],
			["data sent 11 minutes ago", () => carried(501, 11 * 60_000), "stale"],
			["data sent from the future", () => carried(501, -10 * 60_000), "sent_in_future"],
			["data with an extra key", () => carried(501, 5_000, { admin: true }), "unexpected_shape"],
			["data of another version", () => carried(501, 5_000, { v: 2 }), "unsupported_version"],
			["a string instead of a table", () => ({ __posthog: CARRIED_SESSION_ID }), "not_a_table"],
		];
		for (const [what, makeData, reason] of cases) {
			it(`ignores ${what}, with a warning, and starts a new session`, () => {
				spec.init();
				const client = spec.world.joinPlayer({ userId: 501, teleportData: makeData(), sourcePlaceId: 1001 });
				spec.world.runFor(0.5);
				spec.PostHog.Capture(client.player, "arrived");
				send();
				const sessionId = sessionOf(only("arrived"));
				expect(sessionId).toMatch(UUIDV7);
				expect(sessionId).never.toBe(CARRIED_SESSION_ID);
				const warnings = linesWith(spec.warnings(), "TeleportData");
				expect(warnings.size()).toBe(1);
				expect(warnings[0]).toContain(`(${reason})`);
				expect(warnings[0]).toContain("501");
			});
		}

		it("continues a well-formed, recent session of this player", () => {
			spec.init({ captureLifecycleEvents: true });
			spec.world.joinPlayer({ userId: 501, teleportData: carried(501), sourcePlaceId: 1001 });
			spec.world.runFor(0.5);
			send();
			const joined = props(only("player_joined", "501"));
			expect(joined.$session_id).toBe(CARRIED_SESSION_ID);
			expect(joined.is_teleport).toBe(true);
			expect(linesWith(spec.warnings(), "TeleportData").size()).toBe(0);
		});
	});

	describe("GetSessionTeleportData", () => {
		it("returns the SDK's key only, for a connected player", () => {
			spec.init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			const data = spec.PostHog.GetSessionTeleportData(client.player) as { __posthog?: { userId?: number } };
			expect(data.__posthog?.userId).toBe(501);
			const keys = new Array<string>();
			for (const [key] of pairs(data)) keys.push(key);
			expect(keys).toEqual(["__posthog"]);
		});

		it("returns an empty table for a player who left, and warns about a non-player", () => {
			spec.init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			spec.world.removePlayer(client);
			spec.world.runFor(0.5);
			expect(next(spec.PostHog.GetSessionTeleportData(client.player))[0]).toBe(undefined);
			expect(next(spec.PostHog.GetSessionTeleportData(501 as never))[0]).toBe(undefined);
			expect(linesWith(spec.warnings(), "GetSessionTeleportData").size()).toBe(1);
		});
	});
});
