import { describe, expect, it } from "@rbxts/jest-globals";
import { acceptClientMessage, AcceptMessageResult } from "../../../core/relay/acceptClientMessage";
import { estimateMessageBytes } from "../../../core/relay/estimateMessageBytes";
import {
	MAX_ERROR_TYPE_BYTES,
	MAX_EXCEPTION_MESSAGE_BYTES,
	MAX_EXCEPTION_TRACE_BYTES,
	MAX_IDLE_SECONDS,
	MAX_NAME_BYTES,
	MAX_PROPERTY_KEY_BYTES,
	MAX_STRING_VALUE_BYTES,
} from "../../../core/relay/limits";
import { WireMessage } from "../../../core/relay/messageSchemas";
import { RejectionReason } from "../../../core/relay/rejectionReasons";
import {
	aUserdata,
	aWireCapture,
	aWireContext,
	aWireException,
	aWireIdle,
	aWireScreen,
	measureRealSeconds,
	tableWithKeys,
} from "../../support/relay";

const OPTIONS = { maxPropertyCount: 100 };

function accept(raw: unknown, options = OPTIONS): AcceptMessageResult {
	return acceptClientMessage(raw, options);
}

function reasonOf(raw: unknown, options = OPTIONS): RejectionReason | "accepted" {
	const result = accept(raw, options);
	return result.ok ? "accepted" : result.reason;
}

const INVALID_UTF8 = "bad" + string.char(0xff) + "byte";
const SURROGATE = string.char(0xed, 0xa0, 0x80);
const TRUNCATED_SEQUENCE = "caf" + string.char(0xc3);

