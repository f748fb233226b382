// Public API of @rbxts/posthog, generated from the compiler's declarations by `npm run api:update`.
// CI fails when this file and the code disagree: update it in the same commit as the API change,
// with a CHANGELOG.md entry.

// ---- index.d.ts ----
import { PostHogClient } from "./client/PostHogClient";
import { PostHogServer } from "./server/PostHogServer";
interface Halves {
    /** The server SDK. On a client it does nothing (Init warns that it belongs in a server Script). */
    readonly PostHog: PostHogServer;
    /** The client relay. On the server it does nothing (each method warns once). */
    readonly PostHogClient: PostHogClient;
}
type ServerEntry = PostHogServer & Halves;
declare const entry: ServerEntry;
declare namespace entry {
    type Subject = import("./server/resolveSubject").Subject;
    type PostHogOptions = import("./core/config/PostHogConfig").PostHogOptions;
    type PersonProfiles = import("./core/config/PostHogConfig").PersonProfiles;
    type BeforeSend = import("./core/config/PostHogConfig").BeforeSend;
    type CapturedEvent = import("./core/events/CapturedEvent").CapturedEvent;
    type ExceptionDescription = import("./server/PostHogServer").ExceptionDescription;
    type CaptureOptions = import("./server/PostHogServer").CaptureOptions;
    type FeatureFlag = import("./server/flags/FeatureFlag").FeatureFlag;
    type FeatureFlagOptions = import("./server/flags/FeatureFlagOptions").FeatureFlagOptions;
    type PostHogClientOptions = import("./client/PostHogClient").PostHogClientOptions;
    type LogLevel = import("./core/platform").LogLevel;
}
export = entry;

// ---- client/PostHogClient.d.ts ----
import { LogLevel, Platform } from "../core/platform";
import type { ExceptionDescription } from "../server/PostHogServer";
/** What `PostHog:Init` accepts on a client. The client relay needs no key. */
export interface PostHogClientOptions {
    /** Relay this client's unhandled errors (ScriptContext.Error) as `$exception` events. @default true */
    captureErrors?: boolean;
    /** Least severe level the relay writes to this client's output. @default "warn" */
    logLevel?: LogLevel;
}
export declare class PostHogClient {
    private readonly logger;
    private readonly platform;
    private transport?;
    private readonly deduper;
    private readonly sdk;
    private disconnectErrors?;
    /** Seconds of the last Player.Idled: a report not above it starts a new idle period. */
    private lastIdleSeconds?;
    /** True while an error is being relayed: an error raised meanwhile is not relayed. */
    private isHandlingError;
    /** Builds the relay; on a client it starts at once (the module does this when required there). */
    constructor(platform?: Platform);
    /**
     * Optional: the relay runs from the moment the module is required. `captureErrors = false` stops
     * relaying unhandled client errors (true turns it back on); `logLevel` sets this client's output.
     */
    Init(options?: PostHogClientOptions): void;
    /** Whether the relay runs here: true on a client, false on the server (use PostHog there). */
    IsInitialized(): boolean;
    /** Relays an event; the server attributes it to this player. */
    Capture(event: string, properties?: Record<string, unknown>): void;
    /** Relays a screen view (`$screen` with `$screen_name`). */
    Screen(screenName: string, properties?: Record<string, unknown>): void;
    /**
     * Relays a handled error as an `$exception` event (handled = true). `exception` is the message or
     * `{ type?, message, trace? }`; `trace` is a Roblox stack trace such as debug.traceback(). A table
     * in place of `trace` is taken as the properties. Messages and traces past the relay's caps are cut.
     */
    CaptureException(exception: string | ExceptionDescription, trace?: string, properties?: Record<string, unknown>): void;
    CaptureException(exception: ExceptionDescription, properties?: Record<string, unknown>): void;
    /** Does nothing: the client relay sends on its own, and the server flushes to PostHog. */
    Flush(): void;
    /** Starts the relay on this client: the transport, the device report, Idled and error capture. */
    private start;
    private setErrorCapture;
    private onIdled;
    /** ScriptContext.Error on this client. */
    private onScriptError;
    /** An error with SDK code on its stack: relaying it could run the code that failed again. */
    private isSdkTrace;
    /** Buffers the message, or warns (once per method and reason) why the server would refuse it. */
    private send;
    private refused;
    /** Runs `body` with the transport; on the server it warns once instead; errors are caught and logged. */
    private guard;
    private warnOnce;
    private misuse;
    private checkName;
    /** A Player where the server API takes its subject: on a client the event is always the local player's. */
    private isSubject;
    /** The properties to relay (undefined: none), or false when the argument is not a table (the call is dropped). */
    private cleanProperties;
    /** CaptureException's error argument, as the server reads it; undefined (after a warning) when unusable. */
    private describeException;
}

