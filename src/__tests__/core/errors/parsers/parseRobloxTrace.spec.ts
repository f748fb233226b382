import { describe, expect, it } from "@rbxts/jest-globals";
import {
	MAX_FRAMES,
	MAX_LINE_BYTES,
	MAX_LINES_SCANNED,
	parseRobloxTrace,
	parseTraceLine,
} from "../../../../core/errors/parsers/parseRobloxTrace";
import { StackFrame } from "../../../../core/errors/StackFrame";

/** "function@filename:lineno" of each frame, in order. */
function sites(frames: Array<StackFrame>): Array<string> {
	return frames.map((frame) => `${frame.function}@${frame.filename}:${frame.lineno}`);
}

/** The same three-call crash (main -> onHit -> applyDamage) as each Roblox format writes it. */
const TRACES: Array<[string, string]> = [
	[
		"the current format",
		[
			"ServerScriptService.Combat.Damage:42 function applyDamage",
			"ServerScriptService.Combat:17 function onHit",
			"ServerScriptService.Combat:30",
		].join("\n"),
	],
	[
		"the current format with a [C] frame and the debug.traceback message line",
		[
			"ServerScriptService.Combat.Damage:42: attempt to index nil with 'Humanoid'",
			"[C] function error",
			"ServerScriptService.Combat.Damage:42 function applyDamage",
			"ServerScriptService.Combat:17 function onHit",
			"ServerScriptService.Combat:30",
			"",
		].join("\n"),
	],
	[
		"the legacy Output format",
		[
			"ServerScriptService.Combat.Damage:42: attempt to index nil with 'Humanoid'",
			"Stack Begin",
			"Script 'ServerScriptService.Combat.Damage', Line 42 - function applyDamage",
			"Script 'ServerScriptService.Combat', Line 17 - upvalue onHit",
			"Script 'ServerScriptService.Combat', Line 30",
			"Stack End",
		].join("\n"),
	],
	[
		"the legacy ScriptContext format",
		[
			"ServerScriptService.Combat.Damage, line 42 - function applyDamage",
			"ServerScriptService.Combat, line 17 - upvalue onHit",
			"ServerScriptService.Combat, line 30",
		].join("\n"),
	],
	[
		"Windows line endings and indentation",
		"  ServerScriptService.Combat.Damage:42 function applyDamage\r\n\tServerScriptService.Combat:17 function onHit\r\nServerScriptService.Combat:30\r\n",
	],
];

describe("parseRobloxTrace", () => {
	for (const [format, trace] of TRACES) {
		it(`reads ${format}, outermost call first and the crash site last`, () => {
			expect(sites(parseRobloxTrace(trace))).toEqual([
				"?@ServerScriptService.Combat:30",
				"onHit@ServerScriptService.Combat:17",
				"applyDamage@ServerScriptService.Combat.Damage:42",
			]);
		});
	}

	it("keeps the Instance names with spaces, dots and colons whole", () => {
		const trace = [
			"Workspace.Lobby Map.Spawn Pad.v2.0.Script:7 function onTouched",
			"Workspace.Stage 1:2.Checkpoint:15",
		].join("\n");
		expect(sites(parseRobloxTrace(trace))).toEqual([
			"?@Workspace.Stage 1:2.Checkpoint:15",
			"onTouched@Workspace.Lobby Map.Spawn Pad.v2.0.Script:7",
		]);
	});

	it("returns no frames for an empty or unreadable trace", () => {
		for (const trace of ["", "\n\n", "Stack Begin\nStack End", "[C] function error", "something went wrong"]) {
			expect(parseRobloxTrace(trace)).toEqual([]);
		}
	});

	it(`keeps the ${MAX_FRAMES} frames nearest the crash site of a deeper trace`, () => {
		const lines = new Array<string>();
		for (let depth = 1; depth <= 60; depth++)
			lines.push(`ServerScriptService.Recursive:${depth} function level${depth}`);
		const frames = parseRobloxTrace(lines.join("\n"));
		expect(frames.size()).toBe(MAX_FRAMES);
		expect(frames[0].function).toBe("level50");
		expect(frames[MAX_FRAMES - 1].function).toBe("level1");
	});

	it(`skips lines over ${MAX_LINE_BYTES} bytes and reads the ones around them`, () => {
		const longPath = `Workspace.${string.rep("a", MAX_LINE_BYTES)}`;
		const trace = [
			"ServerScriptService.Main:3 function inner",
			`${longPath}:4 function huge`,
			"ServerScriptService.Main:9 function outer",
		].join("\n");
		expect(sites(parseRobloxTrace(trace))).toEqual([
			"outer@ServerScriptService.Main:9",
			"inner@ServerScriptService.Main:3",
		]);
	});

	it(`stops reading after ${MAX_LINES_SCANNED} lines`, () => {
		const lines = new Array<string>();
		for (let index = 1; index <= MAX_LINES_SCANNED; index++) lines.push("junk");
		lines.push("ServerScriptService.Main:3 function late");
		expect(parseRobloxTrace(lines.join("\n"))).toEqual([]);
	});

	it("gets through a crafted trace of near-limit junk lines", () => {
		// Worst cases for the patterns and the trim; this spec's run time shows if a change makes them slow.
		const JUNK = [
			string.rep(" ", MAX_LINE_BYTES - 1) + "x",
			string.rep(":1", MAX_LINE_BYTES / 2 - 1) + "x",
			string.rep(", line ", MAX_LINE_BYTES / 7 - 1) + "x",
			"Script '" + string.rep("', Line ", MAX_LINE_BYTES / 8 - 2) + "x",
		];
		for (const line of JUNK) {
			expect(line.size() <= MAX_LINE_BYTES).toBe(true);
			expect(parseRobloxTrace(string.rep(line + "\n", MAX_LINES_SCANNED))).toEqual([]);
		}
	});
});

describe("parseTraceLine", () => {
	it("tries every format", () => {
		const LINES: Array<[string, string]> = [
			["ServerScriptService.Main:3 function inner", "inner@ServerScriptService.Main:3"],
			["Script 'ServerScriptService.Main', Line 3 - function inner", "inner@ServerScriptService.Main:3"],
			["ServerScriptService.Main, line 3 - function inner", "inner@ServerScriptService.Main:3"],
		];
		for (const [line, site] of LINES) expect(sites([parseTraceLine(line)!])).toEqual([site]);
	});

	it("skips [C] frames in every format", () => {
		for (const line of ["[C] function error", "[C]:-1", "[C], line -1 - function wait"]) {
			expect(parseTraceLine(line)).toBeUndefined();
		}
	});
});
