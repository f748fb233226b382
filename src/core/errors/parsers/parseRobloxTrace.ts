// Turns a Roblox stack trace (any of the formats Roblox writes) into `$exception` frames in PostHog's
// order. Each format has its own line parser; lines no parser understands ("Stack Begin", "[C]"
// frames, the message line debug.traceback puts first) are skipped. Pure; never throws.

import { StackFrame } from "../StackFrame";
import { trimWhitespace } from "../trimWhitespace";
import { parseLegacyOutputTraceLine } from "./parseLegacyOutputTraceLine";
import { parseLegacyScriptContextTraceLine } from "./parseLegacyScriptContextTraceLine";
import { parseModernTraceLine } from "./parseModernTraceLine";

/** Parses one trimmed line; undefined when the line is not in the parser's format. */
export type TraceLineParser = (line: string) => StackFrame | undefined;

/** Most frames kept (PostHog's limit per exception); the ones nearest the crash site win. */
export const MAX_FRAMES = 50;

/**
 * Longer lines are skipped unread. Client traces are written by the client, and each line pattern
 * may rescan a line several times (".+" runs to the end and backtracks to the last ":<digits>"): with
 * this cap and MAX_LINES_SCANNED a crafted trace costs a bounded amount of work on the server thread.
 * Real frame lines are well under 1 KB.
 */
export const MAX_LINE_BYTES = 1024;

/**
 * Lines read at most, frames or not. A real trace has its frames in its first lines; a crafted one
 * costs at most this many lines of MAX_LINE_BYTES.
 */
export const MAX_LINES_SCANNED = 256;

/** Tried in order: the legacy Output form starts with a literal "Script '", so it goes first. */
const LINE_PARSERS: ReadonlyArray<TraceLineParser> = [
	parseLegacyOutputTraceLine,
	parseModernTraceLine,
	parseLegacyScriptContextTraceLine,
];

/**
 * The frames of `trace`, outermost call first and the crash site last (PostHog's order; Roblox writes
 * the crash site first). At most MAX_FRAMES: the innermost ones.
 */
export function parseRobloxTrace(trace: string): Array<StackFrame> {
	const innermostFirst = new Array<StackFrame>();
	let scanned = 0;
	for (const [rawLine] of trace.gmatch("[^\r\n]+")) {
		scanned += 1;
		if (scanned > MAX_LINES_SCANNED) break;
		const frame = parseTraceLine(rawLine as string);
		if (frame === undefined) continue;
		innermostFirst.push(frame);
		if (innermostFirst.size() >= MAX_FRAMES) break;
	}
	const frames = new Array<StackFrame>();
	for (let index = innermostFirst.size() - 1; index >= 0; index--) frames.push(innermostFirst[index]);
	return frames;
}

/** The frame on one line of a trace, in any format; undefined for anything else. */
export function parseTraceLine(rawLine: string): StackFrame | undefined {
	if (rawLine.size() > MAX_LINE_BYTES) return undefined;
	const line = trimWhitespace(rawLine);
	// Engine (C) functions have no source line; some formats print them as "[C] function error".
	if (line === "" || line.sub(1, 3) === "[C]") return undefined;
	for (const parse of LINE_PARSERS) {
		const frame = parse(line);
		if (frame !== undefined) return frame;
	}
	return undefined;
}