// ---- core/config/PostHogConfig.d.ts ----
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
export declare const DEFAULT_HOST = "https://us.i.posthog.com";
/**
 * The defaults documented on PostHogOptions (apiKey has none; beforeSend and featureFlagsSecureKey
 * default to nil; durableDelivery's depends on where the server runs).
 */
export declare const CONFIG_DEFAULTS: Readonly<Omit<PostHogConfig, "apiKey" | "beforeSend" | "featureFlagsSecureKey" | "durableDelivery">>;

// ---- core/events/CapturedEvent.d.ts ----
export interface CapturedEvent {
    /** The event name, e.g. "level_completed" or "$identify". Never empty. */
    event: string;
    /** Who the event is about: a UserId as a string, a custom id, or serverDistinctId. Never empty. */
    distinct_id: string;
    /** Sanitized properties; always holds at least `$lib`, so it never encodes as `[]`. */
    properties: Record<string, unknown>;
    /** When it happened: UTC ISO-8601 with milliseconds, e.g. "2026-01-02T03:04:05.678Z". */
    timestamp: string;
    /** UUIDv7; the server dedupes on it, so it never changes across retries. */
    uuid: string;
}

// ---- core/platform.d.ts ----
import type { ExperienceStorage } from "./storage";
/** Stops a delayed callback. Calling it after the callback ran, or twice, does nothing. */
export type Cancel = () => void;
export interface Clock {
    /** Wall-clock time as unix milliseconds (DateTime.now().UnixTimestampMillis on Roblox). */
    nowMillis(): number;
    /** Monotonic seconds from an arbitrary origin (os.clock on Roblox); use for intervals. */
    monotonicSeconds(): number;
}
export interface Scheduler {
    /** Runs `fn` in a new thread after `seconds`; `fn` may yield. */
    delay(seconds: number, fn: () => void): Cancel;
    /** Runs `fn` in a new thread now (task.spawn); `fn` may yield. */
    spawn(fn: () => void): void;
    /** Yields the calling thread for `seconds`. Only call it from a thread that may yield. */
    wait(seconds: number): void;
}
export type HttpMethod = "GET" | "POST";
export interface HttpRequest {
    url: string;
    method: HttpMethod;
    /** Lowercase header names (HTTP/2 requires them). */
    headers: Record<string, string>;
    body?: string;
    /** Gzip the body (RequestAsync `Compress = Gzip`); the engine sets `content-encoding` if Roblox does not. */
    gzip: boolean;
    /** Request timeout in whole seconds, >= 1. */
    timeoutSeconds: number;
}
export type HttpResult = {
    kind: "response";
    status: number;
    /** Header names are lowercase. */
    headers: Record<string, string>;
    body: string;
} | {
    kind: "error";
    /** The engine's thrown message, e.g. "HttpError: Timedout", "Number of requests exceeded limit". */
    message: string;
};
export interface HttpClient {
    /** Sends one request. YIELDS the calling thread until the response or a transport error; never throws. */
    request(request: HttpRequest): HttpResult;
}
export interface Json {
    /** Encodes like HttpService:JSONEncode: throws on cycles and invalid UTF-8, turns `{}` into `[]`. */
    encode(value: unknown): string;
    /** Decodes like HttpService:JSONDecode: throws on invalid JSON. */
    decode(text: string): unknown;
}
export interface RandomSource {
    /** A random v4 GUID, lowercase or uppercase hex, with or without dashes (HttpService:GenerateGUID(false)). */
    generateGuid(): string;
    /** A uniform number in [0, 1). */
    nextNumber(): number;
}
export type LogLevel = "debug" | "info" | "warn" | "error" | "none";
export interface LogOutput {
    /** Writes one finished line (already prefixed and filtered by level). */
    write(level: Exclude<LogLevel, "none">, line: string): void;
}
/** Everything core needs, built once by the engine layer. */
export interface Platform {
    clock: Clock;
    scheduler: Scheduler;
    http: HttpClient;
    json: Json;
    random: RandomSource;
    logOutput: LogOutput;
    /** Storage shared by the experience's servers; undefined where there is none (clients). */
    storage?: ExperienceStorage;
}

