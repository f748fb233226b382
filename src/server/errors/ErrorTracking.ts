// Error tracking on the server (roblox-sdk-docs "Error tracking"): unhandled server errors
// (ScriptContext.Error, with captureErrors), client errors the relay hands over, and manual
// CaptureException, all as `$exception` events in PostHog's format (core/errors/buildException).
//
// - Server errors belong to the server (serverDistinctId): ScriptContext.Error does not say which
//   player, if any, an error was about. Client errors belong to the player whose client raised them.
// - Automatically captured errors are debounced per fingerprint (errorDebounceSeconds): a loop that
//   raises the same error every frame sends it once per window, with `suppressed_count`, while a
//   different error in the same second is sent too. Client errors are debounced per player as well.
//   Manual captures are never debounced.
// - The SDK never captures its own errors: an error raised by SDK code, or with SDK code on its
//   stack, is ignored (capturing it would run the code that failed again), the handler ignores
//   errors raised while it runs, and nothing it does can raise into ScriptContext.Error.

import { buildException, ExceptionInput, ExceptionProperties } from "../../core/errors/buildException";
import { ErrorDebouncer, SUPPRESSED_COUNT_PROPERTY } from "../../core/errors/ErrorDebouncer";
import { errorFingerprint } from "../../core/errors/errorFingerprint";
import { parseRobloxTrace } from "../../core/errors/parsers/parseRobloxTrace";
import { splitErrorLocation } from "../../core/errors/splitErrorLocation";
import { callStackFrames } from "../../engine/callStack";
import { connectScriptErrors } from "../../engine/scriptErrors";
import { SdkModuleTree } from "../../engine/sdkModuleTree";
import { KnownSubject, ServerRuntime } from "../ServerRuntime";

const EXCEPTION_EVENT = "$exception";

/** Client fingerprints remembered at once (all players together); past it the least recently sent are forgotten. */
const MAX_CLIENT_FINGERPRINTS = 1024;

/** A client error as the relay decoded and validated it (core/relay ClientMessage "exception"). */
export interface ClientErrorReport {
	message: string;
	trace?: string;
	errorType?: string;
	/** False for the client's ScriptContext.Error, true for the client's CaptureException. */
	handled: boolean;
	/** The client's properties (already capped and `$`-free). */
	properties?: Record<string, unknown>;
}

/** What CaptureException was given, after argument checks. */
export interface ManualException {
	message: string;
	type?: string;
	/** A Roblox trace (e.g. debug.traceback()); absent: see captureManual. */
	trace?: string;
	properties?: Record<string, unknown>;
}

export class ErrorTracking {
	private readonly sdk = new SdkModuleTree();
	private readonly serverDebouncer: ErrorDebouncer;
	private readonly clientDebouncer: ErrorDebouncer;
	private disconnect?: () => void;
	/** True while the ScriptContext.Error handler runs: an error raised meanwhile is not captured. */
	private isHandling = false;

	constructor(private readonly runtime: ServerRuntime) {
		const clock = runtime.platform.clock;
		const seconds = runtime.config.errorDebounceSeconds;
		this.serverDebouncer = new ErrorDebouncer(clock, seconds);
		this.clientDebouncer = new ErrorDebouncer(clock, seconds, MAX_CLIENT_FINGERPRINTS);
	}

	/** Listens to the server's ScriptContext.Error when captureErrors is on. */
	start() {
		if (!this.runtime.config.captureErrors || this.disconnect !== undefined) return;
		this.disconnect = connectScriptErrors((message, trace, source) => this.onScriptError(message, trace, source));
	}

	stop() {
		this.disconnect?.();
		this.disconnect = undefined;
	}

