// The Wally package as a Rojo game uses it: dist/posthog-wally.zip installed the way `wally install`
// lays it out (Packages/_Index/<scope>_<name>@<version>/<name>/ plus the Packages/PostHog.lua link),
// mapped into ReplicatedStorage by the game's default.project.json and built by Rojo
// (test/consumers/wally/); the same Script and LocalScript calls as the model consumer.

import { afterEach, describe, it } from "@rbxts/jest-globals";
import { cleanup, ConsumerRun, expectClientEvents, expectServerEvents, runConsumer } from "./consumerChecks";

describe("Wally consumer: Packages/PostHog mapped into ReplicatedStorage by Rojo", () => {
	let run: ConsumerRun | undefined;
	afterEach(() => {
		cleanup(run);
		run = undefined;
	});

	it("server Script: Init, Register, Capture, Identify, Group, Screen, Flush reach PostHog", () => {
		run = runConsumer("WallyPlace");
		expectServerEvents(run);
	});

	it("LocalScript: Capture, Screen, CaptureException are relayed and attributed to the player", () => {
		run = runConsumer("WallyPlace", { clientScripts: true });
		expectClientEvents(run);
	});
});
