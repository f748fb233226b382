// The PostHog module. Luau code requires it and gets the server SDK on the server and the client
// relay on clients (PostHog:Init, PostHog:Capture... as PostHog's Roblox docs show). roblox-ts code
// imports the typed halves by name: `import { PostHog, PostHogClient } from "@rbxts/posthog"`; both
// objects carry both names, so that works on either side. The default import is typed as the server
// SDK (what it is on the server); client code should use PostHogClient.

import { RunService } from "@rbxts/services";
import { PostHogClient } from "./client/PostHogClient";
import { PostHogServer } from "./server/PostHogServer";

interface Halves {
	/** The server SDK. On a client it does nothing (Init warns that it belongs in a server Script). */
	readonly PostHog: PostHogServer;
	/** The client relay. On the server it does nothing (each method warns once). */
	readonly PostHogClient: PostHogClient;
}

type ServerEntry = PostHogServer & Halves;

const server = new PostHogServer();
// Starts relaying at once when this module runs on a client.
const client = new PostHogClient();

for (const half of [server, client] as Array<object>) {
	const writable = half as { -readonly [K in keyof Halves]: Halves[K] };
	writable.PostHog = server;
	writable.PostHogClient = client;
}

const entry = (RunService.IsServer() ? server : client) as unknown as ServerEntry;

// Types for roblox-ts users: `import { Subject } from "@rbxts/posthog"`.
// eslint-disable-next-line roblox-ts/no-namespace-merging -- a type-only namespace emits no Luau; rbxtsc compiles this merge
declare namespace entry {
	export type Subject = import("./server/resolveSubject").Subject;
	export type PostHogOptions = import("./core/config/PostHogConfig").PostHogOptions;
	export type PersonProfiles = import("./core/config/PostHogConfig").PersonProfiles;
	export type BeforeSend = import("./core/config/PostHogConfig").BeforeSend;
	export type CapturedEvent = import("./core/events/CapturedEvent").CapturedEvent;
	export type ExceptionDescription = import("./server/PostHogServer").ExceptionDescription;
	export type CaptureOptions = import("./server/PostHogServer").CaptureOptions;
	export type FeatureFlag = import("./server/flags/FeatureFlag").FeatureFlag;
	export type FeatureFlagOptions = import("./server/flags/FeatureFlagOptions").FeatureFlagOptions;
	export type PostHogClientOptions = import("./client/PostHogClient").PostHogClientOptions;
	export type LogLevel = import("./core/platform").LogLevel;
}

export = entry;
