// Builds the properties of a `$exception` event in PostHog's current format (posthog-protocol §11;
// sdk-specs exception-event-metadata): one `$exception_list` entry with type, value, mechanism and
// the frames parsed from the Roblox trace, `$exception_level`, and `$exception_source` for errors the
// SDK captured itself. Never the legacy `$exception_type`/`$exception_message`/`$exception_handled`. Pure.

import { MAX_FRAMES, parseRobloxTrace } from "./parsers/parseRobloxTrace";
import { splitErrorLocation } from "./splitErrorLocation";
import { ANONYMOUS_FUNCTION, luauFrame, StackFrame } from "./StackFrame";

/**
 * Who captured the error:
 * - "script_context": the server's ScriptContext.Error hook (an unhandled server error);
 * - "client": a client's ScriptContext.Error hook, relayed to the server (an unhandled client error);
 * - "manual": the game called CaptureException.
 */
export type ExceptionSource = "script_context" | "client" | "manual";

export type ExceptionLevel = "fatal" | "error" | "warning" | "log" | "info" | "debug";

export interface ExceptionInput {
	/** The error message as Luau gives it, location prefix included ("Main:42: attempt to index nil"). */
	message: string;
	/** A Roblox stack trace in any format Roblox writes; empty or absent when unknown. */
	trace?: string;
	/**
	 * Frames already known, outermost first (e.g. walked with debug.info by the engine); when given,
	 * `trace` is not read. At most MAX_FRAMES are kept: the innermost.
	 */
	frames?: ReadonlyArray<StackFrame>;
	/** The error's type; when absent it comes from a "SomethingError: ..." message, else "Error". */
	type?: string;
	/** True when the game caught the error itself (manual capture), false when it ended a thread. */
	handled: boolean;
	source: ExceptionSource;
	/**
	 * True when the trace was made by the SDK or the game after the fact (e.g. debug.traceback() at the
	 * CaptureException call) rather than where the error was raised. Omitted from the event when
	 * unknown: for manual capture unless given; ScriptContext traces are the error's own (false).
	 */
	synthetic?: boolean;
	/** @default "error" */
	level?: ExceptionLevel;
	/** The caller's properties; they may not override the keys this module owns. */
	properties?: Readonly<Record<string, unknown>>;
}

export interface ExceptionMechanism {
	/** "generic" for manual capture, "onuncaughtexception" for errors that ended a thread. */
	type: string;
	handled: boolean;
	synthetic?: boolean;
	/** Index of the entry in `$exception_list`; 0 for the one entry Roblox errors have. */
	exception_id: number;
}

export interface ExceptionEntry {
	/** Non-empty. */
	type: string;
	/** The message without its location prefix (it may be ""). */
	value: string;
	mechanism: ExceptionMechanism;
	/** Absent when no frame is known. */
	stacktrace?: { type: "raw"; frames: Array<StackFrame> };
}

export interface ExceptionProperties {
	$exception_list: [ExceptionEntry];
	$exception_level: ExceptionLevel;
	/** Only for errors the SDK's own hooks captured; absent for manual capture. */
	$exception_source?: string;
	[key: string]: unknown;
}

/** The `$exception_source` of each integration-owned capture (sdk-specs' canonical Roblox value). */
const EXCEPTION_SOURCE: Record<ExceptionSource, string | undefined> = {
	script_context: "roblox.script_context",
	// Client errors come from the same ScriptContext.Error hook, on the client; the event's
	// distinct_id (the player, not the server) tells them apart.
	client: "roblox.script_context",
	manual: undefined,
};

const MECHANISM_TYPE: Record<ExceptionSource, string> = {
	script_context: "onuncaughtexception",
	client: "onuncaughtexception",
	manual: "generic",
};

/**
 * Keys this module owns (a caller's value is dropped), and keys PostHog derives during processing
 * or no longer reads, which an SDK must not send. `$exception_fingerprint` is the caller's to give.
 */
export const RESERVED_EXCEPTION_KEYS: ReadonlySet<string> = new Set([
	"$exception_list",
	"$exception_level",
	"$exception_source",
	"$exception_type",
	"$exception_message",
	"$exception_handled",
	"$exception_types",
	"$exception_values",
	"$exception_sources",
	"$exception_functions",
	"$exception_issue_id",
]);

/** A caller-chosen grouping key; kept only when it is a non-empty string. */
const FINGERPRINT_KEY = "$exception_fingerprint";

export const DEFAULT_EXCEPTION_TYPE = "Error";

/**
 * The properties of a `$exception` event for one Roblox error. When the trace yields no frame but the
 * message starts with a location ("Main:42: ..."), that location becomes the one frame.
 */
export function buildException(input: ExceptionInput): ExceptionProperties {
	const { message, location } = splitErrorLocation(input.message);
	const { type: exceptionType, value } = exceptionTypeAndValue(input.type, message);

	let frames: Array<StackFrame> = [];
	if (input.frames !== undefined) {
		const first = math.max(0, input.frames.size() - MAX_FRAMES);
		for (let index = first; index < input.frames.size(); index++) frames.push(input.frames[index]);
	} else if (input.trace !== undefined) {
		frames = parseRobloxTrace(input.trace);
	}
	if (frames.size() === 0 && location !== undefined) {
		frames = [luauFrame(ANONYMOUS_FUNCTION, location.filename, location.lineno)];
	}

	const mechanism: ExceptionMechanism = {
		type: MECHANISM_TYPE[input.source],
		handled: input.handled,
		synthetic: input.synthetic ?? (input.source === "manual" ? undefined : false),
		exception_id: 0,
	};
	const entry: ExceptionEntry = { type: exceptionType, value, mechanism };
	if (frames.size() > 0) entry.stacktrace = { type: "raw", frames };

	const properties: ExceptionProperties = {
		$exception_list: [entry],
		$exception_level: input.level ?? "error",
	};
	if (input.properties !== undefined) {
		for (const [key, propertyValue] of pairs(input.properties)) {
			if (!typeIs(key, "string") || RESERVED_EXCEPTION_KEYS.has(key)) continue;
			if (key === FINGERPRINT_KEY && !isNonEmptyString(propertyValue)) continue;
			properties[key] = propertyValue;
		}
	}
	const source = EXCEPTION_SOURCE[input.source];
	if (source !== undefined) properties.$exception_source = source;
	return properties;
}

function isNonEmptyString(value: unknown): value is string {
	return typeIs(value, "string") && value.match("%S")[0] !== undefined;
}

/**
 * An explicit non-empty type wins. Otherwise a message of the form "<Name>Error: text" or
 * "<Name>Exception: text" (a capitalised identifier, as in Roblox's "HttpError: Timedout") gives
 * type "<Name>Error" (or "<Name>Exception") and value "text"; any other message keeps type "Error" and its full text.
 */
function exceptionTypeAndValue(explicitType: string | undefined, message: string): { type: string; value: string } {
	if (isNonEmptyString(explicitType)) return { type: explicitType, value: message };
	const [name, text] = message.match("^(%u[%w_]*): (.*)$");
	if (typeIs(name, "string") && typeIs(text, "string") && (endsWith(name, "Error") || endsWith(name, "Exception"))) {
		return { type: name, value: text };
	}
	return { type: DEFAULT_EXCEPTION_TYPE, value: message };
}

function endsWith(text: string, suffix: string): boolean {
	return text.sub(-suffix.size()) === suffix;
}
