// Parses one line of the legacy ScriptContext.Error trace: "ReplicatedStorage.Lib, line 10 - function
// doThing", "Workspace.Script, line 7 - upvalue onHit", or "Workspace.Script, line 7". Pure.

import { functionNameFrom, luauFrame, StackFrame } from "../StackFrame";
import { legacyDescription } from "./parseLegacyOutputTraceLine";

/** A frame, or undefined when `line` is not in this format. The path ends at the last ", line <digits>". */
export function parseLegacyScriptContextTraceLine(line: string): StackFrame | undefined {
	// A plain search first: the pattern backtracks over the whole line before it can fail.
	if (line.find(", line ", 1, true)[0] === undefined) return undefined;
	const [path, lineText, rest] = line.match("^(.+), line (%d+)(.*)$");
	if (!typeIs(path, "string") || !typeIs(lineText, "string") || !typeIs(rest, "string")) return undefined;
	const description = legacyDescription(rest);
	if (description === undefined) return undefined;
	return luauFrame(functionNameFrom(description), path, tonumber(lineText)!);
}