// ---- core/storage.d.ts ----
export type StorageResult<T> = {
    ok: true;
    value: T;
} | {
    ok: false;
    error: string;
};
/** A MemoryStoreSortedMap: small values (32 KB) that expire. */
export interface SharedMap {
    get(key: string): StorageResult<unknown>;
    /** Writes the value; it disappears after `expirationSeconds` (at most 45 days). */
    set(key: string, value: unknown, expirationSeconds: number): StorageResult<undefined>;
    /**
     * Atomic read-modify-write: `transform(old)` returns the new value, or undefined to leave the entry
     * as it is. The result's value is what was written (undefined when the transform cancelled). The
     * transform may run more than once and must not yield.
     */
    update(key: string, transform: (old: unknown) => unknown, expirationSeconds: number): StorageResult<unknown>;
    remove(key: string): StorageResult<undefined>;
}
/** A MemoryStoreQueue: items read by one server become invisible to others until removed or timed out. */
export interface SharedQueue {
    add(value: unknown, expirationSeconds: number): StorageResult<undefined>;
    /** Up to `count` items without waiting; `readId` removes them. Undefined when the queue is empty. */
    read(count: number): StorageResult<{
        items: unknown[];
        readId: string;
    } | undefined>;
    remove(readId: string): StorageResult<undefined>;
}
/** A DataStore: persistent values up to 4 MB; the per-server request budget is small (60 + 10 × players a minute). */
export interface DurableStore {
    get(key: string): StorageResult<unknown>;
    set(key: string, value: unknown): StorageResult<undefined>;
    /** Deletes the key and returns the value it held (undefined if none): only one caller gets it. */
    take(key: string): StorageResult<unknown>;
    /**
     * Writes this server may make now without being throttled: the budget it shares with the game's own
     * saves. Undefined when the engine can't tell.
     */
    writeBudget(): number | undefined;
}
export interface ExperienceStorage {
    sharedMap(name: string): SharedMap;
    /** `invisibilitySeconds`: how long a read item stays hidden from other readers. */
    sharedQueue(name: string, invisibilitySeconds: number): SharedQueue;
    durableStore(name: string): DurableStore;
}

