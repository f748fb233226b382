// The server SDK's public API, as PostHog's Roblox docs describe it (PostHog:Init, PostHog:Capture...).
// Every method checks its arguments, resolves the subject and hands over to ServerRuntime. Nothing
// here throws into the game except Init on a bad config (a setup error the developer must see);
// anything unexpected is caught and logged by message id.

import { RunService } from "@rbxts/services";
import { PostHogOptions } from "../core/config/PostHogConfig";
import { parseIsoDate } from "../core/flags/parseFlagDate";
import { resolveConfig } from "../core/config/resolveConfig";
import { sanitizeProperties, sanitizeValue } from "../core/events/sanitizeProperties";
import { Logger } from "../core/Logger";
import { MessageArgs, MessageId } from "../core/messages";
import { Platform } from "../core/platform";
import { Completion } from "../engine/Completion";
import { PlayersBridge } from "../engine/PlayersBridge";
import { createRobloxPlatform } from "../engine/robloxPlatform";
import { describeEngineValue, readServerInfo } from "../engine/readServerInfo";
import { SDK_VERSION } from "../version";
import { ErrorTracking } from "./errors/ErrorTracking";
import { FeatureFlag } from "./flags/FeatureFlag";
import { FeatureFlagOptions } from "./flags/FeatureFlagOptions";
import { FlagsService } from "./flags/FlagsService";
import { LifecycleCapture } from "./lifecycle/LifecycleCapture";
import { RelayServer } from "./relay/RelayServer";
import { resolveSubject, Subject } from "./resolveSubject";
import { KnownSubject, LIB_NAME, ServerRuntime } from "./ServerRuntime";

/** Seconds the BindToClose flush may take: Roblox allows 30 s for all callbacks together. */
const SHUTDOWN_BUDGET_SECONDS = 25;
/** Studio stops the session quickly; don't hold the editor for long. */
const STUDIO_SHUTDOWN_BUDGET_SECONDS = 5;
/** Default time Shutdown() waits for the queue to empty. */
const DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 10;

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

export class PostHogServer {
	private runtime?: ServerRuntime;
	private readonly platform: Platform;
	/** Logs before Init (and for API misuse) at the default level. */
	private readonly bootLogger: Logger;
	/** Super properties: kept across Init so Register before Init is not lost. */
	private readonly superProperties: Record<string, unknown> = {};
	private isCloseBound = false;
	private playersBridge?: PlayersBridge;
	/** The client relay (only with enableClientRelay). */
	private relay?: RelayServer;

	constructor(platform: Platform = createRobloxPlatform()) {
		this.platform = platform;
		this.bootLogger = new Logger(platform.logOutput, "warn", platform.clock);
	}

	/** Starts the SDK. Call once, from a server Script. Raises an error naming the option on a bad config. */
	Init(options: PostHogOptions) {
		if (RunService.IsClient()) {
			this.bootLogger.once("warn", "INIT_ON_CLIENT");
			return;
		}
		if (this.runtime !== undefined) {
			this.logger().warn("INIT_TWICE");
			return;
		}
		const resolved = resolveConfig(options);
		if (!resolved.ok) error(resolved.error, 2);
		const config = resolved.config;
		const runtime = new ServerRuntime(config, this.platform, readServerInfo(), this.superProperties, {
			describeValue: describeEngineValue,
		});
		this.runtime = runtime;
		runtime.queue.start();
		if (config.durableDelivery ?? !RunService.IsStudio()) runtime.startDurableDelivery();
		this.startFeatures(runtime);
		this.bindClose();
		runtime.logger.info("INITIALIZED", { lib: LIB_NAME, version: SDK_VERSION, host: config.host });
	}

	/** Whether Init succeeded and Shutdown has not run since. */
	IsInitialized(): boolean {
		return this.runtime !== undefined;
	}

