// Lifecycle autocapture end to end (roblox-sdk-docs "Autocapture"; peers.md §7, §9 items 20–23):
// server_started, player_joined, player_left, player_idle and server_shutdown as the fake PostHog
// receives them from a world server with real players joining and leaving.
import { describe, expect, it } from "@rbxts/jest-globals";
import { SDK_VERSION } from "../../version";
import { CapturedEvent } from "../support/fakePostHog";
import { named, props, reportClientContext, reportClientIdle, runtimeOf } from "../support/sdkInternals";
import { useServerSpec } from "../support/serverSpec";

const UUIDV7 = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-7%x%x%x%-[89ab]%x%x%x%-%x+$";

describe("lifecycle autocapture", () => {
	const spec = useServerSpec();

	function init(overrides?: Record<string, unknown>) {
		spec.init({ captureLifecycleEvents: true, ...overrides });
	}

	/** Flushes and runs the world until the fake has answered. */
	function send() {
		spec.PostHog.Flush();
		spec.world.runFor(1);
	}

	/** The delivered events named `name` whose distinct id is `distinctId` (any when omitted). */
	function delivered(name: string, distinctId?: string): CapturedEvent[] {
		return named(spec.delivered(), name).filter(
			(event) => distinctId === undefined || event.distinct_id === distinctId,
		);
	}

	/** The one delivered event named `name` (for `distinctId`). */
	function only(name: string, distinctId?: string): CapturedEvent {
		const matching = delivered(name, distinctId);
		expect(matching.size()).toBe(1);
		return matching[0];
	}

	describe("server_started", () => {
		it("is sent at Init with the server's capacity and kind, and the standard context", () => {
			init();
			send();
			const event = only("server_started");
			expect(event.distinct_id).toBe("server");
			const p = props(event);
			expect(p.player_count).toBe(0);
			expect(p.max_players).toBe(50);
			expect(p.is_private_server).toBe(false);
			expect(p.is_reserved_server).toBe(false);
			expect(p.$session_id).toMatch(UUIDV7);
			expect(p.$os).toBe("Roblox");
			expect(p.$device_type).toBe("Server");
			expect(p.$lib_version).toBe(SDK_VERSION);
			expect(p.place_id).toBe(spec.server.game.PlaceId);
			expect(p.game_id).toBe(spec.server.game.GameId);
			expect(p.server_job_id).toBe(spec.server.game.JobId);
		});

		it("is not sent when captureLifecycleEvents is off, while sessions still are", () => {
			spec.init();
			const client = spec.world.joinPlayer();
			spec.world.runFor(0.5);
			spec.PostHog.Capture(client.player, "shop_opened");
			spec.PostHog.Capture(undefined, "round_started");
			spec.world.shutdownServer(spec.server);
			expect(spec.deliveredNames()).toEqual(["shop_opened", "round_started"]);
			const [player, server] = [props(only("shop_opened")), props(only("round_started"))];
			expect(player.$session_id).toMatch(UUIDV7);
			expect(server.$session_id).toMatch(UUIDV7);
			expect(player.$session_id).never.toBe(server.$session_id);
		});
	});

	describe("player_joined", () => {
		it("is sent with the player's facts, the country and the player's session", () => {
			init();
			spec.world.joinPlayer({ userId: 501, accountAge: 12, membershipType: "Premium", country: "GB" });
			spec.world.joinPlayer({ userId: 502, accountAge: 3000 });
			spec.world.runFor(0.5);
			send();
			const first = props(only("player_joined", "501"));
			expect(first.is_teleport).toBe(false);
			expect(first.player_count).toBe(1);
			expect(first.account_age_days).toBe(12);
			expect(first.membership_type).toBe("Premium");
			expect(first.country_code).toBe("GB");
			expect(first.$session_id).toMatch(UUIDV7);
			expect(first.$lib_version).toBe(SDK_VERSION);
			expect(first.place_id).toBe(spec.server.game.PlaceId);
			const second = props(only("player_joined", "502"));
			expect(second.player_count).toBe(2);
			expect(second.membership_type).toBe("None");
			expect(second.country_code).toBe("US");
			expect(second.$session_id).never.toBe(first.$session_id);
		});

		it("waits for the country lookup before it is sent", () => {
			init();
			spec.world.joinPlayer({ userId: 501, country: "FR", countryLookupSeconds: 2 });
			spec.world.runFor(1);
			send();
			expect(delivered("player_joined").size()).toBe(0);
			spec.world.runFor(1);
			send();
			expect(props(only("player_joined", "501")).country_code).toBe("FR");
		});

		it("is not held up by another player's slow country lookup, and waits a bounded time", () => {
			init();
			spec.world.joinPlayer({ userId: 501, country: "JP", countryLookupSeconds: 60 });
			spec.world.joinPlayer({ userId: 502, country: "BR" });
			spec.world.runFor(0.5);
			send();
			expect(props(only("player_joined", "502")).country_code).toBe("BR");
			expect(delivered("player_joined", "501").size()).toBe(0);
			spec.world.runFor(5);
			send();
			// Past the bound the join goes without a country; the late answer still reaches player_left.
			expect(props(only("player_joined", "501")).country_code).toBe(undefined);
			spec.world.runFor(60);
			spec.world.removePlayer(spec.world.findClient(501)!);
			spec.world.runFor(0.5);
			send();
			expect(props(only("player_left", "501")).country_code).toBe("JP");
		});

		it("is sent without a country when the lookup fails", () => {
			init();
			spec.world.joinPlayer({ userId: 501, countryLookupError: "HTTP 503 (Service Unavailable)" });
			spec.world.runFor(0.5);
			send();
			const joined = props(only("player_joined", "501"));
			expect(joined.country_code).toBe(undefined);
			expect(joined.account_age_days).toBe(365);
		});

		it("counts players already in the server at Init as joins, once each", () => {
			spec.world.joinPlayer({ userId: 501 });
			spec.world.joinPlayer({ userId: 502 });
			spec.world.runFor(1);
			init();
			spec.world.runFor(0.5);
			send();
			expect(props(only("server_started")).player_count).toBe(2);
			expect(props(only("player_joined", "501")).player_count).toBe(2);
			expect(props(only("player_joined", "502")).player_count).toBe(2);
			spec.world.joinPlayer({ userId: 503 });
			spec.world.runFor(10);
			send();
			expect(delivered("player_joined").size()).toBe(3);
			expect(props(only("player_joined", "503")).player_count).toBe(3);
		});

		it("comes before player_left when the player leaves during the country lookup", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501, countryLookupSeconds: 3 });
			spec.world.runFor(1);
			spec.world.removePlayer(client);
			spec.world.runFor(5);
			send();
			const names = spec
				.delivered()
				.filter((event) => event.distinct_id === "501")
				.map((event) => event.event);
			expect(names).toEqual(["player_joined", "player_left"]);
		});

		it("shares its session with events a game's own PlayerAdded handler captured first", () => {
			spec.server.runSource(
				[
					'local PostHog = require(game:GetService("ReplicatedStorage"):WaitForChild("PostHog"))',
					'game:GetService("Players").PlayerAdded:Connect(function(player)',
					'\tPostHog:Capture(player, "lobby_entered")',
					"end)",
				].join("\n"),
				"Lobby",
			);
			init();
			spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			send();
			const sessionId = props(only("player_joined", "501")).$session_id;
			expect(sessionId).toMatch(UUIDV7);
			expect(props(only("lobby_entered", "501")).$session_id).toBe(sessionId);
		});
	});

	describe("player_left", () => {
		it("is sent with the session's duration, the players left, the platform and the country", () => {
			init();
			const leaving = spec.world.joinPlayer({ userId: 501, country: "DE" });
			spec.world.joinPlayer({ userId: 502 });
			spec.world.runFor(0.5);
			reportClientContext(spec.PostHog, leaving.player, "Mobile", "Phone");
			spec.world.runFor(100);
			spec.world.removePlayer(leaving);
			spec.world.runFor(0.5);
			send();
			const left = props(only("player_left", "501"));
			expect(left.session_duration_seconds).toBeGreaterThanOrEqual(100);
			expect(left.session_duration_seconds).toBeLessThanOrEqual(101);
			expect(left.player_count).toBe(1);
			expect(left.platform).toBe("Phone");
			expect(left.country_code).toBe("DE");
			expect(left.$device_type).toBe("Mobile");
			expect(left.$session_id).toBe(props(only("player_joined", "501")).$session_id);
		});

		it("omits the platform when the client never reported it", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			spec.world.removePlayer(client);
			spec.world.runFor(0.5);
			send();
			const left = props(only("player_left", "501"));
			expect(left.platform).toBe(undefined);
			expect(left.$device_type).toBe(undefined);
			expect(left.player_count).toBe(0);
		});

		it("drops the player's state and session; later calls about them start no new session and keep no state", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			spec.PostHog.Group(client.player, "guild", "knights");
			spec.world.removePlayer(client);
			spec.world.runFor(0.5);
			const runtime = runtimeOf(spec.PostHog);
			expect(runtime.states.get("501")).toBe(undefined);
			expect(runtime.sessions.getPlayerSession(501)).toBe(undefined);
			spec.PostHog.Capture(client.player, "purchase_refunded");
			spec.PostHog.Group(client.player, "guild", "dragons");
			spec.PostHog.OptOut(client.player);
			send();
			expect(runtime.states.get("501")).toBe(undefined);
			expect(runtime.sessions.getPlayerSession(501)).toBe(undefined);
			const late = props(only("purchase_refunded", "501"));
			expect(late.$session_id).toBe(undefined);
			expect(late.$groups).toBe(undefined);
		});
	});

	describe("player_idle", () => {
		it("is sent once per idle period the client reports", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			for (const seconds of [120.7, 150, 180]) reportClientIdle(spec.PostHog, client.player, seconds);
			reportClientIdle(spec.PostHog, client.player, 120); // back to work, then idle again
			send();
			const idle = delivered("player_idle", "501");
			expect(idle.map((event) => props(event).idle_seconds)).toEqual([120, 120]);
			expect(props(idle[0]).$session_id).toBe(props(only("player_joined", "501")).$session_id);
		});

		it("ignores absurd idle times and players who left", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			for (const seconds of [-1, 0 / 0, math.huge, 8 * 24 * 3600]) {
				reportClientIdle(spec.PostHog, client.player, seconds);
			}
			spec.world.removePlayer(client);
			spec.world.runFor(0.5);
			reportClientIdle(spec.PostHog, client.player, 120);
			send();
			expect(delivered("player_idle").size()).toBe(0);
		});
	});

	describe("server_shutdown", () => {
		it("is sent when the server closes, after the players' player_left", () => {
			init();
			spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(30);
			const result = spec.world.shutdownServer(spec.server);
			expect(result.completed).toBe(true);
			const shutdown = props(only("server_shutdown"));
			expect(shutdown.uptime_seconds).toBeGreaterThanOrEqual(30);
			expect(shutdown.uptime_seconds).toBeLessThanOrEqual(31);
			expect(shutdown.player_count).toBe(0);
			expect(shutdown.$session_id).toBe(props(only("server_started")).$session_id);
			const names = spec.deliveredNames();
			expect(names.indexOf("player_left")).toBeLessThan(names.indexOf("server_shutdown"));
		});
	});
});

describe("server_started on private and reserved servers", () => {
	const reserved = useServerSpec({ server: { privateServerId: "reserved-1", privateServerOwnerId: 0 } });

	it("marks a reserved server (a private server id without an owner)", () => {
		reserved.init({ captureLifecycleEvents: true });
		reserved.PostHog.Flush();
		reserved.world.runFor(1);
		const started = props(named(reserved.delivered(), "server_started")[0]);
		expect(started.is_private_server).toBe(true);
		expect(started.is_reserved_server).toBe(true);
	});
});

describe("server_started on a player-owned private server", () => {
	const owned = useServerSpec({ server: { privateServerId: "vip-1", privateServerOwnerId: 42 } });

	it("marks a private server that is not reserved", () => {
		owned.init({ captureLifecycleEvents: true });
		owned.PostHog.Flush();
		owned.world.runFor(1);
		const started = props(named(owned.delivered(), "server_started")[0]);
		expect(started.is_private_server).toBe(true);
		expect(started.is_reserved_server).toBe(false);
	});
});