// ---- server/PostHogServer.d.ts ----
import { PostHogOptions } from "../core/config/PostHogConfig";
import { Platform } from "../core/platform";
import { FeatureFlag } from "./flags/FeatureFlag";
import { FeatureFlagOptions } from "./flags/FeatureFlagOptions";
import { Subject } from "./resolveSubject";
/** The structured form of CaptureException's error. */
export interface ExceptionDescription {
    /** The error's type, e.g. "DataStoreError"; by default read from a "SomethingError: ..." message, else "Error". */
    type?: string;
    /** The error message, e.g. pcall's error value. */
    message: string;
    /** A Roblox stack trace, e.g. debug.traceback(). */
    trace?: string;
}
/** Per-call options of Capture. */
export interface CaptureOptions {
    /**
     * When the event happened, if not now: a DateTime, or an ISO-8601 string with any UTC offset
     * ("2025-01-02T08:34:05+05:30"; no offset means UTC). It is sent in UTC. @default now
     */
    timestamp?: DateTime | string;
}
export declare class PostHogServer {
    private runtime?;
    private readonly platform;
    /** Logs before Init (and for API misuse) at the default level. */
    private readonly bootLogger;
    /** Super properties: kept across Init so Register before Init is not lost. */
    private readonly superProperties;
    private isCloseBound;
    private playersBridge?;
    /** The client relay (only with enableClientRelay). */
    private relay?;
    constructor(platform?: Platform);
    /** Starts the SDK. Call once, from a server Script. Raises an error naming the option on a bad config. */
    Init(options: PostHogOptions): void;
    /** Whether Init succeeded and Shutdown has not run since. */
    IsInitialized(): boolean;
    /** Queues an event about `subject` (a Player, UserId, distinct id, or nil for the server). */
    Capture(subject: Subject, event: string, properties?: Record<string, unknown>, options?: CaptureOptions): void;
    /** Records a screen view ($screen with $screen_name). */
    Screen(subject: Subject, screenName: string, properties?: Record<string, unknown>): void;
    /** Sets person properties ($set), and with a third argument properties set only once ($set_once). */
    Identify(subject: Subject, properties?: Record<string, unknown>, setOnce?: Record<string, unknown>): void;
    /** Links another distinct id to the subject ($create_alias). */
    Alias(subject: Subject, alias: string): void;
    /** Puts the subject in a group (their later events carry $groups) and optionally sets the group's properties. */
    Group(subject: Subject, groupType: string, groupKey: string, properties?: Record<string, unknown>): void;
    /** Adds a property to every event the server sends from now on (server-wide). Works before Init. */
    Register(key: string, value: unknown): void;
    /** Removes a property added with Register. */
    Unregister(key: string): void;
    /** Stops capturing events for the subject until OptIn. */
    OptOut(subject: Subject): void;
    /** Resumes capturing for a subject that opted out. */
    OptIn(subject: Subject): void;
    /**
     * Reports a handled error as an `$exception` event (handled = true). `exception` is the message
     * (e.g. pcall's error value) or `{ type?, message, trace? }`; `trace` is a Roblox stack trace such
     * as debug.traceback(). Without a trace the frames come from the message's "Script:line:" prefix,
     * else from the calling stack. A table in place of `trace` is taken as the properties.
     */
    CaptureException(subject: Subject, exception: string | ExceptionDescription, trace?: string, properties?: Record<string, unknown>): void;
    CaptureException(subject: Subject, exception: ExceptionDescription, properties?: Record<string, unknown>): void;
    /**
     * Whether the flag is on for the subject (true, or any variant). Never yields: before the subject's
     * flags are loaded it returns `defaultValue` (false when omitted); once loaded, a flag PostHog did
     * not return is false. Sends `$feature_flag_called` (once per value) with sendFeatureFlagEvents.
     * With `options` the flag is evaluated now instead, and the call may YIELD (see FeatureFlagOptions);
     * a table in place of the default is taken as the options.
     */
    IsFeatureEnabled(subject: Subject, key: string, defaultValue?: boolean, options?: FeatureFlagOptions): boolean;
    IsFeatureEnabled(subject: Subject, key: string, options: FeatureFlagOptions): boolean;
    /**
     * The flag's `value` (false, true or the variant key), `isEnabled`, `variant` and decoded `payload`
     * for the subject. Never yields; a flag not loaded (yet) reads as `{ value = false, isEnabled = false }`.
     * Sends `$feature_flag_called` (once per value) with sendFeatureFlagEvents. With `options` the
     * flag is evaluated now instead, and the call may YIELD (see FeatureFlagOptions).
     */
    GetFeatureFlag(subject: Subject, key: string, options?: FeatureFlagOptions): FeatureFlag;
    /**
     * The flag's JSON payload for the subject's value, decoded; nil when there is none. Sends no event.
     * Never yields, except with `options` (the flag is then evaluated now, see FeatureFlagOptions).
     */
    GetFeatureFlagPayload(subject: Subject, key: string, options?: FeatureFlagOptions): unknown;
    /**
     * Loads the subject's flags now and YIELDS until they are loaded (at most a few seconds); returns
     * whether that succeeded. Calls for the same subject while a load is out share it.
     */
    ReloadFeatureFlags(subject: Subject): boolean;
    /**
     * Person properties to evaluate the subject's flags with (merged into earlier ones). Reloads the
     * subject's flags in the background unless `reload` is false.
     */
    SetPersonPropertiesForFlags(subject: Subject, properties: Record<string, unknown>, reload?: boolean): void;
    /**
     * Properties of the subject's group of type `groupType` to evaluate their flags with (merged into
     * earlier ones). Reloads the subject's flags in the background unless `reload` is false.
     */
    SetGroupPropertiesForFlags(subject: Subject, groupType: string, properties: Record<string, unknown>, reload?: boolean): void;
    /**
     * The table to merge into the player's TeleportData before teleporting them, so the destination
     * server continues their session (same `$session_id`). Empty when the player has no session here.
     */
    GetSessionTeleportData(player: Player): Record<string, unknown>;
    /** The options' timestamp in unix milliseconds (undefined: now), or false after a misuse warning. */
    private readCaptureOptions;
    /** Sends queued events now, in the background. Does not yield. */
    Flush(): void;
    /**
     * Sends what is queued (YIELDS until the queue is empty or `timeoutSeconds` pass), then stops every
     * timer. Init may be called again afterwards.
     */
    Shutdown(timeoutSeconds?: number): void;
    /** Runs `body` with the runtime; before Init it warns once; errors are caught and logged. */
    private guard;
    private logger;
    private warnThrottled;
    private misuse;
    private subjectFor;
    private checkName;
    /** CaptureException's error argument as message, type and trace; undefined (after a warning) when unusable. */
    private describeException;
    /**
     * A flag read's options, checked and with their properties sanitized; undefined without options,
     * false (after a warning naming the field) when they are unusable: the call is then ignored.
     */
    private readFlagOptions;
    /** The properties table (required) and reload flag (boolean or nil) of the Set*PropertiesForFlags calls. */
    private checkFlagProperties;
    private checkProperties;
    /**
     * Error tracking, sessions and lifecycle events, then the players: PlayersBridge replays the
     * players already in the server as joins once every listener is registered.
     */
    private startFeatures;
    /** BindToClose can't be unbound, so it is bound once and acts on whatever runtime is live. */
    private bindClose;
}