	/** Queues an event about `subject` (a Player, UserId, distinct id, or nil for the server). */
	Capture(subject: Subject, event: string, properties?: Record<string, unknown>, options?: CaptureOptions) {
		this.guard("Capture", (runtime) => {
			const target = this.subjectFor("Capture", runtime, subject);
			if (target === undefined || !this.checkName("Capture", event, "event name")) return;
			if (!this.checkProperties("Capture", properties)) return;
			const timestamp = this.readCaptureOptions("Capture", options);
			if (timestamp === false) return;
			runtime.capture(target, event, properties, { timestampMillis: timestamp });
		});
	}

	/** Records a screen view ($screen with $screen_name). */
	Screen(subject: Subject, screenName: string, properties?: Record<string, unknown>) {
		this.guard("Screen", (runtime) => {
			const target = this.subjectFor("Screen", runtime, subject);
			if (target === undefined || !this.checkName("Screen", screenName, "screen name")) return;
			if (!this.checkProperties("Screen", properties)) return;
			runtime.capture(target, "$screen", properties, { sdkProperties: { $screen_name: screenName } });
		});
	}

	/** Sets person properties ($set), and with a third argument properties set only once ($set_once). */
	Identify(subject: Subject, properties?: Record<string, unknown>, setOnce?: Record<string, unknown>) {
		this.guard("Identify", (runtime) => {
			const target = this.subjectFor("Identify", runtime, subject);
			if (target === undefined) return;
			if (target.kind === "server") {
				this.misuse("Identify", "a nil subject is the server itself, which has no person profile");
				return;
			}
			if (!this.checkProperties("Identify", properties) || !this.checkProperties("Identify", setOnce)) return;
			runtime.capture(target, "$identify", undefined, { set: properties, setOnce });
			runtime.flags?.onIdentify(target, sanitizeProperties(properties, runtime.sanitize));
		});
	}

	/** Links another distinct id to the subject ($create_alias). */
	Alias(subject: Subject, alias: string) {
		this.guard("Alias", (runtime) => {
			const target = this.subjectFor("Alias", runtime, subject);
			if (target === undefined || !this.checkName("Alias", alias, "alias")) return;
			runtime.capture(target, "$create_alias", undefined, {
				sdkProperties: { distinct_id: target.distinctId, alias },
			});
		});
	}

	/** Puts the subject in a group (their later events carry $groups) and optionally sets the group's properties. */
	Group(subject: Subject, groupType: string, groupKey: string, properties?: Record<string, unknown>) {
		this.guard("Group", (runtime) => {
			const target = this.subjectFor("Group", runtime, subject);
			if (target === undefined) return;
			if (!this.checkName("Group", groupType, "group type") || !this.checkName("Group", groupKey, "group key")) {
				return;
			}
			if (!this.checkProperties("Group", properties)) return;
			// A player who already left gets the event but keeps no state.
			const state = runtime.stateToUpdate(target);
			const previousKey = state?.groups?.[groupType];
			if (state !== undefined) {
				const groups = state.groups ?? {};
				groups[groupType] = groupKey;
				state.groups = groups;
			}
			const sdkProperties: Record<string, unknown> = { $group_type: groupType, $group_key: groupKey };
			const groupSet = sanitizeProperties(properties, runtime.sanitize);
			if (groupSet !== undefined) sdkProperties.$group_set = groupSet;
			runtime.capture(target, "$groupidentify", undefined, { sdkProperties });
			if (state !== undefined) runtime.flags?.onGroup(target, groupType, groupKey, previousKey, groupSet);
		});
	}

	/** Adds a property to every event the server sends from now on (server-wide). Works before Init. */
	Register(key: string, value: unknown) {
		if (!this.checkName("Register", key, "property name")) return;
		const sanitized = sanitizeValue(value, { describeValue: describeEngineValue });
		if (sanitized === undefined) {
			this.misuse("Register", `the value of "${key}" cannot be sent (nil, a function, or only unsendable parts)`);
			return;
		}
		this.superProperties[key] = sanitized;
	}

	/** Removes a property added with Register. */
	Unregister(key: string) {
		if (!this.checkName("Unregister", key, "property name")) return;
		delete this.superProperties[key];
	}

	/** Stops capturing events for the subject until OptIn. */
	OptOut(subject: Subject) {
		this.guard("OptOut", (runtime) => {
			const target = this.subjectFor("OptOut", runtime, subject);
			if (target === undefined) return;
			const state = runtime.stateToUpdate(target);
			if (state !== undefined) state.optedOut = true;
		});
	}

