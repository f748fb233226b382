import { describe, expect, it } from "@rbxts/jest-globals";
import { HttpService } from "@rbxts/services";
import { sanitizeProperties, sanitizeValue } from "../../../core/events/sanitizeProperties";

declare function newproxy(addMetatable: boolean): object;

const FFFD = utf8.char(0xfffd);
const INVALID_UTF8 = "bad" + string.char(0xff);

/** A userdata whose tostring is `name`. */
function aUserdata(name: string): object {
	const proxy = newproxy(true);
	(getmetatable(proxy) as { __tostring: () => string }).__tostring = () => name;
	return proxy;
}

describe("sanitizeValue", () => {
	it("keeps strings, booleans and finite numbers", () => {
		for (const value of ["text", "", true, false, 0, -1.5, 2 ** 53, 1e-300]) {
			expect(sanitizeValue(value)).toBe(value);
		}
	});

	it("turns NaN and infinities into strings", () => {
		expect(sanitizeValue(0 / 0)).toBe("NaN");
		expect(sanitizeValue(math.huge)).toBe("Infinity");
		expect(sanitizeValue(-math.huge)).toBe("-Infinity");
	});

	it("repairs invalid UTF-8", () => {
		expect(sanitizeValue(INVALID_UTF8)).toBe("bad" + FFFD);
	});

	it("drops nil, functions, threads and buffers", () => {
		for (const value of [undefined, () => 1, coroutine.create(() => {}), buffer.create(4)]) {
			expect(sanitizeValue(value)).toBeUndefined();
		}
	});

	it("describes userdata with the describeValue hook", () => {
		const part = aUserdata("Part");
		expect(sanitizeValue(part, { describeValue: () => "Workspace.Map.Part" })).toBe("Workspace.Map.Part");
	});

	it("falls back to tostring without a hook, or when the hook returns nil or raises", () => {
		const part = aUserdata("Part");
		expect(sanitizeValue(part)).toBe("Part");
		expect(sanitizeValue(part, { describeValue: () => undefined })).toBe("Part");
		expect(sanitizeValue(part, { describeValue: () => error("boom") })).toBe("Part");
	});

	it("drops userdata whose tostring raises", () => {
		const hostile = newproxy(true);
		(getmetatable(hostile) as { __tostring: () => string }).__tostring = () => error("no");
		expect(sanitizeValue(hostile)).toBeUndefined();
	});

	it("repairs invalid UTF-8 in a description", () => {
		expect(sanitizeValue(aUserdata(INVALID_UTF8))).toBe("bad" + FFFD);
	});

	describe("tables", () => {
		it("keeps a sequence as an array", () => {
			expect(sanitizeValue([1, "two", true])).toEqual([1, "two", true]);
		});

		it("closes up array elements that are dropped", () => {
			expect(sanitizeValue([1, () => 2, 3])).toEqual([1, 3]);
		});

		it("turns a sparse array into an object with string keys", () => {
			const sparse = new Map<number, string>([
				[1, "a"],
				[3, "c"],
			]);
			expect(sanitizeValue(sparse)).toEqual({ "1": "a", "3": "c" });
		});

		it("turns a mixed table into an object with string keys", () => {
			const mixed = new Map<unknown, unknown>([
				[1, "first"],
				["name", "value"],
			]);
			expect(sanitizeValue(mixed)).toEqual({ "1": "first", name: "value" });
		});

		it("stringifies number, boolean and userdata keys and drops table and function keys", () => {
			const keys = new Map<unknown, unknown>([
				[1.5, "float"],
				[-2, "negative"],
				[true, "yes"],
				[aUserdata("Key"), "userdata"],
				[{}, "table"],
				[() => 1, "function"],
			]);
			expect(sanitizeValue(keys)).toEqual({ "1.5": "float", "-2": "negative", true: "yes", Key: "userdata" });
		});

		it("prefers a string key over a number key that stringifies the same", () => {
			const colliding = new Map<unknown, unknown>([
				[1, "number"],
				["1", "string"],
				["x", 0],
			]);
			expect(sanitizeValue(colliding)).toEqual({ "1": "string", x: 0 });
		});

		it("repairs invalid UTF-8 in keys", () => {
			expect(sanitizeValue({ [INVALID_UTF8]: 1 })).toEqual({ ["bad" + FFFD]: 1 });
		});

		it("cuts a table that contains itself", () => {
			const cyclic: Record<string, unknown> = { a: 1 };
			cyclic.self = cyclic;
			expect(sanitizeValue(cyclic)).toEqual({ a: 1 });
		});

		it("cuts mutually referencing tables", () => {
			const left: Record<string, unknown> = { name: "left" };
			const right: Record<string, unknown> = { name: "right", left };
			left.right = right;
			expect(sanitizeValue(left)).toEqual({ name: "left", right: { name: "right" } });
		});

		it("copies a table referenced twice without a cycle", () => {
			const shared = { x: 1 };
			expect(sanitizeValue({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
		});

		it("drops tables nested deeper than maxDepth", () => {
			const root: Record<string, unknown> = {};
			let current = root;
			for (let depth = 1; depth <= 30; depth++) {
				const child: Record<string, unknown> = { depth };
				current.child = child;
				current = child;
			}
			let deepest = 0;
			let node = sanitizeValue(root) as Record<string, unknown> | undefined;
			while (node !== undefined) {
				if (node.depth !== undefined) deepest = node.depth as number;
				node = node.child as Record<string, unknown> | undefined;
			}
			expect(deepest).toBe(10);
			expect(sanitizeValue({ a: { b: { c: 1 } } }, { maxDepth: 1 })).toEqual({ a: {} });
		});

		it("reads tables raw, ignoring metamethods", () => {
			const hostile = setmetatable({ a: 1 }, {
				__index: () => error("index"),
				__iter: () => error("iter"),
				__len: () => error("len"),
			} as LuaMetatable<Record<string, unknown>>);
			expect(sanitizeValue(hostile)).toEqual({ a: 1 });
		});

		it("produces values JSONEncode accepts", () => {
			const cyclic: Record<string, unknown> = {};
			cyclic.loop = cyclic;
			const hostile = {
				nan: 0 / 0,
				inf: math.huge,
				text: INVALID_UTF8,
				fn: () => 1,
				ud: aUserdata("Part"),
				sparse: new Map<number, number>([
					[1, 1],
					[5, 5],
				]),
				mixed: new Map<unknown, unknown>([
					[1, 1],
					["k", "v"],
				]),
				cyclic,
				list: [1, 0 / 0, INVALID_UTF8],
			};
			const [ok] = pcall(() => HttpService.JSONEncode(sanitizeValue(hostile)));
			expect(ok).toBe(true);
		});
	});
});

describe("sanitizeProperties", () => {
	it("returns an object with the sanitized properties", () => {
		expect(sanitizeProperties({ level: 5, score: 0 / 0 })).toEqual({ level: 5, score: "NaN" });
	});

	it("turns a top-level array into an object", () => {
		expect(sanitizeProperties(["a", "b"])).toEqual({ "1": "a", "2": "b" });
	});

	it("returns undefined for a value that is not a table", () => {
		for (const value of [undefined, "text", 5, true, aUserdata("Part")]) {
			expect(sanitizeProperties(value)).toBeUndefined();
		}
	});

	it("returns undefined when nothing survives, so the field can be omitted", () => {
		expect(sanitizeProperties({})).toBeUndefined();
		expect(sanitizeProperties({ fn: () => 1 })).toBeUndefined();
	});

	it("passes the describeValue hook down to nested values", () => {
		const options = { describeValue: () => "Workspace.Part" };
		expect(sanitizeProperties({ nested: { part: aUserdata("Part") } }, options)).toEqual({
			nested: { part: "Workspace.Part" },
		});
	});
});
