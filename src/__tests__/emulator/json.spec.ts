// HttpService:JSONEncode / JSONDecode where Roblox and plain JSON disagree (platform.md §1.6,
// rbxapiref HttpService): the SDK's batches are only as correct as these answers. Every case runs
// as Luau in a world's server peer.
import { afterEach, beforeEach, describe, expect, it } from "@rbxts/jest-globals";
import { createWorld, Peer, World } from "../support/emulator";

let world: World;
let server: Peer;

beforeEach(() => {
	world = createWorld();
	server = world.startServer();
});
afterEach(() => world.destroy());

/** Runs `body` (Luau, with HttpService in scope) under pcall; returns its result or error text. */
function runLuau(body: string): { ok: boolean; value: unknown } {
	server.runSource(`
local HttpService = game:GetService("HttpService")
local ok, value = pcall(function()
	${body}
end)
_G.ok = ok
_G.value = if ok then value else tostring(value)
`);
	return { ok: server.G.ok as boolean, value: server.G.value };
}

/** JSONEncode of a Luau expression. */
function encode(expression: string) {
	return runLuau(`return HttpService:JSONEncode(${expression})`);
}

describe("HttpService:JSONEncode", () => {
	it.each([
		["{}", "[]"],
		["{ a = {} }", '{"a":[]}'],
		["{ { {} } }", "[[[]]]"],
	])("encodes empty tables as arrays: %s -> %s", (expression: string, expected: string) => {
		expect(encode(expression)).toEqual({ ok: true, value: expected });
	});

	it.each([
		["{ 1, 2, x = 'dropped' }", "[1,2]"],
		["{ 'a', true, false, [5] = 'past the border', key = {} }", '["a",true,false]'],
	])("keeps only the array part of a mixed table: %s -> %s", (expression: string, expected: string) => {
		expect(encode(expression)).toEqual({ ok: true, value: expected });
	});

	it("encodes a table without the key 1 as an object", () => {
		expect(encode("{ a = 1 }")).toEqual({ ok: true, value: '{"a":1}' });
		expect(encode("{ [2] = 'b' }")).toEqual({ ok: true, value: '{"2":"b"}' });
	});

	it.each([
		["0/0", "null"],
		["math.huge", "null"],
		["-math.huge", "null"],
		["{ 0/0, math.huge, -math.huge, 1 }", "[null,null,null,1]"],
		["{ n = 0/0 }", '{"n":null}'],
	])("encodes NaN and infinities as null: %s -> %s", (expression: string, expected: string) => {
		expect(encode(expression)).toEqual({ ok: true, value: expected });
	});

	it.each([["0"], ["-7"], ["2.5"], ["0.1"], ["1/3"], ["-1.5e-7"], ["1e15"], ["2^53"], ["1.7976931348623157e308"]])(
		"encodes the number %s as a JSON number that decodes to the same value",
		(expression: string) => {
			// The exact text (1e15 vs 1000000000000000) is not documented; the value must survive.
			const result = runLuau(`
local value = ${expression}
local text = HttpService:JSONEncode(value)
local syntax = string.match(text, "^%-?%d+%.?%d*[eE]?[-+]?%d*$") ~= nil and string.match(text, "^%-?0%d") == nil
return { syntax, HttpService:JSONDecode(text) == value, tonumber(text) == value }`);
			expect(result).toEqual({ ok: true, value: [true, true, true] });
		},
	);

	it.each([
		['[[a"b\\c]]', '"a\\"b\\\\c"'],
		['"\\b\\f\\n\\r\\t"', '"\\b\\f\\n\\r\\t"'],
		['"\\0\\1\\31"', '"\\u0000\\u0001\\u001f"'],
		['"a/b"', '"a/b"'],
		['"\\u{E9}\\u{2713}\\u{1F600}"', '"é✓😀"'],
	])("escapes strings as Roblox does: %s -> %s", (expression: string, expected: string) => {
		const result = encode(expression);
		expect(result.ok).toBe(true);
		// Roblox does not document the case of \u00XX's hex digits.
		expect((result.value as string).lower()).toBe(expected.lower());
	});

	it.each([
		["{ workspace }", "[null]"],
		["{ part = Instance.new('Folder') }", '{"part":null}'],
		["{ print, coroutine.create(print) }", "[null,null]"],
		["{ Enum.HttpCompression.Gzip }", "[null]"],
	])("encodes engine values and functions as null: %s -> %s", (expression: string, expected: string) => {
		expect(encode(expression)).toEqual({ ok: true, value: expected });
	});

	it.each([
		["a table inside itself", "local t = {} t.self = t return HttpService:JSONEncode(t)"],
		["two tables inside each other", "local a, b = {}, {} a[1] = b b.a = a return HttpService:JSONEncode(a)"],
		["a table met twice", "local shared = { 1 } return HttpService:JSONEncode({ shared, shared })"],
	])("raises tables cannot be cyclic for %s", (_label: string, body: string) => {
		// rbxapiref: "If a table that is being or has already been encoded is traversed".
		const result = runLuau(body);
		expect(result.ok).toBe(false);
		expect(result.value).toContain("tables cannot be cyclic");
	});

	it.each([
		["a string", '"\\255"'],
		["a nested value", "{ name = 'ok', props = { list = { 'fine', '\\192\\128' } } }"],
		["a key", "{ ['\\237\\160\\128'] = 1 }"],
	])("raises Can't convert to JSON for invalid UTF-8 in %s", (_label: string, expression: string) => {
		const result = encode(expression);
		expect(result.ok).toBe(false);
		expect(result.value).toContain("Can't convert to JSON");
	});

	it("raises when given nil", () => {
		const result = runLuau("return HttpService:JSONEncode(nil)");
		expect(result.ok).toBe(false);
		expect(result.value).toContain("Argument 1 missing or nil");
	});
});

