// Shared setup for the relay's end-to-end specs (src/__tests__/relay/): a world with a fake PostHog, a
// server with the SDK installed, and helpers to join players whose client requires the SDK the way a
// LocalScript does (require(ReplicatedStorage.PostHog) on that client, so it runs on the client's
// clock, DataModel and ScriptContext).

import { afterEach, beforeEach } from "@rbxts/jest-globals";
import { ClientPeer, createWorld, JoinOptions, Peer, World } from "./emulator";
import { CapturedEvent, FakePostHog } from "./fakePostHog";
import { PostHogApi, sdkOutput, startSdkServer } from "./sdk";
import { specOptions } from "./serverSpec";

export type PostHogClientApi = PostHogApi["PostHogClient"];

export interface RelayWorld {
	world: World;
	fake: FakePostHog;
	server: Peer;
	PostHog: PostHogApi;
	/** Server Init with quiet defaults (no lifecycle events, no flags) and `overrides`. */
	init: (overrides?: Record<string, unknown>) => void;
	/** Flushes the server and lets the fake receive everything. */
	deliver: () => CapturedEvent[];
}

/** The module a LocalScript on `client` requires, as that client sees it. */
export function requireOnClient(client: ClientPeer): PostHogClientApi {
	const module = client.game.GetService("ReplicatedStorage").FindFirstChild("PostHog") as ModuleScript;
	return client.require(module) as PostHogClientApi;
}

/** Joins a player and requires the SDK on their client; lets the join replicate first. */
export function joinWithSdk(world: World, options?: JoinOptions): { client: ClientPeer; PostHog: PostHogClientApi } {
	const client = world.joinPlayer(options);
	world.runFor(0.1);
	return { client, PostHog: requireOnClient(client) };
}

/** The SDK's warn and error lines of a peer (errors are written with warn, unhandled ones with error). */
export function sdkProblems(peer: Peer): string[] {
	return [...sdkOutput(peer, "warn"), ...sdkOutput(peer, "error")];
}

/** Registers beforeEach/afterEach in the calling describe block; read the fields inside tests only. */
export function useRelayWorld(): RelayWorld {
	const spec = {} as RelayWorld;
	beforeEach(() => {
		const world = createWorld();
		const fake = FakePostHog.create();
		const { server, PostHog } = startSdkServer(world);
		spec.world = world;
		spec.fake = fake;
		spec.server = server;
		spec.PostHog = PostHog;
		spec.init = (overrides) => PostHog.Init(specOptions(fake, overrides));
		spec.deliver = () => {
			world.runFor(1);
			PostHog.Flush();
			world.runFor(1);
			return fake.deliveredEvents();
		};
	});
	afterEach(() => {
		spec.world.destroy();
		spec.fake.close();
	});
	return spec;
}

/** Events named `name`. */
export function named(events: ReadonlyArray<CapturedEvent>, name: string): CapturedEvent[] {
	return events.filter((event) => event.event === name);
}
