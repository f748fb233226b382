// The example place (example/, what `npm run demo` runs in real time) in virtual time against a fake
// PostHog: its events arrive and neither the server nor the client errors.

import { afterEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, World } from "../support/emulator";
import { FakePostHog } from "../support/fakePostHog";
import { builtPlace, startPlace } from "../support/places";

describe("the example place (example/)", () => {
	let world: World;
	let fake: FakePostHog;
	afterEach(() => {
		world.destroy();
		fake.close();
	});

	it("sends its server and player events; the server and the client run without errors", () => {
		world = createWorld();
		fake = FakePostHog.create();
		const place = startPlace(world, builtPlace("ExamplePlace"), fake.url);
		const client = place.join({ userId: 156, name: "Builderman" }, true);
		const expected = [
			"server_ready",
			"$identify",
			"$groupidentify",
			"game_joined",
			"$screen",
			"coins_collected",
			"button_clicked",
		];
		const arrived = () => expected.filter((name) => fake.events().some((e) => e.event === name));
		world.runUntil(() => arrived().size() === expected.size(), 30, 0.5);
		expect(arrived()).toEqual(expected);

		world.removePlayer(client);
		world.runUntil(() => fake.events().some((e) => e.event === "game_left"), 30, 0.5);
		const left = fake.events().find((e) => e.event === "game_left");
		expect(left?.distinct_id).toBe("156");
		expect(fake.batches()[0].api_key).toBe("phc_example_key");
		expect(place.server.errors.map((e) => e.message)).toEqual([]);
		expect(client.errors.map((e) => e.message)).toEqual([]);
	});
});