// ---- server/flags/FeatureFlag.d.ts ----
export interface FeatureFlag {
    key: string;
    /** false, true, or the key of the subject's variant. */
    value: boolean | string;
    /** The value is true or a variant. */
    isEnabled: boolean;
    /** The variant key of a multivariate flag. */
    variant?: string;
    /** The flag's JSON payload for this value, decoded (a payload that is not JSON stays a string). */
    payload?: unknown;
}

// ---- server/flags/FeatureFlagOptions.d.ts ----
/**
 * Evaluate the flag now, for the subject's own inputs plus these, instead of reading the values
 * loaded for the subject. Nothing here is kept: the next read without options is unchanged.
 */
export interface FeatureFlagOptions {
    /** Group memberships for this evaluation, group type to group key; they win over the subject's own (Group). */
    groups?: Record<string, string>;
    /** Person properties for this evaluation; they win over the subject's own (SetPersonPropertiesForFlags, Identify). */
    personProperties?: Record<string, unknown>;
    /** Group properties for this evaluation, group type to properties; merged over the subject's own. */
    groupProperties?: Record<string, Record<string, unknown>>;
    /**
     * Never ask PostHog: a flag the local definitions (featureFlagsSecureKey) cannot decide reads as
     * not loaded, and the call never yields. @default false (the call YIELDS for one /flags request)
     */
    onlyEvaluateLocally?: boolean;
    /** This evaluation's GeoIP setting for the /flags request. @default the Init option disableGeoip */
    disableGeoip?: boolean;
}

// ---- server/resolveSubject.d.ts ----
/** Who a server call is about: a player, a UserId, a distinct id, or nil for the server itself. */
export type Subject = Player | number | string | undefined;
export type ResolvedSubject = {
    kind: "player";
    distinctId: string;
    player: Player;
} | {
    kind: "id";
    distinctId: string;
} | {
    kind: "server";
    distinctId: string;
} | {
    kind: "invalid";
    got: string;
};
export declare function resolveSubject(subject: unknown, serverDistinctId: string): ResolvedSubject;