	/** Resumes capturing for a subject that opted out. */
	OptIn(subject: Subject) {
		this.guard("OptIn", (runtime) => {
			const target = this.subjectFor("OptIn", runtime, subject);
			if (target === undefined) return;
			const state = runtime.states.get(target.distinctId);
			if (state !== undefined) state.optedOut = false;
		});
	}

	/**
	 * Reports a handled error as an `$exception` event (handled = true). `exception` is the message
	 * (e.g. pcall's error value) or `{ type?, message, trace? }`; `trace` is a Roblox stack trace such
	 * as debug.traceback(). Without a trace the frames come from the message's "Script:line:" prefix,
	 * else from the calling stack. A table in place of `trace` is taken as the properties.
	 */
	CaptureException(
		subject: Subject,
		exception: string | ExceptionDescription,
		trace?: string,
		properties?: Record<string, unknown>,
	): void;
	CaptureException(subject: Subject, exception: ExceptionDescription, properties?: Record<string, unknown>): void;
	CaptureException(subject: Subject, exception: unknown, trace?: unknown, properties?: unknown) {
		this.guard("CaptureException", (runtime) => {
			const target = this.subjectFor("CaptureException", runtime, subject);
			if (target === undefined || runtime.errors === undefined) return;
			if (typeIs(trace, "table") && properties === undefined) {
				properties = trace;
				trace = undefined;
			}
			if (trace !== undefined && !typeIs(trace, "string")) {
				this.misuse("CaptureException", `the trace must be a string or nil, got ${typeOf(trace)}`);
				return;
			}
			if (!this.checkProperties("CaptureException", properties)) return;
			const described = this.describeException(exception);
			if (described === undefined) return;
			runtime.errors.captureManual(target, {
				message: described.message,
				type: described.type,
				trace: trace ?? described.trace,
				properties: properties as Record<string, unknown> | undefined,
			});
		});
	}

	/**
	 * Whether the flag is on for the subject (true, or any variant). Never yields: before the subject's
	 * flags are loaded it returns `defaultValue` (false when omitted); once loaded, a flag PostHog did
	 * not return is false. Sends `$feature_flag_called` (once per value) with sendFeatureFlagEvents.
	 * With `options` the flag is evaluated now instead, and the call may YIELD (see FeatureFlagOptions);
	 * a table in place of the default is taken as the options.
	 */
	IsFeatureEnabled(subject: Subject, key: string, defaultValue?: boolean, options?: FeatureFlagOptions): boolean;
	IsFeatureEnabled(subject: Subject, key: string, options: FeatureFlagOptions): boolean;
	IsFeatureEnabled(subject: Subject, key: string, defaultValue?: unknown, options?: unknown): boolean {
		if (typeIs(defaultValue, "table") && options === undefined) {
			options = defaultValue;
			defaultValue = undefined;
		}
		let enabled = defaultValue === true;
		this.guard("IsFeatureEnabled", (runtime) => {
			const target = this.subjectFor("IsFeatureEnabled", runtime, subject);
			if (target === undefined || !this.checkName("IsFeatureEnabled", key, "flag key")) return;
			if (defaultValue !== undefined && !typeIs(defaultValue, "boolean")) {
				this.misuse("IsFeatureEnabled", `the default must be true, false or nil, got ${typeOf(defaultValue)}`);
				return;
			}
			const flagOptions = this.readFlagOptions("IsFeatureEnabled", runtime, options);
			if (flagOptions === false) return;
			enabled = runtime.flags!.isFeatureEnabled(target, key, defaultValue, flagOptions);
		});
		return enabled;
	}

