import { describe, expect, it } from "@rbxts/jest-globals";
import {
	buildPlayerIdleProperties,
	buildPlayerJoinedProperties,
	buildPlayerLeftProperties,
	buildServerShutdownProperties,
	buildServerStartedProperties,
	LIFECYCLE_EVENTS,
	membershipTypeName,
} from "../../../core/lifecycle/lifecycleProperties";

const NOW = 1767323045678;

describe("LIFECYCLE_EVENTS", () => {
	it("names the documented events", () => {
		expect(LIFECYCLE_EVENTS).toEqual({
			serverStarted: "server_started",
			serverShutdown: "server_shutdown",
			playerJoined: "player_joined",
			playerLeft: "player_left",
			playerIdle: "player_idle",
		});
	});
});

describe("buildServerStartedProperties", () => {
	const CASES: Array<[string, string, number, boolean, boolean]> = [
		["a public server", "", 0, false, false],
		["a private server", "a1b2c3", 1234567, true, false],
		["a reserved server", "a1b2c3", 0, true, true],
	];
	for (const [kind, privateServerId, privateServerOwnerId, isPrivate, isReserved] of CASES) {
		it(`describes ${kind}`, () => {
			expect(
				buildServerStartedProperties({ playerCount: 3, maxPlayers: 20, privateServerId, privateServerOwnerId }),
			).toEqual({ player_count: 3, max_players: 20, is_private_server: isPrivate, is_reserved_server: isReserved });
		});
	}
});

describe("buildServerShutdownProperties", () => {
	it("counts whole seconds of uptime", () => {
		expect(
			buildServerShutdownProperties({ playerCount: 2, serverStartedAtMillis: NOW - 90_999, nowMillis: NOW }),
		).toEqual({ player_count: 2, uptime_seconds: 90 });
	});

	it("never reports negative uptime when the clock stepped back", () => {
		const properties = buildServerShutdownProperties({
			playerCount: 0,
			serverStartedAtMillis: NOW + 5000,
			nowMillis: NOW,
		});
		expect(properties.uptime_seconds).toBe(0);
	});
});

describe("buildPlayerJoinedProperties", () => {
	it("has the documented properties", () => {
		expect(
			buildPlayerJoinedProperties({
				isTeleport: true,
				playerCount: 4,
				accountAgeDays: 812,
				hasRobloxSubscription: true,
				countryCode: "GB",
			}),
		).toEqual({
			is_teleport: true,
			player_count: 4,
			account_age_days: 812,
			membership_type: "Premium",
			country_code: "GB",
		});
	});

	it("omits what is unknown", () => {
		expect(
			buildPlayerJoinedProperties({ isTeleport: false, playerCount: 1, accountAgeDays: 0, countryCode: "" }),
		).toEqual({ is_teleport: false, player_count: 1, account_age_days: 0 });
	});
});

describe("membershipTypeName", () => {
	it("uses the MembershipType enum's names", () => {
		expect(membershipTypeName(true)).toBe("Premium");
		expect(membershipTypeName(false)).toBe("None");
	});
});

describe("buildPlayerLeftProperties", () => {
	it("counts the session's whole seconds and the players who stay", () => {
		expect(
			buildPlayerLeftProperties({
				sessionStartedAtMillis: NOW - 125_400,
				nowMillis: NOW,
				playerCountBeforeRemoval: 5,
				platform: "Mobile",
				countryCode: "US",
			}),
		).toEqual({ session_duration_seconds: 125, player_count: 4, platform: "Mobile", country_code: "US" });
	});

	it("reports no players left when the last one leaves, and omits unknown platform and country", () => {
		expect(
			buildPlayerLeftProperties({ sessionStartedAtMillis: NOW, nowMillis: NOW, playerCountBeforeRemoval: 1 }),
		).toEqual({ session_duration_seconds: 0, player_count: 0 });
		expect(
			buildPlayerLeftProperties({ sessionStartedAtMillis: NOW, nowMillis: NOW, playerCountBeforeRemoval: 0 })
				.player_count,
		).toBe(0);
	});
});

describe("buildPlayerIdleProperties", () => {
	it("reports whole, non-negative seconds for any number the client sends", () => {
		const CASES: Array<[number, number]> = [
			[120.9, 120],
			[0, 0],
			[-5, 0],
			[0 / 0, 0],
			[math.huge, 0],
		];
		for (const [idleSeconds, expected] of CASES) {
			expect(buildPlayerIdleProperties(idleSeconds)).toEqual({ idle_seconds: expected });
		}
	});
});