describe("HttpService:JSONDecode", () => {
	it("drops the keys of null values", () => {
		const result = runLuau(`
local t = HttpService:JSONDecode('{"a":null,"b":1}')
local keys = 0
for _ in t do
	keys += 1
end
return { keys = keys, a = t.a == nil, b = t.b }`);
		expect(result).toEqual({ ok: true, value: { keys: 1, a: true, b: 1 } });
	});

	it("leaves a hole for null in an array", () => {
		const result = runLuau(`
local t = HttpService:JSONDecode("[1,null,3]")
return { t[1], t[2] == nil, t[3] }`);
		expect(result).toEqual({ ok: true, value: [1, true, 3] });
	});

	it("decodes {} and [] as empty tables", () => {
		const result = runLuau(`
local object, array = HttpService:JSONDecode("{}"), HttpService:JSONDecode("[]")
return { type(object) == "table" and next(object) == nil, type(array) == "table" and next(array) == nil }`);
		expect(result).toEqual({ ok: true, value: [true, true] });
	});

	it("keeps number-like object keys as strings", () => {
		const result = runLuau(`
local t = HttpService:JSONDecode('{"1":"x"}')
return { t["1"], t[1] == nil }`);
		expect(result).toEqual({ ok: true, value: ["x", true] });
	});

	it("decodes escapes and surrogate pairs", () => {
		const result = runLuau(`
local s = HttpService:JSONDecode([["\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\ud83d\\ude00"]])
return s == '"\\\\/\\b\\f\\n\\r\\tA\\195\\169\\240\\159\\152\\128'`);
		expect(result).toEqual({ ok: true, value: true });
	});

	it.each([[""], ["[1,2"], ["[1,]"], ["{a:1}"], ["{'a':1}"], ["NaN"], ["{} x"], ['"\\x"'], ["01"]])(
		"raises Can't parse JSON for %s",
		(text: string) => {
			const result = runLuau(`return HttpService:JSONDecode([==[${text}]==])`);
			expect(result.ok).toBe(false);
			expect(result.value).toContain("Can't parse JSON");
		},
	);

	it("round-trips a batch body", () => {
		const result = runLuau(`
local body = {
	api_key = "phc_test",
	batch = {
		{ event = "level_completed", distinct_id = "123", properties = { level = 3, score = 12.5, ["$lib"] = "posthog-roblox", tags = { "a", "b" }, ok = true } },
	},
}
local back = HttpService:JSONDecode(HttpService:JSONEncode(body))
local event = back.batch[1]
return {
	back.api_key, event.event, event.distinct_id, event.properties.level, event.properties.score,
	event.properties["$lib"], event.properties.tags[2], event.properties.ok,
}`);
		expect(result).toEqual({
			ok: true,
			value: ["phc_test", "level_completed", "123", 3, 12.5, "posthog-roblox", "b", true],
		});
	});
});
