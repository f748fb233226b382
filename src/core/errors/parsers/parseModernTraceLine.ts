// Parses one line of the current Roblox trace format (debug.traceback and ScriptContext.Error since
// the 2022 format change): "ServerScriptService.Main.Combat:42 function attack", or
// "ServerScriptService.Main:8" for a frame without a name. Pure.

import { functionNameFrom, luauFrame, StackFrame } from "../StackFrame";

/**
 * A frame, or undefined when `line` is not in this format. The path ends at the LAST ":<digits>"
 * followed by whitespace or the end of the line: Instance names may contain dots, spaces and colons,
 * function names never contain ":".
 */
export function parseModernTraceLine(line: string): StackFrame | undefined {
	const [path, lineText, rest] = line.match("^(.+):(%d+)(.*)$");
	if (!typeIs(path, "string") || !typeIs(lineText, "string") || !typeIs(rest, "string")) return undefined;
	// "Main:12: attempt to ..." is an error message (a ": " follows the line number), not a frame.
	if (rest !== "" && rest.match("^%s")[0] === undefined) return undefined;
	return luauFrame(functionNameFrom(rest), path, tonumber(lineText)!);
}
