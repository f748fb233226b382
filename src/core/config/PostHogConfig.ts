// The server SDK's options: what `PostHog:Init` accepts (PostHogOptions, one JSDoc and @default
// per option) and what the SDK runs with once resolveConfig has validated them (PostHogConfig).
// This file is the one place defaults live; the user-facing contract is roblox-sdk-docs.md.

import { CapturedEvent } from "../events/CapturedEvent";
import { LogLevel } from "../platform";

/** Which events create or update a person profile. */
export type PersonProfiles = "identified_only" | "always" | "never";

/**
 * Edits or drops an event just before it is queued. Return the (possibly edited) event to keep it,
 * or nil to drop it. If it raises an error the event is dropped and a warning names the error.
 */
export type BeforeSend = (event: CapturedEvent) => CapturedEvent | undefined;

export interface PostHogOptions {
	/** Your PostHog project API key (starts with "phc_"). Required, unless `projectKey` is given. */
	apiKey?: string;
	/** Alias of `apiKey`. */
	projectKey?: string;
	/**
	 * PostHog ingestion host. `https://` is added when the scheme is missing; trailing slashes are
	 * removed; the app hosts (app/us/eu.posthog.com) map to their ingestion hosts.
	 * @default "https://us.i.posthog.com"
	 */
	host?: string;

	/** Flush once this many events are queued; an integer >= 1. @default 20 */
	flushAt?: number;
	/** Flush at least this often, in seconds; >= 1. @default 30 */
	flushIntervalSeconds?: number;
	/** Most events kept in memory; past it the oldest is dropped. An integer >= 1. @default 1000 */
	maxQueueSize?: number;
	/** Most events per HTTP request; an integer >= 1. @default 50 */
	maxBatchSize?: number;
	/**
	 * Retries of a failed batch (network error, 5xx, 408, 429) in a row; an integer 0–10. After the
	 * last one the events stay queued and sending pauses for a minute, then starts again: events are
	 * dropped only when the queue is full (maxQueueSize), oldest first. @default 3
	 */
	maxRetries?: number;
	/** Gzip request bodies. @default true */
	enableCompression?: boolean;
	/**
	 * The SDK's HTTP budget, in requests per minute (sustained; bursts up to the same number).
	 * Roblox allows 500 per minute per server for all scripts together. An integer 1–500.
	 * @default 60
	 */
	maxRequestsPerMinute?: number;
	/** Edits or drops events before they are queued (see BeforeSend). @default nil */
	beforeSend?: BeforeSend;
	/**
	 * Stop PostHog from geolocating requests: every event carries `$geoip_disable = true` and flag
	 * requests send `geoip_disable: true`. The requests come from a Roblox data centre, so PostHog's
	 * GeoIP would give every player the data centre's location; keep it on and send the player's
	 * country yourself (the SDK does for flags, see sendDefaultPersonPropertiesForFlags). With false,
	 * events carry no `$geoip_disable` and flag requests send `geoip_disable: false`. @default true
	 */
	disableGeoip?: boolean;

	/** Fetch a player's flags when they join. @default true */
	preloadFeatureFlags?: boolean;
	/** Emit `$feature_flag_called` when a flag is read. @default true */
	sendFeatureFlagEvents?: boolean;
	/**
	 * Send the player's standard properties with flag requests and local evaluation, under your own
	 * overrides: `distinct_id`, `country_code` and `$geoip_country_code` (the player's country from
	 * LocalizationService; PostHog's GeoIP is off for Roblox servers), `account_age_days`,
	 * `membership_type`, and `$os` / `$device_type` once the client relay reported them.
	 * @default true
	 */
	sendDefaultPersonPropertiesForFlags?: boolean;
	/**
	 * A feature flags secure key ("phs_...") or a personal API key ("phx_...") of this project. With
	 * it the server downloads the flag definitions and evaluates flags itself, so most flag reads and
	 * player joins need no /flags request (flags it cannot decide still go to PostHog).
	 *
	 * A SECRET: pass it only from a server Script (ServerScriptService), never from a ModuleScript in
	 * ReplicatedStorage, ReplicatedFirst, Workspace or any other replicated container, where every
	 * client could read it. It must be a plain string: a Roblox Secret (HttpService:GetSecret) cannot
	 * be passed yet. @default nil (flags are evaluated by PostHog)
	 */
	featureFlagsSecureKey?: string;
	/**
	 * How often the flag definitions are checked for changes (with featureFlagsSecureKey), in
	 * seconds; >= 10. Unchanged definitions cost a small 304 answer, but PostHog bills every check
	 * like 10 flag requests, for every game server. @default 30
	 */
	featureFlagsPollIntervalSeconds?: number;
	/**
	 * With featureFlagsSecureKey: share the flag definitions between the experience's servers through
	 * MemoryStore and DataStore, so one server per poll interval asks PostHog and the others read its
	 * copy. A server polls PostHog itself whenever the shared copy can't be used (storage failing, no
	 * recent copy). Studio's test server always polls itself. @default true
	 */
	shareFlagDefinitions?: boolean;

