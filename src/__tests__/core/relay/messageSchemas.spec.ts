import { describe, expect, it } from "@rbxts/jest-globals";
import { acceptClientMessage } from "../../../core/relay/acceptClientMessage";
import {
	ClientMessage,
	ClientMessageKind,
	encodeClientMessage,
	isFiniteNumber,
	isPlainTable,
	SCHEMA_BY_WIRE_KIND,
	WIRE_KIND,
} from "../../../core/relay/messageSchemas";
import { aUserdata } from "../../support/relay";

/** One message of every kind: adding a kind without a case here fails to compile. */
const ONE_OF_EACH: { [K in ClientMessageKind]: Extract<ClientMessage, { kind: K }> } = {
	capture: { kind: "capture", name: "level_completed", properties: { level: 3 } },
	screen: { kind: "screen", name: "Shop" },
	exception: {
		kind: "exception",
		message: "boom",
		trace: "Script:1",
		errorType: "Error",
		handled: true,
		properties: { a: false },
	},
	context: { kind: "context", deviceType: "Console", platform: "Console", input: "Gamepad" },
	idle: { kind: "idle", seconds: 300 },
};

describe("messageSchemas", () => {
	it("has a schema for every message kind's wire code", () => {
		for (const [kind, code] of pairs(WIRE_KIND)) {
			expect(SCHEMA_BY_WIRE_KIND[code]).toBeDefined();
			expect(encodeClientMessage(ONE_OF_EACH[kind]).k).toBe(code);
		}
	});

	it("uses a distinct wire code per kind", () => {
		const seen = new Set<string>();
		for (const [, code] of pairs(WIRE_KIND)) {
			expect(seen.has(code)).toBe(false);
			seen.add(code);
		}
	});

	for (const [kind, message] of pairs(ONE_OF_EACH)) {
		it(`round-trips a ${kind} message through the wire`, () => {
			const result = acceptClientMessage(encodeClientMessage(message), { maxPropertyCount: 100 });
			expect(result.ok && result.message).toEqual(message);
		});
	}

	it("accepts only finite numbers as finite", () => {
		for (const value of [0, -0, 1.5, -1e308, 2 ** 53]) expect(isFiniteNumber(value)).toBe(true);
		for (const value of [0 / 0, math.huge, -math.huge, "1", undefined, true]) {
			expect(isFiniteNumber(value)).toBe(false);
		}
	});

	it("accepts only tables without a metatable as plain tables", () => {
		expect(isPlainTable({})).toBe(true);
		expect(isPlainTable([1])).toBe(true);
		for (const value of [setmetatable({}, {}), aUserdata(true), "t", 1, undefined]) {
			expect(isPlainTable(value)).toBe(false);
		}
	});
});