	/**
	 * The flag's `value` (false, true or the variant key), `isEnabled`, `variant` and decoded `payload`
	 * for the subject. Never yields; a flag not loaded (yet) reads as `{ value = false, isEnabled = false }`.
	 * Sends `$feature_flag_called` (once per value) with sendFeatureFlagEvents. With `options` the
	 * flag is evaluated now instead, and the call may YIELD (see FeatureFlagOptions).
	 */
	GetFeatureFlag(subject: Subject, key: string, options?: FeatureFlagOptions): FeatureFlag {
		let flag: FeatureFlag = { key, value: false, isEnabled: false };
		this.guard("GetFeatureFlag", (runtime) => {
			const target = this.subjectFor("GetFeatureFlag", runtime, subject);
			if (target === undefined || !this.checkName("GetFeatureFlag", key, "flag key")) return;
			const flagOptions = this.readFlagOptions("GetFeatureFlag", runtime, options);
			if (flagOptions === false) return;
			flag = runtime.flags!.getFeatureFlag(target, key, flagOptions);
		});
		return flag;
	}

	/**
	 * The flag's JSON payload for the subject's value, decoded; nil when there is none. Sends no event.
	 * Never yields, except with `options` (the flag is then evaluated now, see FeatureFlagOptions).
	 */
	GetFeatureFlagPayload(subject: Subject, key: string, options?: FeatureFlagOptions): unknown {
		let payload: unknown;
		this.guard("GetFeatureFlagPayload", (runtime) => {
			const target = this.subjectFor("GetFeatureFlagPayload", runtime, subject);
			if (target === undefined || !this.checkName("GetFeatureFlagPayload", key, "flag key")) return;
			const flagOptions = this.readFlagOptions("GetFeatureFlagPayload", runtime, options);
			if (flagOptions === false) return;
			payload = runtime.flags!.getFeatureFlagPayload(target, key, flagOptions);
		});
		return payload;
	}

	/**
	 * Loads the subject's flags now and YIELDS until they are loaded (at most a few seconds); returns
	 * whether that succeeded. Calls for the same subject while a load is out share it.
	 */
	ReloadFeatureFlags(subject: Subject): boolean {
		let ok = false;
		this.guard("ReloadFeatureFlags", (runtime) => {
			const target = this.subjectFor("ReloadFeatureFlags", runtime, subject);
			if (target === undefined) return;
			ok = runtime.flags!.reload(target);
		});
		return ok;
	}

	/**
	 * Person properties to evaluate the subject's flags with (merged into earlier ones). Reloads the
	 * subject's flags in the background unless `reload` is false.
	 */
	SetPersonPropertiesForFlags(subject: Subject, properties: Record<string, unknown>, reload = true) {
		this.guard("SetPersonPropertiesForFlags", (runtime) => {
			const target = this.subjectFor("SetPersonPropertiesForFlags", runtime, subject);
			if (target === undefined || !this.checkFlagProperties("SetPersonPropertiesForFlags", properties, reload)) {
				return;
			}
			runtime.flags!.setPersonProperties(target, sanitizeProperties(properties, runtime.sanitize), reload);
		});
	}

	/**
	 * Properties of the subject's group of type `groupType` to evaluate their flags with (merged into
	 * earlier ones). Reloads the subject's flags in the background unless `reload` is false.
	 */
	SetGroupPropertiesForFlags(subject: Subject, groupType: string, properties: Record<string, unknown>, reload = true) {
		this.guard("SetGroupPropertiesForFlags", (runtime) => {
			const method = "SetGroupPropertiesForFlags";
			const target = this.subjectFor(method, runtime, subject);
			if (target === undefined || !this.checkName(method, groupType, "group type")) return;
			if (!this.checkFlagProperties(method, properties, reload)) return;
			const sanitized = sanitizeProperties(properties, runtime.sanitize);
			runtime.flags!.setGroupProperties(target, groupType, sanitized, reload);
		});
	}

	/**
	 * The table to merge into the player's TeleportData before teleporting them, so the destination
	 * server continues their session (same `$session_id`). Empty when the player has no session here.
	 */
	GetSessionTeleportData(player: Player): Record<string, unknown> {
		let data: Record<string, unknown> = {};
		this.guard("GetSessionTeleportData", (runtime) => {
			if (!typeIs(player, "Instance") || !player.IsA("Player")) {
				this.misuse("GetSessionTeleportData", `expects a Player, got ${describeArgument(player)}`);
				return;
			}
			const teleportData = runtime.lifecycle?.getSessionTeleportData(player);
			if (teleportData !== undefined) data = teleportData as unknown as Record<string, unknown>;
		});
		return data;
	}