	/**
	 * A client error the relay accepted from `player`. Unhandled ones (handled = false) are debounced
	 * per player and fingerprint and need captureErrors; handled ones are the client's
	 * CaptureException and are always sent. Never yields, never raises.
	 */
	captureClientError(player: Player, report: ClientErrorReport) {
		this.guarded("captureClientError", () => {
			const unhandled = report.handled !== true;
			if (unhandled && !this.runtime.config.captureErrors) return;
			const state = this.runtime.lifecycle?.ensurePlayerState(player);
			if (state === undefined) return;
			const subject: KnownSubject = { kind: "player", distinctId: tostring(player.UserId), player };
			const input: ExceptionInput = {
				message: report.message,
				trace: report.trace,
				type: report.errorType,
				handled: !unhandled,
				source: unhandled ? "client" : "manual",
				properties: report.properties,
			};
			if (!unhandled) {
				this.send(subject, buildException(input));
				return;
			}
			this.sendDebounced(this.clientDebouncer, `${subject.distinctId}|`, subject, input);
		});
	}

	/**
	 * CaptureException: handled = true, mechanism "generic", no `$exception_source`, never debounced.
	 * Without a trace the frames are the message's location when it has one ("Main:12: boom": where
	 * the error was raised), else the caller's stack read with debug.info (marked synthetic). Returns
	 * whether the event was queued.
	 */
	captureManual(subject: KnownSubject, exception: ManualException): boolean {
		const input: ExceptionInput = {
			message: exception.message,
			type: exception.type,
			trace: exception.trace,
			handled: true,
			source: "manual",
			properties: exception.properties,
		};
		const hasFrames = exception.trace !== undefined && parseRobloxTrace(exception.trace).size() > 0;
		if (!hasFrames && splitErrorLocation(exception.message).location === undefined) {
			input.frames = callStackFrames((source) => this.sdk.containsPath(source));
			input.synthetic = true;
		}
		return this.send(subject, buildException(input));
	}

	/** ScriptContext.Error on the server. */
	private onScriptError(message: unknown, trace: unknown, source: Instance | undefined) {
		if (this.isHandling) return;
		this.isHandling = true;
		this.guarded("ScriptContext.Error", () => {
			const messageText = typeIs(message, "string") ? message : tostring(message);
			const traceText = typeIs(trace, "string") ? trace : undefined;
			if (this.isSdkError(traceText, source)) return;
			const subject: KnownSubject = { kind: "server", distinctId: this.runtime.config.serverDistinctId };
			this.sendDebounced(this.serverDebouncer, "", subject, {
				message: messageText,
				trace: traceText,
				handled: false,
				source: "script_context",
			});
		});
		this.isHandling = false;
	}

	/** Raised by SDK code, or with SDK code anywhere on its stack. */
	private isSdkError(trace: string | undefined, source: Instance | undefined): boolean {
		if (this.sdk.containsInstance(source)) return true;
		if (trace === undefined) return false;
		for (const frame of parseRobloxTrace(trace)) if (this.sdk.containsPath(frame.filename)) return true;
		return false;
	}

	private sendDebounced(debouncer: ErrorDebouncer, keyPrefix: string, subject: KnownSubject, input: ExceptionInput) {
		const first = buildException(input);
		const decision = debouncer.admit(keyPrefix + errorFingerprint(first.$exception_list[0]));
		if (decision.kind === "suppress") return;
		if (decision.suppressedCount === 0) {
			this.send(subject, first);
			return;
		}
		const properties: Record<string, unknown> = { ...(input.properties ?? {}) };
		properties[SUPPRESSED_COUNT_PROPERTY] = decision.suppressedCount;
		this.send(subject, buildException({ ...input, properties }));
	}

	private send(subject: KnownSubject, properties: ExceptionProperties): boolean {
		return this.runtime.capture(subject, EXCEPTION_EVENT, properties);
	}

	/** Runs `body`, logging (never raising) what it raises. */
	private guarded(source: string, body: () => void) {
		const [ok, err] = pcall(body);
		if (!ok) {
			const args = { source, error: tostring(err) };
			this.runtime.logger.throttled("error", "ERROR_CAPTURE_FAILED", args, 60, `errors:${source}`);
		}
	}
}
