// Separates the "Path.To.Script:42: " location Luau puts before an error message from the message
// itself, so the same error raised from two call sites (or rethrown) groups as one issue. Pure.

/** Where an error was raised, as its message says. */
export interface ErrorLocation {
	/** The script's dotted path, e.g. "ServerScriptService.Main.Combat". */
	filename: string;
	lineno: number;
}

export interface SplitErrorMessage {
	/** The message without any leading location prefix. */
	message: string;
	/** The first (outermost) prefix: where this thread raised the error. */
	location?: ErrorLocation;
}

/** A rethrown error gains one prefix per `error(err)`; more than this many are left in the message. */
export const MAX_LOCATION_PREFIXES = 8;

/**
 * Strips every leading "<path>:<line>: " prefix ("A:5: B:3: boom" -> "boom"). A path never spans a
 * line and the separator is exactly ":<digits>: ", so "Expected: 5: got 4" or "Score: 12" keep their text.
 */
export function splitErrorLocation(message: string): SplitErrorMessage {
	let rest = message;
	let location: ErrorLocation | undefined;
	for (let count = 0; count < MAX_LOCATION_PREFIXES; count++) {
		const [path, lineText, after] = rest.match("^([^\n]-):(%d+): (.*)$");
		if (!typeIs(path, "string") || !typeIs(lineText, "string") || !typeIs(after, "string")) break;
		if (path === "" || path.match("%s$")[0] !== undefined) break;
		location ??= { filename: path, lineno: tonumber(lineText)! };
		rest = after;
	}
	return { message: rest, location };
}