	/** The options' timestamp in unix milliseconds (undefined: now), or false after a misuse warning. */
	private readCaptureOptions(method: string, options: unknown): number | undefined | false {
		if (options === undefined) return undefined;
		if (!typeIs(options, "table")) {
			this.misuse(method, `options must be a table or nil, got ${typeOf(options)}`);
			return false;
		}
		const timestamp = (options as CaptureOptions).timestamp;
		if (timestamp === undefined) return undefined;
		if (typeIs(timestamp, "DateTime")) return timestamp.UnixTimestampMillis;
		const millis = typeIs(timestamp, "string") ? parseIsoDate(timestamp) : undefined;
		if (millis !== undefined) return millis;
		this.misuse(
			method,
			`options.timestamp must be a DateTime or an ISO-8601 string such as "2025-01-02T08:34:05+05:30", got ${
				typeIs(timestamp, "string") ? `"${timestamp}"` : typeOf(timestamp)
			}`,
		);
		return false;
	}

	/** Sends queued events now, in the background. Does not yield. */
	Flush() {
		this.guard("Flush", (runtime) => runtime.queue.flush());
	}

	/**
	 * Sends what is queued (YIELDS until the queue is empty or `timeoutSeconds` pass), then stops every
	 * timer. Init may be called again afterwards.
	 */
	Shutdown(timeoutSeconds: number = DEFAULT_SHUTDOWN_TIMEOUT_SECONDS) {
		const runtime = this.runtime;
		if (runtime === undefined) return;
		this.runtime = undefined;
		this.playersBridge?.stop();
		this.playersBridge = undefined;
		this.relay?.stop();
		this.relay = undefined;
		runtime.errors?.stop();
		runtime.flags?.stop();
		runtime.queue.stop();
		const [ok, err] = pcall(() => runtime.closeDelivery(math.max(timeoutSeconds, 0)));
		if (!ok) runtime.logger.error("API_INTERNAL_ERROR", { method: "Shutdown", error: tostring(err) });
	}

	/** Runs `body` with the runtime; before Init it warns once; errors are caught and logged. */
	private guard(method: string, body: (runtime: ServerRuntime) => void) {
		const runtime = this.runtime;
		if (runtime === undefined) {
			this.bootLogger.once("warn", "API_NOT_INITIALIZED", { method });
			return;
		}
		const [ok, err] = pcall(() => body(runtime));
		if (!ok) runtime.logger.throttled("error", "API_INTERNAL_ERROR", { method, error: tostring(err) }, 60, method);
	}

	private logger(): Logger {
		return this.runtime?.logger ?? this.bootLogger;
	}

	private warnThrottled(id: MessageId, args: MessageArgs, key: string) {
		this.logger().throttled("warn", id, args, 60, key);
	}

	private misuse(method: string, problem: string) {
		this.warnThrottled("API_INVALID_ARGUMENT", { method, problem }, `${method}:${problem}`);
	}

	private subjectFor(method: string, runtime: ServerRuntime, subject: unknown): KnownSubject | undefined {
		const resolved = resolveSubject(subject, runtime.config.serverDistinctId);
		if (resolved.kind === "invalid") {
			this.warnThrottled("API_INVALID_SUBJECT", { method, got: resolved.got }, `${method}:subject`);
			return undefined;
		}
		return resolved;
	}

	private checkName(method: string, value: unknown, what: string): value is string {
		if (typeIs(value, "string") && value !== "") return true;
		this.misuse(
			method,
			`the ${what} must be a non-empty string, got ${typeIs(value, "string") ? "an empty string" : typeOf(value)}`,
		);
		return false;
	}

