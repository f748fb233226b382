// The one call path from specs into the server SDK's internals: the hooks the client relay calls
// (runtime.lifecycle.onClientIdle / onClientContext, runtime.errors.captureClientError) and the
// runtime's per-subject state and sessions. Until the relay (src/server/relay) exists, lifecycle and
// error specs drive these hooks here; relay specs then drive the same hooks through real clients.
// PostHogServer keeps the runtime in its private `runtime` field, which roblox-ts compiles to a
// plain Luau field.

import type { ServerRuntime } from "../../server/ServerRuntime";
import { CapturedEvent } from "./fakePostHog";
import { PostHogApi } from "./sdk";

/** The live runtime of an initialized SDK (fails the spec when Init did not run). */
export function runtimeOf(PostHog: PostHogApi): ServerRuntime {
	const runtime = (PostHog as unknown as { runtime?: ServerRuntime }).runtime;
	assert(runtime !== undefined, "PostHog:Init has not run on this server");
	return runtime;
}

/** What the relay will call when a client reports Player.Idled(seconds). */
export function reportClientIdle(PostHog: PostHogApi, player: Player, idleSeconds: number) {
	runtimeOf(PostHog).lifecycle!.onClientIdle(player, idleSeconds);
}

/** What the relay will call when a client reports its device context. */
export function reportClientContext(PostHog: PostHogApi, player: Player, deviceType: string, platform: string) {
	runtimeOf(PostHog).lifecycle!.onClientContext(player, { deviceType, platform });
}

/** What the relay will call with a client error it accepted. */
export function reportClientError(
	PostHog: PostHogApi,
	player: Player,
	report: { message: string; trace?: string; errorType?: string; handled: boolean; properties?: object },
) {
	runtimeOf(PostHog).errors!.captureClientError(player, report as never);
}

export type Props = Record<string, unknown>;

/** An event's properties (an empty table when it has none). */
export function props(event: CapturedEvent): Props {
	return event.properties ?? {};
}

/** The delivered events named `name`, in send order. */
export function named(events: ReadonlyArray<CapturedEvent>, name: string): CapturedEvent[] {
	return events.filter((event) => event.event === name);
}
