// The client relay: what `require(ReplicatedStorage.PostHog)` gives a LocalScript (roblox-sdk-docs
// "Capturing from the client", "The client relay"). It has no key and sends nothing to PostHog
// itself: each call becomes a relay message (core/relay/messageSchemas) that the transport batches to
// the server, which validates it, rate-limits it and attributes it to this player.
//
// On a client it starts when the module is required (Init is optional):
// - reports the device (core/relay/detectDeviceType), read once, first on every relay it finds,
// - relays Player.Idled, once per idle period (the server turns it into player_idle),
// - relays unhandled client errors (ScriptContext.Error) unless Init({ captureErrors = false }),
//   deduplicated per fingerprint (ClientErrorDeduper); errors of the SDK's own code are never relayed.
// Methods never yield and never raise: a wrong argument type warns once per kind and drops that
// call; a property the server would refuse is left out with a warning; the rest is sent.

import { Players, RunService } from "@rbxts/services";
import { CONFIG_DEFAULTS } from "../core/config/PostHogConfig";
import { parseRobloxTrace } from "../core/errors/parsers/parseRobloxTrace";
import { repairUtf8 } from "../core/events/repairUtf8";
import { Logger } from "../core/Logger";
import { MessageArgs, MessageId } from "../core/messages";
import { LogLevel, Platform } from "../core/platform";
import { cleanClientProperties, PropertyProblem } from "../core/relay/cleanClientProperties";
import { ClientErrorDeduper } from "../core/relay/ClientErrorDeduper";
import { detectDeviceType } from "../core/relay/detectDeviceType";
import {
	MAX_ERROR_TYPE_BYTES,
	MAX_EXCEPTION_MESSAGE_BYTES,
	MAX_EXCEPTION_TRACE_BYTES,
	MAX_IDLE_SECONDS,
} from "../core/relay/limits";
import { ClientMessage, ClientProperties } from "../core/relay/messageSchemas";
import { RejectionReason } from "../core/relay/rejectionReasons";
import { truncateUtf8 } from "../core/relay/truncateUtf8";
import { ClientRelayTransport } from "../engine/ClientRelayTransport";
import { readInputHints } from "../engine/readInputHints";
import { describeEngineValue } from "../engine/readServerInfo";
import { createRobloxPlatform } from "../engine/robloxPlatform";
import { connectScriptErrors } from "../engine/scriptErrors";
import { SdkModuleTree } from "../engine/sdkModuleTree";
import type { ExceptionDescription } from "../server/PostHogServer";

/** What `PostHog:Init` accepts on a client. The client relay needs no key. */
export interface PostHogClientOptions {
	/** Relay this client's unhandled errors (ScriptContext.Error) as `$exception` events. @default true */
	captureErrors?: boolean;
	/** Least severe level the relay writes to this client's output. @default "warn" */
	logLevel?: LogLevel;
}

const LOG_LEVELS: ReadonlySet<string> = new Set(["debug", "info", "warn", "error", "none"]);

/** Error messages that are empty still make an event: PostHog needs a non-empty value to group on. */
const EMPTY_ERROR_MESSAGE = "(empty error message)";

const PROPERTY_PROBLEMS: Record<PropertyProblem, string> = {
	key_not_string: "property names must be strings",
	key_invalid: "property names must be 1-200 bytes of valid UTF-8",
	key_reserved: 'names starting with "$", and distinct_id, token and api_key, are set by the server only',
	value_nested: "relayed values must be strings, numbers or booleans, not tables",
	value_not_finite: "NaN and infinite numbers can't be relayed",
	value_type: "functions, threads and buffers can't be relayed",
	too_many: `the server relay accepts at most ${CONFIG_DEFAULTS.maxClientPropertyCount} properties per event`,
};