	/** CaptureException's error argument as message, type and trace; undefined (after a warning) when unusable. */
	private describeException(exception: unknown): ExceptionDescription | undefined {
		if (typeIs(exception, "string")) return { message: exception };
		if (typeIs(exception, "table")) {
			const [message, errorType, trace] = [
				rawget(exception, "message"),
				rawget(exception, "type"),
				rawget(exception, "trace"),
			];
			if (typeIs(message, "string")) {
				if (errorType !== undefined && !typeIs(errorType, "string")) {
					this.misuse("CaptureException", `the error's type must be a string or nil, got ${typeOf(errorType)}`);
					return undefined;
				}
				if (trace !== undefined && !typeIs(trace, "string")) {
					this.misuse("CaptureException", `the error's trace must be a string or nil, got ${typeOf(trace)}`);
					return undefined;
				}
				return { message, type: errorType, trace };
			}
		}
		if (exception === undefined) {
			this.misuse("CaptureException", "the error must be a message string or { type?, message, trace? }, got nil");
			return undefined;
		}
		// Any other error value (error({ code = 5 }), an Instance...): its text is the message.
		return { message: describeEngineValue(exception) ?? tostring(exception) };
	}

	/**
	 * A flag read's options, checked and with their properties sanitized; undefined without options,
	 * false (after a warning naming the field) when they are unusable: the call is then ignored.
	 */
	private readFlagOptions(
		method: string,
		runtime: ServerRuntime,
		options: unknown,
	): FeatureFlagOptions | undefined | false {
		if (options === undefined) return undefined;
		if (!typeIs(options, "table")) {
			this.misuse(method, `options must be a table or nil, got ${typeOf(options)}`);
			return false;
		}
		for (const [field] of pairs(options)) {
			if (!typeIs(field, "string") || !FLAG_OPTION_FIELDS.has(field)) {
				const fields = [...FLAG_OPTION_FIELDS].join(", ");
				this.misuse(
					method,
					`options has an unknown field ${typeIs(field, "string") ? `"${field}"` : typeOf(field)} (known: ${fields})`,
				);
				return false;
			}
		}
		const { groups, personProperties, groupProperties, onlyEvaluateLocally, disableGeoip } = options as Record<
			string,
			unknown
		>;
		for (const [field, value] of [
			["onlyEvaluateLocally", onlyEvaluateLocally],
			["disableGeoip", disableGeoip],
		] as const) {
			if (value !== undefined && !typeIs(value, "boolean")) {
				this.misuse(method, `options.${field} must be true, false or nil, got ${typeOf(value)}`);
				return false;
			}
		}
		const badGroup =
			groups === undefined ? undefined : badMapEntry(groups, (key) => typeIs(key, "string") && key !== "");
		if (badGroup !== undefined) {
			this.misuse(method, `options.groups must map group types to group keys (non-empty strings), got ${badGroup}`);
			return false;
		}
		if (personProperties !== undefined && !typeIs(personProperties, "table")) {
			this.misuse(method, `options.personProperties must be a table or nil, got ${typeOf(personProperties)}`);
			return false;
		}
		const badGroupProperties =
			groupProperties === undefined ? undefined : badMapEntry(groupProperties, (entry) => typeIs(entry, "table"));
		if (badGroupProperties !== undefined) {
			this.misuse(method, `options.groupProperties must map group types to property tables, got ${badGroupProperties}`);
			return false;
		}
		const checked: FeatureFlagOptions = {
			groups: groups as Record<string, string> | undefined,
			personProperties: sanitizeProperties(personProperties, runtime.sanitize),
			onlyEvaluateLocally: onlyEvaluateLocally as boolean | undefined,
			disableGeoip: disableGeoip as boolean | undefined,
		};
		if (groupProperties !== undefined) {
			const sanitized: Record<string, Record<string, unknown>> = {};
			for (const [groupType, properties] of pairs(groupProperties as Record<string, unknown>)) {
				sanitized[groupType] = sanitizeProperties(properties, runtime.sanitize) ?? {};
			}
			checked.groupProperties = sanitized;
		}
		return checked;
	}

	/** The properties table (required) and reload flag (boolean or nil) of the Set*PropertiesForFlags calls. */
	private checkFlagProperties(method: string, properties: unknown, reload: unknown): boolean {
		if (!typeIs(properties, "table")) {
			this.misuse(method, `properties must be a table, got ${typeOf(properties)}`);
			return false;
		}
		if (!typeIs(reload, "boolean")) {
			this.misuse(method, `reload must be true, false or nil, got ${typeOf(reload)}`);
			return false;
		}
		return true;
	}

