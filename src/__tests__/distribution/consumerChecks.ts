// What every consumer place (model, Wally, roblox-ts) must get to PostHog: the calls of its server
// Script and LocalScript (test/consumers/*), checked at the fake PostHog.
// (No print from specs: a harness print also flushes luau-web's internal C stdout debug lines.)

import { expect } from "@rbxts/jest-globals";
import { SDK_VERSION } from "../../version";
import { HttpService } from "@rbxts/services";
import { createWorld, Peer, World } from "../support/emulator";
import { CapturedEvent, FakePostHog } from "../support/fakePostHog";
import { builtPlace, startPlace } from "../support/places";

/** The player every consumer check joins with. */
export const PLAYER = { userId: 4242, name: "Builderman" };
const PLAYER_ID = tostring(PLAYER.userId);
export const FLAG_KEY = "consumer-flag";

function find(events: CapturedEvent[], name: string, distinctId?: string): CapturedEvent | undefined {
	return events.find((e) => e.event === name && (distinctId === undefined || e.distinct_id === distinctId));
}

/** The events the consumer server Script sends, by name and distinct id. */
function serverExpectations(): Array<[string, string | undefined]> {
	const expected: Array<[string, string | undefined]> = [
		["shop_restocked", undefined],
		["game_joined", PLAYER_ID],
		["$identify", PLAYER_ID],
		["$groupidentify", PLAYER_ID],
		["$screen", PLAYER_ID],
		["level_completed", PLAYER_ID],
		["flag_read", PLAYER_ID],
		["$exception", PLAYER_ID],
	];
	return expected;
}

export interface ConsumerRun {
	world: World;
	server: Peer;
	fake: FakePostHog;
	events: CapturedEvent[];
}

/** Starts the place against a fake PostHog, joins PLAYER and waits until the expected events arrived. */
export function runConsumer(
	placeName: string,
	options: {
		/** Run the place's LocalScripts in the player's client. */
		clientScripts?: boolean;
		/** Called once the place is loaded, before its Scripts run. */
		beforeScripts?: (server: Peer, world: World) => void;
		/** Called once its Scripts started, before the player joins. */
		afterScripts?: (server: Peer, world: World) => void;
		/** More event names to wait for. */
		alsoExpect?: string[];
	} = {},
): ConsumerRun {
	const world = createWorld();
	const fake = FakePostHog.create();
	fake.flags({ flags: { [FLAG_KEY]: "variant-b" } });
	const place = startPlace(world, builtPlace(placeName), fake.url, {
		beforeScripts: (server) => options.beforeScripts?.(server, world),
	});
	options.afterScripts?.(place.server, world);
	place.join(PLAYER, options.clientScripts === true);
	const expected = serverExpectations();
	if (options.clientScripts === true) expected.push(["button_clicked", PLAYER_ID]);
	for (const name of options.alsoExpect ?? []) expected.push([name, undefined]);
	// Relayed client events wait for the flush interval: coarse steps keep the fake's round trips few.
	world.runUntil(
		() => {
			const events = fake.events();
			return expected.every(([name, id]) => find(events, name, id) !== undefined);
		},
		60,
		0.5,
	);
	const errors = place.server.errors.map((e) => e.message);
	expect(errors).toEqual([]);
	return { world, fake, server: place.server, events: fake.events() };
}

/** The server Script's calls, as PostHog receives them. */
export function expectServerEvents({ fake, events }: ConsumerRun) {
	const body = fake.batches()[0];
	expect(body.api_key).toBe("phc_consumer_key");
	const missing = serverExpectations().filter(([name, id]) => find(events, name, id) === undefined);
	expect(missing).toEqual([]);

	const restocked = find(events, "shop_restocked")!;
	expect(restocked.distinct_id).never.toBe(PLAYER_ID);
	expect(restocked.properties).toMatchObject({ items: 3, place_version: 1, $lib_version: SDK_VERSION });

	const identify = find(events, "$identify", PLAYER_ID)!;
	expect(identify.properties).toMatchObject({ $set: { display_name: PLAYER.name, level: 12 } });
	expect(typeIs((identify.properties!.$set_once as { first_seen?: unknown }).first_seen, "number")).toBe(true);

	const group = find(events, "$groupidentify", PLAYER_ID)!;
	expect(group.properties).toMatchObject({
		$group_type: "guild",
		$group_key: "guild_42",
		$group_set: { name: "The Knights" },
	});
	const screen = find(events, "$screen", PLAYER_ID)!;
	expect(screen.properties).toMatchObject({ $screen_name: "Main Menu", unlocked_levels: 5 });
	const level = find(events, "level_completed", PLAYER_ID)!;
	expect(level.properties).toMatchObject({ level: 5, used_powerup: true, $groups: { guild: "guild_42" } });

	expect(find(events, "flag_read", PLAYER_ID)!.properties).toMatchObject({ variant: "variant-b", enabled: true });
	const flagRequests = fake
		.requests("flags")
		.filter((r) => (r.json as { distinct_id?: string }).distinct_id === PLAYER_ID);
	expect(flagRequests.size() > 0).toBe(true);
}

/** The LocalScript's calls, relayed by the server and attributed to the player. */
export function expectClientEvents({ events }: ConsumerRun) {
	expect(find(events, "button_clicked", PLAYER_ID)?.properties).toMatchObject({ button: "play" });
	const screens = events.filter((e) => e.event === "$screen" && e.distinct_id === PLAYER_ID);
	expect(screens.some((e) => (e.properties ?? {}).$screen_name === "Shop")).toBe(true);
	const clientException = events.find(
		(e) =>
			e.event === "$exception" &&
			e.distinct_id === PLAYER_ID &&
			HttpService.JSONEncode(e.properties).find("Something went wrong", 1, true)[0] !== undefined,
	);
	expect(clientException).toBeDefined();
}

export function cleanup(run: ConsumerRun | undefined) {
	run?.world.destroy();
	run?.fake.close();
}