export class PostHogClient {
	private readonly logger: Logger;
	private readonly platform: Platform;
	private transport?: ClientRelayTransport;
	private readonly deduper: ClientErrorDeduper;
	private readonly sdk = new SdkModuleTree();
	private disconnectErrors?: () => void;
	/** Seconds of the last Player.Idled: a report not above it starts a new idle period. */
	private lastIdleSeconds?: number;
	/** True while an error is being relayed: an error raised meanwhile is not relayed. */
	private isHandlingError = false;

	/** Builds the relay; on a client it starts at once (the module does this when required there). */
	constructor(platform: Platform = createRobloxPlatform()) {
		this.platform = platform;
		this.logger = new Logger(platform.logOutput, "warn", platform.clock);
		this.deduper = new ClientErrorDeduper(platform.clock);
		if (RunService.IsClient() && !RunService.IsServer()) this.start();
	}

	/**
	 * Optional: the relay runs from the moment the module is required. `captureErrors = false` stops
	 * relaying unhandled client errors (true turns it back on); `logLevel` sets this client's output.
	 */
	Init(options?: PostHogClientOptions) {
		this.guard("Init", () => {
			if (options === undefined) return;
			if (!typeIs(options, "table")) {
				this.misuse("Init", "options", `options must be a table or nil, got ${typeOf(options)}`);
				return;
			}
			const { logLevel, captureErrors } = options;
			if (logLevel !== undefined) {
				if (typeIs(logLevel, "string") && LOG_LEVELS.has(logLevel)) this.logger.setLevel(logLevel);
				else this.misuse("Init", "logLevel", `logLevel must be "debug", "info", "warn", "error" or "none"`);
			}
			if (captureErrors !== undefined) {
				if (typeIs(captureErrors, "boolean")) this.setErrorCapture(captureErrors);
				else this.misuse("Init", "captureErrors", `captureErrors must be a boolean, got ${typeOf(captureErrors)}`);
			}
			const ignored = new Array<string>();
			for (const [key] of pairs(options)) {
				if (key !== "logLevel" && key !== "captureErrors") ignored.push(tostring(key));
			}
			if (ignored.size() > 0) {
				ignored.sort();
				this.logger.once("warn", "CLIENT_OPTIONS_IGNORED", { options: ignored.join(", ") });
			}
		});
	}

	/** Whether the relay runs here: true on a client, false on the server (use PostHog there). */
	IsInitialized(): boolean {
		return this.transport !== undefined;
	}

	/** Relays an event; the server attributes it to this player. */
	Capture(event: string, properties?: Record<string, unknown>) {
		this.guard("Capture", (transport) => {
			if (!this.checkName("Capture", event, "event name")) return;
			const cleaned = this.cleanProperties("Capture", properties);
			if (cleaned === false) return;
			this.send(transport, "Capture", { kind: "capture", name: event, properties: cleaned });
		});
	}

	/** Relays a screen view (`$screen` with `$screen_name`). */
	Screen(screenName: string, properties?: Record<string, unknown>) {
		this.guard("Screen", (transport) => {
			if (!this.checkName("Screen", screenName, "screen name")) return;
			const cleaned = this.cleanProperties("Screen", properties);
			if (cleaned === false) return;
			this.send(transport, "Screen", { kind: "screen", name: screenName, properties: cleaned });
		});
	}

	/**
	 * Relays a handled error as an `$exception` event (handled = true). `exception` is the message or
	 * `{ type?, message, trace? }`; `trace` is a Roblox stack trace such as debug.traceback(). A table
	 * in place of `trace` is taken as the properties. Messages and traces past the relay's caps are cut.
	 */
	CaptureException(
		exception: string | ExceptionDescription,
		trace?: string,
		properties?: Record<string, unknown>,
	): void;
	CaptureException(exception: ExceptionDescription, properties?: Record<string, unknown>): void;
	CaptureException(exception: unknown, trace?: unknown, properties?: unknown) {
		this.guard("CaptureException", (transport) => {
			if (typeIs(trace, "table") && properties === undefined) {
				properties = trace;
				trace = undefined;
			}
			if (trace !== undefined && !typeIs(trace, "string")) {
				this.misuse("CaptureException", "trace", `the trace must be a string or nil, got ${typeOf(trace)}`);
				return;
			}
			const described = this.describeException(exception);
			if (described === undefined) return;
			const cleaned = this.cleanProperties("CaptureException", properties);
			if (cleaned === false) return;
			this.send(transport, "CaptureException", {
				kind: "exception",
				message: fitText(described.message, MAX_EXCEPTION_MESSAGE_BYTES) ?? EMPTY_ERROR_MESSAGE,
				trace: fitText(trace ?? described.trace, MAX_EXCEPTION_TRACE_BYTES),
				errorType: fitText(described.type, MAX_ERROR_TYPE_BYTES),
				handled: true,
				properties: cleaned,
			});
		});
	}

