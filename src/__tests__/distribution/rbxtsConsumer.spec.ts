// The npm package as a roblox-ts game uses it: the packed tarball installed with `npm install`, the game
// compiled by rbxtsc against the package's typings (type errors fail the runner's step) and built by Rojo
// (test/consumers/rbxts-game/), running on its own roblox-ts runtime in ReplicatedStorage.rbxts_include.

import { afterEach, describe, it } from "@rbxts/jest-globals";
import { cleanup, ConsumerRun, expectClientEvents, expectServerEvents, runConsumer } from "./consumerChecks";

describe("roblox-ts consumer: @rbxts/posthog from the npm tarball", () => {
	let run: ConsumerRun | undefined;
	afterEach(() => {
		cleanup(run);
		run = undefined;
	});

	it("server script: the typed API reaches PostHog", () => {
		run = runConsumer("RbxtsPlace");
		expectServerEvents(run);
	});

	it("client script: PostHogClient calls are relayed and attributed to the player", () => {
		run = runConsumer("RbxtsPlace", { clientScripts: true });
		expectClientEvents(run);
	});
});
