// Parses one line of the legacy Output-window trace, printed between "Stack Begin" and "Stack End":
// "Script 'ReplicatedStorage.Lib', Line 10 - function doThing", legacy kinds ("- upvalue onHit",
// "- global main") or no description at all ("Script 'Workspace.Part.Script', Line 3"). Pure.

import { functionNameFrom, luauFrame, StackFrame } from "../StackFrame";

/** A frame, or undefined when `line` is not in this format. The path may itself contain quotes. */
export function parseLegacyOutputTraceLine(line: string): StackFrame | undefined {
	const [path, lineText, rest] = line.match("^Script '(.+)', Line (%d+)(.*)$");
	if (!typeIs(path, "string") || !typeIs(lineText, "string") || !typeIs(rest, "string")) return undefined;
	const description = legacyDescription(rest);
	if (description === undefined) return undefined;
	return luauFrame(functionNameFrom(description), path, tonumber(lineText)!);
}

/** What follows " - " after the line number ("" when nothing follows); undefined for anything else. */
export function legacyDescription(rest: string): string | undefined {
	if (rest.match("^%s*$")[0] !== undefined) return "";
	const [description] = rest.match("^%s*%-%s*(.*)$");
	return typeIs(description, "string") ? description : undefined;
}
