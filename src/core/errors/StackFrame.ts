// One frame of a `$exception` stack trace in PostHog's "custom" (cymbal CustomFrame) shape, and the
// rule that turns a Roblox trace's function description into a frame name. Pure.

import { trimWhitespace } from "./trimWhitespace";

/** A frame of `stacktrace.frames` (posthog-protocol §11). Unknown fields are omitted, never null. */
export interface StackFrame {
	/** The function's name, "?" when anonymous or unknown (cymbal requires a string). */
	function: string;
	/** The script's dotted `GetFullName()` path, e.g. "ServerScriptService.Main.Combat". */
	filename: string;
	/** 1-based source line. */
	lineno: number;
	/** Roblox traces hold only the game's own scripts (C frames are dropped), so always true. */
	in_app: true;
	platform: "custom";
	lang: "luau";
}

/** The name PostHog shows for a frame whose function has no name. */
export const ANONYMOUS_FUNCTION = "?";

/** Words Roblox puts before a function name: "function" (current), the rest in legacy traces. */
const NAME_KINDS = new Set(["function", "global", "local", "method", "field", "upvalue"]);

/** Descriptions that mean "no name". */
const ANONYMOUS_NAMES = new Set(["", "?", "<anonymous>", "anonymous"]);

export function luauFrame(functionName: string, filename: string, lineno: number): StackFrame {
	return { function: functionName, filename, lineno, in_app: true, platform: "custom", lang: "luau" };
}

/**
 * The function name in a trace line's description: "function attack" -> "attack", legacy
 * "upvalue onTouched" -> "onTouched", "" or "function <anonymous>" -> "?".
 */
export function functionNameFrom(description: string): string {
	let name = trimWhitespace(description);
	const [kind, rest] = name.match("^(%a+)%s+(.*)$");
	if (typeIs(kind, "string") && typeIs(rest, "string") && NAME_KINDS.has(kind)) name = rest;
	else if (NAME_KINDS.has(name)) name = "";
	return ANONYMOUS_NAMES.has(name) ? ANONYMOUS_FUNCTION : name;
}