	/** Does nothing: the client relay sends on its own, and the server flushes to PostHog. */
	Flush() {}

	/** Starts the relay on this client: the transport, the device report, Idled and error capture. */
	private start() {
		const [ok, err] = pcall(() => {
			const device = detectDeviceType(readInputHints());
			const transport = new ClientRelayTransport(this.platform.clock, this.logger, { kind: "context", ...device });
			this.transport = transport;
			transport.start();
			const player = Players.LocalPlayer;
			if (player !== undefined) {
				player.Idled.Connect((seconds) => this.onIdled(transport, seconds));
			}
			this.setErrorCapture(true);
		});
		if (!ok) this.logger.error("API_INTERNAL_ERROR", { method: "require", error: tostring(err) });
	}

	private setErrorCapture(enabled: boolean) {
		if (this.transport === undefined) return;
		if (!enabled) {
			this.disconnectErrors?.();
			this.disconnectErrors = undefined;
			return;
		}
		if (this.disconnectErrors !== undefined) return;
		this.disconnectErrors = connectScriptErrors((message, trace, source) => this.onScriptError(message, trace, source));
	}

	private onIdled(transport: ClientRelayTransport, seconds: number) {
		if (!typeIs(seconds, "number") || seconds !== seconds) return;
		const previous = this.lastIdleSeconds;
		this.lastIdleSeconds = seconds;
		if (previous !== undefined && seconds > previous) return;
		transport.send({ kind: "idle", seconds: math.clamp(seconds, 0, MAX_IDLE_SECONDS) });
	}

	/** ScriptContext.Error on this client. */
	private onScriptError(message: unknown, trace: unknown, source: Instance | undefined) {
		const transport = this.transport;
		if (transport === undefined || this.isHandlingError) return;
		this.isHandlingError = true;
		const [ok, err] = pcall(() => {
			if (this.sdk.containsInstance(source)) return;
			const messageText = typeIs(message, "string") ? message : tostring(message);
			const traceText = typeIs(trace, "string") && trace !== "" ? trace : undefined;
			if (!this.deduper.check(messageText, traceText).relay) return;
			if (traceText !== undefined && this.isSdkTrace(traceText)) return;
			transport.send({
				kind: "exception",
				message: fitText(messageText, MAX_EXCEPTION_MESSAGE_BYTES) ?? EMPTY_ERROR_MESSAGE,
				trace: fitText(traceText, MAX_EXCEPTION_TRACE_BYTES),
				handled: false,
			});
		});
		this.isHandlingError = false;
		if (!ok)
			this.logger.throttled("error", "API_INTERNAL_ERROR", { method: "ScriptContext.Error", error: tostring(err) });
	}

	/** An error with SDK code on its stack: relaying it could run the code that failed again. */
	private isSdkTrace(trace: string): boolean {
		for (const frame of parseRobloxTrace(trace)) if (this.sdk.containsPath(frame.filename)) return true;
		return false;
	}

	/** Buffers the message, or warns (once per method and reason) why the server would refuse it. */
	private send(transport: ClientRelayTransport, method: string, message: ClientMessage) {
		const refused = transport.send(message);
		if (refused !== undefined) this.refused(method, refused);
	}

	private refused(method: string, reason: RejectionReason) {
		this.logger.once("warn", "CLIENT_MESSAGE_REFUSED", { method, reason }, `${method}:refused:${reason}`);
	}