	private checkProperties(method: string, value: unknown): boolean {
		if (value === undefined || typeIs(value, "table")) return true;
		this.misuse(method, `properties must be a table or nil, got ${typeOf(value)}`);
		return false;
	}

	/**
	 * Error tracking, sessions and lifecycle events, then the players: PlayersBridge replays the
	 * players already in the server as joins once every listener is registered.
	 */
	private startFeatures(runtime: ServerRuntime) {
		const errors = new ErrorTracking(runtime);
		runtime.errors = errors;
		errors.start();
		const lifecycle = new LifecycleCapture(runtime);
		runtime.lifecycle = lifecycle;
		lifecycle.captureServerStarted();
		const bridge = new PlayersBridge(runtime.logger);
		lifecycle.attach(bridge);
		const flags = new FlagsService(runtime);
		runtime.flags = flags;
		flags.attach(bridge);
		flags.start();
		// Features with per-player work register here. forgetPlayer stays the last leave listener: it
		// drops the player's state and session once every feature handled the leave.
		if (runtime.config.enableClientRelay) {
			const relay = new RelayServer(runtime);
			bridge.onLeave((player) => relay.forgetPlayer(player));
			relay.start();
			this.relay = relay;
		}
		bridge.onLeave((player) => lifecycle.forgetPlayer(player));
		this.playersBridge = bridge;
		bridge.start();
	}

	/** BindToClose can't be unbound, so it is bound once and acts on whatever runtime is live. */
	private bindClose() {
		if (this.isCloseBound) return;
		this.isCloseBound = true;
		game.BindToClose(() => {
			const runtime = this.runtime;
			if (runtime === undefined) return;
			const [ok, err] = pcall(() => runtime.lifecycle?.captureServerShutdown());
			if (!ok) runtime.logger.error("API_INTERNAL_ERROR", { method: "BindToClose", error: tostring(err) });
			// Beside the delivery, not before it: a slow storage call must not hold up the events.
			const handedOver = new Completion<boolean>();
			runtime.platform.scheduler.spawn(() => {
				handedOver.complete(pcall(() => runtime.flags?.handOverDefinitions())[0]);
			});
			const budget = RunService.IsStudio() ? STUDIO_SHUTDOWN_BUDGET_SECONDS : SHUTDOWN_BUDGET_SECONDS;
			runtime.logger.debug("SHUTDOWN_BEGIN", { pending: runtime.queue.size(), seconds: budget });
			const clock = runtime.platform.clock;
			const startedAt = clock.monotonicSeconds();
			runtime.closeDelivery(budget);
			// The server stops when the callbacks return: let the handover finish within the budget.
			handedOver.wait(budget - (clock.monotonicSeconds() - startedAt));
		});
	}
}

/** The fields of FeatureFlagOptions, in the order warnings list them. */
const FLAG_OPTION_FIELDS: ReadonlySet<string> = new Set([
	"groups",
	"personProperties",
	"groupProperties",
	"onlyEvaluateLocally",
	"disableGeoip",
]);

/**
 * The first entry of a map option that is not a non-empty string key to an accepted value, as a
 * warning shows it (or the option's type when it is not a table); undefined when every entry is fine.
 */
function badMapEntry(value: unknown, isAccepted: (entry: unknown) => boolean): string | undefined {
	if (!typeIs(value, "table")) return typeOf(value);
	for (const [key, entry] of pairs(value)) {
		if (typeIs(key, "string") && key !== "" && isAccepted(entry)) continue;
		const shownKey = typeIs(key, "string") ? `"${key}"` : `a ${typeOf(key)} key`;
		return `${shownKey} = ${typeIs(entry, "string") ? `"${entry}"` : typeOf(entry)}`;
	}
	return undefined;
}

function describeArgument(value: unknown): string {
	return typeIs(value, "Instance") ? `a ${value.ClassName}` : `a ${typeOf(value)}`;
}