	/**
	 * Keep events that can't be sent in time (PostHog unreachable at shutdown, a long outage) in the
	 * experience's DataStore and MemoryStore, for any server of the experience to send later.
	 * @default true on live servers, false in Studio
	 */
	durableDelivery?: boolean;

	/** Capture player_joined/left/idle and server_started/shutdown. @default true */
	captureLifecycleEvents?: boolean;
	/** Capture unhandled errors as `$exception` events. @default true */
	captureErrors?: boolean;
	/** Minimum gap between auto-captured server errors, in seconds; >= 0 (0 = no debounce). @default 1 */
	errorDebounceSeconds?: number;

	/** Which events create person profiles. @default "identified_only" */
	personProfiles?: PersonProfiles;
	/** distinct_id of server-scoped (nil subject) events; a non-empty string. @default "server" */
	serverDistinctId?: string;

	/** Create the RemoteEvent that lets clients relay events. @default true */
	enableClientRelay?: boolean;
	/** Alias of `enableClientRelay`. */
	allowClientEvents?: boolean;
	/** Per-player limit on relayed messages, per second; >= 0 (0 drops every client message). @default 20 */
	clientRateLimitPerSecond?: number;
	/** Most properties accepted from one client message; an integer >= 0. @default 100 */
	maxClientPropertyCount?: number;

	/** Least severe level written to the output. @default "warn" */
	logLevel?: LogLevel;
}

/** Options after validation: aliases folded in, defaults filled, host normalized. */
export interface PostHogConfig {
	apiKey: string;
	host: string;
	flushAt: number;
	flushIntervalSeconds: number;
	maxQueueSize: number;
	maxBatchSize: number;
	maxRetries: number;
	enableCompression: boolean;
	maxRequestsPerMinute: number;
	beforeSend: BeforeSend | undefined;
	disableGeoip: boolean;
	preloadFeatureFlags: boolean;
	sendFeatureFlagEvents: boolean;
	sendDefaultPersonPropertiesForFlags: boolean;
	featureFlagsSecureKey: string | undefined;
	featureFlagsPollIntervalSeconds: number;
	shareFlagDefinitions: boolean;
	/** Undefined: on where experience storage exists, except in Studio. */
	durableDelivery: boolean | undefined;
	captureLifecycleEvents: boolean;
	captureErrors: boolean;
	errorDebounceSeconds: number;
	personProfiles: PersonProfiles;
	serverDistinctId: string;
	enableClientRelay: boolean;
	clientRateLimitPerSecond: number;
	maxClientPropertyCount: number;
	logLevel: LogLevel;
}

export const DEFAULT_HOST = "https://us.i.posthog.com";

/**
 * The defaults documented on PostHogOptions (apiKey has none; beforeSend and featureFlagsSecureKey
 * default to nil; durableDelivery's depends on where the server runs).
 */
export const CONFIG_DEFAULTS: Readonly<
	Omit<PostHogConfig, "apiKey" | "beforeSend" | "featureFlagsSecureKey" | "durableDelivery">
> = {
	host: DEFAULT_HOST,
	flushAt: 20,
	flushIntervalSeconds: 30,
	maxQueueSize: 1000,
	maxBatchSize: 50,
	maxRetries: 3,
	enableCompression: true,
	maxRequestsPerMinute: 60,
	disableGeoip: true,
	preloadFeatureFlags: true,
	sendFeatureFlagEvents: true,
	sendDefaultPersonPropertiesForFlags: true,
	featureFlagsPollIntervalSeconds: 30,
	shareFlagDefinitions: true,
	captureLifecycleEvents: true,
	captureErrors: true,
	errorDebounceSeconds: 1,
	personProfiles: "identified_only",
	serverDistinctId: "server",
	enableClientRelay: true,
	clientRateLimitPerSecond: 20,
	maxClientPropertyCount: 100,
	logLevel: "warn",
};
