import { describe, expect, it } from "@rbxts/jest-globals";
import {
	buildException,
	ExceptionInput,
	ExceptionSource,
	RESERVED_EXCEPTION_KEYS,
} from "../../../core/errors/buildException";
import { MAX_FRAMES } from "../../../core/errors/parsers/parseRobloxTrace";
import { luauFrame, StackFrame } from "../../../core/errors/StackFrame";

const MESSAGE = "ServerScriptService.Combat.Damage:42: attempt to index nil with 'Humanoid'";
const TRACE = [
	"ServerScriptService.Combat.Damage:42 function applyDamage",
	"ServerScriptService.Combat:17 function onHit",
].join("\n");

function anError(overrides: Partial<ExceptionInput> = {}): ExceptionInput {
	return { message: MESSAGE, trace: TRACE, handled: false, source: "script_context", ...overrides };
}

/** anError without a trace (a spread `trace: undefined` would not remove it in Luau). */
function anErrorWithoutTrace(message = MESSAGE): ExceptionInput {
	return { message, handled: false, source: "script_context" };
}

describe("buildException", () => {
	it("builds the $exception properties of an unhandled server error", () => {
		expect(buildException(anError())).toEqual({
			$exception_list: [
				{
					type: "Error",
					value: "attempt to index nil with 'Humanoid'",
					mechanism: { type: "onuncaughtexception", handled: false, synthetic: false, exception_id: 0 },
					stacktrace: {
						type: "raw",
						frames: [
							{
								function: "onHit",
								filename: "ServerScriptService.Combat",
								lineno: 17,
								in_app: true,
								platform: "custom",
								lang: "luau",
							},
							{
								function: "applyDamage",
								filename: "ServerScriptService.Combat.Damage",
								lineno: 42,
								in_app: true,
								platform: "custom",
								lang: "luau",
							},
						],
					},
				},
			],
			$exception_level: "error",
			$exception_source: "roblox.script_context",
		});
	});

	describe("by source", () => {
		const CASES: Array<[ExceptionSource, boolean, string, string | undefined]> = [
			["script_context", false, "onuncaughtexception", "roblox.script_context"],
			["client", false, "onuncaughtexception", "roblox.script_context"],
			["manual", true, "generic", undefined],
		];
		for (const [source, handled, mechanismType, exceptionSource] of CASES) {
			it(`uses mechanism ${mechanismType} and $exception_source ${exceptionSource} for ${source} errors`, () => {
				const properties = buildException(anError({ source, handled }));
				expect(properties.$exception_list[0].mechanism).toMatchObject({ type: mechanismType, handled });
				expect(properties.$exception_source).toBe(exceptionSource);
			});
		}
	});

	it("omits synthetic for manual capture unless the caller knows it", () => {
		expect(buildException(anError({ source: "manual", handled: true })).$exception_list[0].mechanism).toEqual({
			type: "generic",
			handled: true,
			exception_id: 0,
		});
		const synthetic = buildException(anError({ source: "manual", handled: true, synthetic: true }));
		expect(synthetic.$exception_list[0].mechanism.synthetic).toBe(true);
	});

	it("never sends the legacy or processor-derived properties", () => {
		const properties = buildException(anError());
		for (const key of ["$exception_type", "$exception_message", "$exception_handled", "$exception_types"]) {
			expect(properties[key]).toBeUndefined();
		}
	});

	it("takes a derived frame from the location prefix when the trace has none", () => {
		const inputs = [anErrorWithoutTrace(), anError({ trace: "" }), anError({ trace: "Stack Begin\nStack End" })];
		for (const input of inputs) {
			expect(buildException(input).$exception_list[0].stacktrace).toEqual({
				type: "raw",
				frames: [
					{
						function: "?",
						filename: "ServerScriptService.Combat.Damage",
						lineno: 42,
						in_app: true,
						platform: "custom",
						lang: "luau",
					},
				],
			});
		}
	});

	it("omits the stacktrace when neither the trace nor the message has a location", () => {
		expect(buildException(anErrorWithoutTrace("boom")).$exception_list[0].stacktrace).toBeUndefined();
	});

	it("caps the frames", () => {
		const lines = new Array<string>();
		for (let depth = 1; depth <= 60; depth++)
			lines.push(`ServerScriptService.Recursive:${depth} function level${depth}`);
		const frames = buildException(anError({ trace: lines.join("\n") })).$exception_list[0].stacktrace!.frames;
		expect(frames.size()).toBe(MAX_FRAMES);
	});

	it("uses given frames instead of the trace, keeping the innermost MAX_FRAMES", () => {
		const frames = new Array<StackFrame>();
		for (let depth = 1; depth <= 60; depth++)
			frames.push(luauFrame(`level${depth}`, "ServerScriptService.Deep", depth));
		const built = buildException(anError({ frames })).$exception_list[0].stacktrace!.frames;
		expect(built.size()).toBe(MAX_FRAMES);
		expect(built[0].lineno).toBe(11);
		expect(built[MAX_FRAMES - 1].function).toBe("level60");
	});

	it("derives a frame from the location prefix when given no frames", () => {
		const built = buildException(anError({ frames: [] })).$exception_list[0].stacktrace!.frames;
		expect(built.size()).toBe(1);
		expect(built[0].filename).toBe("ServerScriptService.Combat.Damage");
	});

	describe("type and value", () => {
		const CASES: Array<[string, string | undefined, string, string]> = [
			["Main:3: attempt to call a nil value", undefined, "Error", "attempt to call a nil value"],
			["HttpError: Timedout", undefined, "HttpError", "Timedout"],
			["Main:3: ValidationError: bad input", undefined, "ValidationError", "bad input"],
			["Error: plain", undefined, "Error", "plain"],
			["DataException: corrupt", undefined, "DataException", "corrupt"],
			["Expected: 5", undefined, "Error", "Expected: 5"],
			["httpError: lower case", undefined, "Error", "httpError: lower case"],
			["Main:3: HttpError: Timedout", "NetworkFailure", "NetworkFailure", "HttpError: Timedout"],
			["boom", "", "Error", "boom"],
			["boom", "  ", "Error", "boom"],
			["", undefined, "Error", ""],
		];
		for (const [message, explicitType, expectedType, value] of CASES) {
			it(`reads ${message === "" ? "an empty message" : message} (type ${explicitType}) as ${expectedType}: ${value}`, () => {
				expect(buildException(anError({ message, type: explicitType })).$exception_list[0]).toMatchObject({
					type: expectedType,
					value,
				});
			});
		}
	});

	it("uses the given level", () => {
		expect(buildException(anError({ level: "warning" })).$exception_level).toBe("warning");
	});

	it("adds the caller's properties", () => {
		const properties = buildException(anError({ properties: { context: "load_world", world: "desert" } }));
		expect(properties).toMatchObject({ context: "load_world", world: "desert", $exception_level: "error" });
	});

	it("does not let the caller's properties override its own keys", () => {
		const hostile: Record<string, unknown> = {};
		for (const key of RESERVED_EXCEPTION_KEYS) hostile[key] = "forged";
		const properties = buildException(anError({ properties: hostile }));
		expect(properties.$exception_list[0].value).toBe("attempt to index nil with 'Humanoid'");
		expect(properties.$exception_level).toBe("error");
		expect(properties.$exception_source).toBe("roblox.script_context");
		for (const key of ["$exception_type", "$exception_message", "$exception_handled", "$exception_issue_id"]) {
			expect(properties[key]).toBeUndefined();
		}
	});

	it("drops $exception_source given by the caller of a manual capture", () => {
		const properties = buildException(
			anError({ source: "manual", handled: true, properties: { $exception_source: "forged" } }),
		);
		expect(properties.$exception_source).toBeUndefined();
	});

	it("keeps a caller's $exception_fingerprint only when it is a non-empty string", () => {
		expect(buildException(anError({ properties: { $exception_fingerprint: "checkout" } })).$exception_fingerprint).toBe(
			"checkout",
		);
		for (const fingerprint of ["", " ", 5, true]) {
			const properties = buildException(anError({ properties: { $exception_fingerprint: fingerprint } }));
			expect(properties.$exception_fingerprint).toBeUndefined();
		}
	});

	it("does not modify the caller's properties", () => {
		const given = { context: "x", $exception_level: "fatal" };
		buildException(anError({ properties: given }));
		expect(given).toEqual({ context: "x", $exception_level: "fatal" });
	});
});