	/** Runs `body` with the transport; on the server it warns once instead; errors are caught and logged. */
	private guard(method: string, body: (transport: ClientRelayTransport) => void) {
		const transport = this.transport;
		if (transport === undefined) {
			this.logger.once("warn", "CLIENT_API_ON_SERVER", { method }, `server:${method}`);
			return;
		}
		const [ok, err] = pcall(() => body(transport));
		if (!ok) this.logger.throttled("error", "API_INTERNAL_ERROR", { method, error: tostring(err) }, 60, method);
	}

	private warnOnce(id: MessageId, args: MessageArgs, key: string) {
		this.logger.once("warn", id, args, key);
	}

	private misuse(method: string, kind: string, problem: string) {
		this.warnOnce("API_INVALID_ARGUMENT", { method, problem }, `${method}:${kind}`);
	}

	private checkName(method: string, value: unknown, what: string): value is string {
		if (typeIs(value, "string") && value !== "") return true;
		if (this.isSubject(method, value)) return false;
		const got = typeIs(value, "string") ? "an empty string" : typeOf(value);
		this.misuse(method, "name", `the ${what} must be a non-empty string, got ${got}`);
		return false;
	}

	/** A Player where the server API takes its subject: on a client the event is always the local player's. */
	private isSubject(method: string, value: unknown): boolean {
		if (!typeIs(value, "Instance") || !value.IsA("Player")) return false;
		this.misuse(method, "subject", `on a client there is no subject argument: events are the local player's`);
		return true;
	}

	/** The properties to relay (undefined: none), or false when the argument is not a table (the call is dropped). */
	private cleanProperties(method: string, value: unknown): ClientProperties | undefined | false {
		if (value === undefined) return undefined;
		if (!typeIs(value, "table")) {
			this.misuse(method, "properties", `properties must be a table or nil, got ${typeOf(value)}`);
			return false;
		}
		const cleaned = cleanClientProperties(value, CONFIG_DEFAULTS.maxClientPropertyCount, describeEngineValue);
		for (const { key, problem } of cleaned.problems) {
			this.warnOnce(
				"CLIENT_PROPERTY_LEFT_OUT",
				{ method, key, problem: PROPERTY_PROBLEMS[problem] },
				`${method}:property:${problem}`,
			);
		}
		return cleaned.properties;
	}

	/** CaptureException's error argument, as the server reads it; undefined (after a warning) when unusable. */
	private describeException(exception: unknown): ExceptionDescription | undefined {
		if (typeIs(exception, "string")) return { message: exception };
		if (this.isSubject("CaptureException", exception)) return undefined;
		if (typeIs(exception, "table")) {
			const message = rawget(exception, "message");
			const errorType = rawget(exception, "type");
			const trace = rawget(exception, "trace");
			if (typeIs(message, "string")) {
				if (errorType !== undefined && !typeIs(errorType, "string")) {
					this.misuse("CaptureException", "type", `the error's type must be a string or nil, got ${typeOf(errorType)}`);
					return undefined;
				}
				if (trace !== undefined && !typeIs(trace, "string")) {
					this.misuse("CaptureException", "trace", `the error's trace must be a string or nil, got ${typeOf(trace)}`);
					return undefined;
				}
				return { message, type: errorType, trace };
			}
		}
		if (exception === undefined) {
			this.misuse(
				"CaptureException",
				"error",
				"the error must be a message string or { type?, message, trace? }, got nil",
			);
			return undefined;
		}
		// Any other error value (error({ code = 5 }), an Instance...): its text is the message.
		return { message: describeEngineValue(exception) ?? tostring(exception) };
	}
}

/** Valid UTF-8 within `maxBytes`, or undefined for nil and "". */
function fitText(text: string | undefined, maxBytes: number): string | undefined {
	if (text === undefined || text === "") return undefined;
	return truncateUtf8(repairUtf8(truncateUtf8(text, maxBytes)), maxBytes);
}
