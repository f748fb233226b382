// Helpers for the server's feature flag specs (src/__tests__/server/flags*.spec.ts): flag definitions
// in the /flags/definitions wire shape, the /flags request bodies the fake received, and calls that
// run in a server thread so a spec can tell whether (and how long) they yielded.

import { HttpService } from "@rbxts/services";
import { Peer, World } from "./emulator";
import { FakePostHog, RecordedRequest } from "./fakePostHog";
import { PostHogApi } from "./sdk";

/** One property filter, as PostHog's definitions spell it. */
export interface WireProperty {
	key: string;
	value: unknown;
	operator?: string;
	type?: string;
	group_type_index?: number;
}

/** One release condition. */
export interface WireCondition {
	properties?: WireProperty[];
	rollout_percentage?: number;
	variant?: string;
}

/** A flag definition as /flags/definitions serves it. */
export interface WireFlag {
	key: string;
	id?: number;
	active?: boolean;
	ensure_experience_continuity?: boolean;
	has_experiment?: boolean;
	filters: {
		groups: WireCondition[];
		multivariate?: { variants: Array<{ key: string; rollout_percentage: number }> };
		payloads?: Record<string, string>;
		aggregation_group_type_index?: number;
	};
}

/** A boolean flag on for subjects matching every property (100 % rollout unless given). */
export function aFlag(key: string, properties: WireProperty[] = [], rolloutPercentage = 100, id = 1): WireFlag {
	return { key, id, active: true, filters: { groups: [{ properties, rollout_percentage: rolloutPercentage }] } };
}

/** The /flags/definitions body for `flags` (a JSON string, so empty objects stay objects). */
export function definitionsBody(
	flags: WireFlag[],
	extra: { groupTypeMapping?: Record<string, string>; minimalFlagCalledEvents?: boolean } = {},
): string {
	const flagsJson = flags.map((flag) => HttpService.JSONEncode(flag)).join(",");
	const mapping = extra.groupTypeMapping === undefined ? "{}" : HttpService.JSONEncode(extra.groupTypeMapping);
	const minimal = extra.minimalFlagCalledEvents === true ? ',"minimal_flag_called_events":true' : "";
	return `{"flags":[${flagsJson}],"group_type_mapping":${mapping},"cohorts":{}${minimal}}`;
}

/** The decoded body of a recorded /flags request. */
export interface FlagsRequestBody {
	token?: string;
	api_key?: string;
	distinct_id?: string;
	groups?: Record<string, string>;
	person_properties?: Record<string, unknown>;
	group_properties?: Record<string, Record<string, unknown>>;
	geoip_disable?: boolean;
	flag_keys_to_evaluate?: string[];
	[key: string]: unknown;
}

/** The /flags requests the fake received, decoded, in arrival order. */
export function flagsBodies(fake: FakePostHog): FlagsRequestBody[] {
	return fake.requests("flags").map((request: RecordedRequest) => (request.json ?? {}) as FlagsRequestBody);
}

/** The result of a call run in a server thread. */
export interface ServerCall<T> {
	/** Set once the call returned. */
	result?: T;
	returned: boolean;
	/** World seconds from the call to its return. */
	seconds?: number;
	/** The call returned before spawn() did: it never yielded. */
	returnedAtOnce: boolean;
}

/** Runs `body` in a new server thread now and reports when it returns (advance the world to let it). */
export function callOnServer<T>(world: World, server: Peer, body: () => T): ServerCall<T> {
	const call: ServerCall<T> = { returned: false, returnedAtOnce: false };
	const startedAt = world.now();
	server.spawn(() => {
		const result = body();
		call.result = result;
		call.returned = true;
		call.seconds = world.now() - startedAt;
	});
	call.returnedAtOnce = call.returned;
	return call;
}

/** PostHog:ReloadFeatureFlags(subject) in a server thread, run until it returns (at most 30 s). */
export function reloadFlags(world: World, server: Peer, PostHog: PostHogApi, subject: unknown): ServerCall<boolean> {
	const call = callOnServer(world, server, () => PostHog.ReloadFeatureFlags(subject as never));
	world.runUntil(() => call.returned, 30, 0.05);
	return call;
}