describe("acceptClientMessage", () => {
	describe("with a valid message", () => {
		const cases: Array<[string, WireMessage, object]> = [
			[
				"capture",
				aWireCapture(),
				{ kind: "capture", name: "level_completed", properties: { level: 3, hard: true, mode: "solo" } },
			],
			[
				"capture without properties",
				{ k: "c", n: "level_completed" } as WireMessage,
				{ kind: "capture", name: "level_completed" },
			],
			["screen", aWireScreen({ p: { tab: "gems" } }), { kind: "screen", name: "Shop", properties: { tab: "gems" } }],
			[
				"unhandled exception",
				aWireException(),
				{ kind: "exception", message: aWireException().m, trace: aWireException().t, handled: false },
			],
			[
				"handled exception with type and properties",
				aWireException({ h: true, y: "TypeError", p: { weapon: "bow" } }),
				{ kind: "exception", handled: true, errorType: "TypeError", properties: { weapon: "bow" } },
			],
			["context", aWireContext(), { kind: "context", deviceType: "Mobile", platform: "Phone", input: "Touch" }],
			["idle", aWireIdle(), { kind: "idle", seconds: 120 }],
		];
		for (const [label, wire, decoded] of cases) {
			it(`decodes a ${label}`, () => {
				const result = accept(wire);
				expect(result.ok).toBe(true);
				if (result.ok) expect(result.message).toMatchObject(decoded);
			});
		}

		it("reports the bytes estimateMessageBytes gives for the wire message", () => {
			for (const [, wire] of cases) {
				const result = accept(wire);
				if (result.ok) expect(result.bytes).toBe(estimateMessageBytes(wire));
			}
		});

		it("returns fresh tables that later edits of the client's tables don't reach", () => {
			const properties: Record<string, unknown> = { level: 3 };
			const wire = aWireCapture({ p: properties });
			const result = accept(wire);
			properties.level = 4;
			properties.extra = true;
			expect(result.ok).toBe(true);
			if (result.ok && result.message.kind === "capture") {
				expect(result.message.properties).toEqual({ level: 3 });
				expect(result.message.properties === properties).toBe(false);
				expect((result.message as unknown) === wire).toBe(false);
			}
		});

		it("leaves properties out when the client sends an empty table", () => {
			const result = accept(aWireCapture({ p: {} }));
			expect(result.ok && result.message.kind === "capture" && result.message.properties === undefined).toBe(true);
		});

		it("accepts names and values at exactly their caps, multi-byte characters included", () => {
			const euro = "€"; // 3 bytes
			const name = string.rep("a", MAX_NAME_BYTES - 3) + euro;
			const key = string.rep("k", MAX_PROPERTY_KEY_BYTES);
			const value = string.rep(euro, MAX_STRING_VALUE_BYTES / 5) + string.rep("v", MAX_STRING_VALUE_BYTES * 0.4);
			expect(value.size()).toBe(MAX_STRING_VALUE_BYTES);
			expect(reasonOf(aWireCapture({ n: name, p: { [key]: value } }))).toBe("accepted");
		});

		it("accepts exactly maxClientPropertyCount properties", () => {
			expect(reasonOf(aWireCapture({ p: tableWithKeys(100) }))).toBe("accepted");
			expect(reasonOf(aWireCapture({ p: tableWithKeys(5) }), { maxPropertyCount: 5 })).toBe("accepted");
		});
	});

	describe("rejects", () => {
		const cases: Array<[string, unknown, RejectionReason]> = [
			// Not a message.
			["a string", "capture", "message_not_table"],
			["nil", undefined, "message_not_table"],
			["a number", 1, "message_not_table"],
			["a table with a metatable", setmetatable({ k: "c", n: "x" }, {}), "message_not_table"],
			["a missing kind", { n: "x" }, "message_kind"],
			["an unknown kind", { k: "capture", n: "x" }, "message_kind"],
			["a non-string kind", { k: 1, n: "x" }, "message_kind"],
			// Schema.
			["an unknown field", aWireCapture({ distinct_id: "someone else" } as never), "message_shape"],
			["a spoofed timestamp field", aWireScreen({ timestamp: 0 } as never), "message_shape"],
			["a missing name", { k: "c", p: { a: 1 } }, "message_shape"],
			["a number name", aWireCapture({ n: 5 }), "message_shape"],
			["properties that are a string", aWireCapture({ p: "a=1" }), "message_shape"],
			["properties with a metatable", aWireCapture({ p: setmetatable({}, {}) }), "message_shape"],
			["a non-boolean handled", aWireException({ h: "yes" }), "message_shape"],
			["a missing handled", { k: "e", m: "boom" }, "message_shape"],
			["a device type outside the whitelist", aWireContext({ d: "Fridge" }), "message_shape"],
			["a platform outside the whitelist", aWireContext({ o: "Windows" }), "message_shape"],
			["an input outside the whitelist", aWireContext({ i: "Keyboard" }), "message_shape"],
			["a NaN idle time", aWireIdle({ s: 0 / 0 }), "message_shape"],
			["an infinite idle time", aWireIdle({ s: math.huge }), "message_shape"],
			["a negative idle time", aWireIdle({ s: -1 }), "idle_seconds_range"],
			["an idle time over the cap", aWireIdle({ s: MAX_IDLE_SECONDS + 1 }), "idle_seconds_range"],
			// Names.
			["an empty name", aWireCapture({ n: "" }), "name_empty"],
			["an empty screen name", aWireScreen({ n: "" }), "name_empty"],
			["a name over the cap", aWireCapture({ n: string.rep("a", MAX_NAME_BYTES + 1) }), "name_too_long"],
			["a $ event name", aWireCapture({ n: "$identify" }), "name_reserved"],
			["a $ screen name", aWireScreen({ n: "$screen" }), "name_reserved"],
			["a name with invalid UTF-8", aWireCapture({ n: INVALID_UTF8 }), "name_invalid"],
			["a name with a surrogate", aWireCapture({ n: "a" + SURROGATE }), "name_invalid"],
			["a name with a cut sequence", aWireCapture({ n: TRUNCATED_SEQUENCE }), "name_invalid"],
			["a name with a newline", aWireCapture({ n: "a\nb" }), "name_invalid"],
			["a name with a NUL", aWireCapture({ n: "a\0b" }), "name_invalid"],
			// Properties.
			["101 properties", aWireCapture({ p: tableWithKeys(101) }), "properties_too_many"],
			["a number key", aWireCapture({ p: [1, 2] }), "property_key_not_string"],
			["an empty key", aWireCapture({ p: { [""]: 1 } }), "property_key_empty"],
			[
				"a key over the cap",
				aWireCapture({ p: { [string.rep("k", MAX_PROPERTY_KEY_BYTES + 1)]: 1 } }),
				"property_key_too_long",
			],
			["a $ key", aWireCapture({ p: { $set: "x" } }), "property_key_reserved"],
			["a $lib key", aWireScreen({ p: { $lib: "fake" } }), "property_key_reserved"],
			["a key with invalid UTF-8", aWireCapture({ p: { [INVALID_UTF8]: 1 } }), "property_key_invalid_utf8"],
			["a nested table", aWireCapture({ p: { inventory: { sword: 1 } } }), "property_value_nested"],
			["an empty nested table", aWireCapture({ p: { a: {} } }), "property_value_nested"],
			["a function value", aWireCapture({ p: { f: () => 1 } }), "property_value_type"],
			["a userdata value", aWireCapture({ p: { u: aUserdata() } }), "property_value_type"],
			["a buffer value", aWireCapture({ p: { b: buffer.create(4) } }), "property_value_type"],
			["a NaN value", aWireCapture({ p: { x: 0 / 0 } }), "property_value_not_finite"],
			["an inf value", aWireCapture({ p: { x: math.huge } }), "property_value_not_finite"],
			["a -inf value", aWireCapture({ p: { x: -math.huge } }), "property_value_not_finite"],
			[
				"a string value over the cap",
				aWireCapture({ p: { s: string.rep("v", MAX_STRING_VALUE_BYTES + 1) } }),
				"property_value_too_long",
			],
			["a value with invalid UTF-8", aWireCapture({ p: { s: INVALID_UTF8 } }), "property_value_invalid_utf8"],
			["a value with a surrogate", aWireCapture({ p: { s: SURROGATE } }), "property_value_invalid_utf8"],
			["properties on an exception", aWireException({ p: { $exception_list: "x" } }), "property_key_reserved"],
			// Exceptions.
			["an empty exception message", aWireException({ m: "" }), "exception_message_empty"],
			[
				"an exception message over the cap",
				aWireException({ m: string.rep("m", MAX_EXCEPTION_MESSAGE_BYTES + 1) }),
				"exception_message_too_long",
			],
			[
				"a trace over the cap",
				aWireException({ t: string.rep("t", MAX_EXCEPTION_TRACE_BYTES + 1) }),
				"exception_trace_too_long",
			],
			[
				"an error type over the cap",
				aWireException({ y: string.rep("y", MAX_ERROR_TYPE_BYTES + 1) }),
				"exception_type_too_long",
			],
			["a message with invalid UTF-8", aWireException({ m: INVALID_UTF8 }), "exception_invalid_utf8"],
			["a trace with invalid UTF-8", aWireException({ t: INVALID_UTF8 }), "exception_invalid_utf8"],
			["an error type with invalid UTF-8", aWireException({ y: INVALID_UTF8 }), "exception_invalid_utf8"],
		];
		for (const [label, raw, reason] of cases) {
			it(`${label} as ${reason}`, () => {
				expect(reasonOf(raw)).toBe(reason);
			});
		}

		it("a message whose properties take it past MAX_MESSAGE_BYTES as message_too_large", () => {
			const properties: Record<string, string> = {};
			for (let index = 1; index <= 20; index++) properties[`k${index}`] = string.rep("v", 1000);
			expect(reasonOf(aWireCapture({ p: properties }))).toBe("message_too_large");
		});

		it("an exception whose trace and properties together are too large as message_too_large", () => {
			const properties: Record<string, string> = {};
			for (let index = 1; index <= 4; index++) properties[`k${index}`] = string.rep("v", 1000);
			const wire = aWireException({ t: string.rep("t", MAX_EXCEPTION_TRACE_BYTES), p: properties });
			expect(reasonOf(wire)).toBe("message_too_large");
		});

		it("properties over the configured maxClientPropertyCount", () => {
			expect(reasonOf(aWireCapture({ p: tableWithKeys(6) }), { maxPropertyCount: 5 })).toBe("properties_too_many");
			expect(reasonOf(aWireCapture({ p: { a: 1 } }), { maxPropertyCount: 0 })).toBe("properties_too_many");
		});

		it("a cyclic properties table without following it", () => {
			const properties: Record<string, unknown> = {};
			properties.self = properties;
			expect(reasonOf(aWireCapture({ p: properties }))).toBe("property_value_nested");
		});

		it("a deeply nested table without recursing into it", () => {
			let deep: Record<string, unknown> = {};
			for (let index = 1; index <= 10000; index++) deep = { inner: deep };
			expect(reasonOf(aWireCapture({ p: deep }))).toBe("property_value_nested");
		});

		it("a huge string without scanning it", () => {
			const huge = string.rep("x", 10_000_000);
			expect(reasonOf(aWireCapture({ n: huge }))).toBe("name_too_long");
			expect(reasonOf(aWireCapture({ p: { s: huge } }))).toBe("property_value_too_long");
		});
	});

	describe("with a properties table of 100,000 keys", () => {
		// Validation refuses metatables and reads entries raw, so no proxy can count the reads: the
		// cost is compared instead. Were every key visited, the big table would cost ~1,000x the small.
		it("rejects it after maxClientPropertyCount + 1 keys: as fast as a table of 101", () => {
			const huge = aWireCapture({ p: tableWithKeys(100_000) });
			const small = aWireCapture({ p: tableWithKeys(101) });
			const timeOf = (wire: WireMessage) =>
				measureRealSeconds(() => {
					for (let round = 1; round <= 1000; round++) accept(wire);
				});
			timeOf(small);
			const smallSeconds = timeOf(small);
			const hugeSeconds = timeOf(huge);
			expect(reasonOf(huge)).toBe("properties_too_many");
			expect(hugeSeconds).toBeLessThan(smallSeconds * 3 + 0.05);
		});

		it("reports too many properties even when a later entry is also invalid", () => {
			const properties = tableWithKeys(100_000);
			properties.$set = { nested: true };
			expect(reasonOf(aWireCapture({ p: properties }))).toBe("properties_too_many");
		});
	});

	it("turns an error inside validation into internal_error", () => {
		// A client can't make validation raise; a maxPropertyCount that can't be compared stands in for a bug.
		const result = accept(aWireCapture(), { maxPropertyCount: {} as unknown as number });
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.reason).toBe("internal_error");
			expect(typeIs(result.error, "string")).toBe(true);
		}
	});
});
