// The SDK's only way to write output: filters by level, prefixes "[PostHog]", formats by message
// id, and offers once-only and throttled variants so a repeating failure never floods the output.
// Pure: lines go to the injected LogOutput; time for throttling comes from the Clock.

import { formatMessage, MessageArgs, MessageId } from "./messages";
import { Clock, LogLevel, LogOutput } from "./platform";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, none: 4 };

export const LOG_PREFIX = "[PostHog] ";

/** Minimum gap between two lines of the same throttled message, in seconds. */
export const DEFAULT_THROTTLE_SECONDS = 60;

type WritableLevel = Exclude<LogLevel, "none">;

/** "[PostHog] <text> [ID]": the id at the end is what docs/troubleshooting.md is keyed by. */
function formatLine(id: MessageId, args?: MessageArgs, suffix = ""): string {
	return `${LOG_PREFIX}${formatMessage(id, args)}${suffix} [${id}]`;
}

interface ThrottleState {
	lastWrittenAt: number;
	suppressed: number;
}

export class Logger {
	private readonly onceKeys = new Set<string>();
	private readonly throttles = new Map<string, ThrottleState>();

	constructor(
		private readonly output: LogOutput,
		private level: LogLevel,
		private readonly clock: Clock,
	) {}

	setLevel(level: LogLevel) {
		this.level = level;
	}

	isEnabled(level: WritableLevel) {
		return LEVEL_RANK[level] >= LEVEL_RANK[this.level];
	}

	log(level: WritableLevel, id: MessageId, args?: MessageArgs) {
		if (!this.isEnabled(level)) return;
		this.output.write(level, formatLine(id, args));
	}

	debug(id: MessageId, args?: MessageArgs) {
		this.log("debug", id, args);
	}

	info(id: MessageId, args?: MessageArgs) {
		this.log("info", id, args);
	}

	warn(id: MessageId, args?: MessageArgs) {
		this.log("warn", id, args);
	}

	error(id: MessageId, args?: MessageArgs) {
		this.log("error", id, args);
	}

	/** Writes the message the first time `key` (default: the id) is seen; later calls do nothing. */
	once(level: WritableLevel, id: MessageId, args?: MessageArgs, key: string = id) {
		if (this.onceKeys.has(key)) return;
		this.onceKeys.add(key);
		this.log(level, id, args);
	}

	/** Lets `once` write `key` again (e.g. after the condition it reported has cleared). */
	resetOnce(key: string) {
		this.onceKeys.delete(key);
	}

	/**
	 * Writes at most one line per `key` (default: the id) every `intervalSeconds`; the next line
	 * written says how many were suppressed in between.
	 */
	throttled(
		level: WritableLevel,
		id: MessageId,
		args?: MessageArgs,
		intervalSeconds = DEFAULT_THROTTLE_SECONDS,
		key: string = id,
	) {
		if (!this.isEnabled(level)) return;
		const now = this.clock.monotonicSeconds();
		const state = this.throttles.get(key);
		if (state !== undefined && now - state.lastWrittenAt < intervalSeconds) {
			state.suppressed += 1;
			return;
		}
		const suppressed =
			state !== undefined && state.suppressed > 0
				? " " + formatMessage("LOG_SUPPRESSED", { count: state.suppressed })
				: "";
		const line = formatLine(id, args, suppressed);
		this.throttles.set(key, { lastWrittenAt: now, suppressed: 0 });
		this.output.write(level, line);
	}
}
