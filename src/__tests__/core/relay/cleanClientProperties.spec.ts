import { describe, expect, it } from "@rbxts/jest-globals";
import { acceptClientMessage } from "../../../core/relay/acceptClientMessage";
import { cleanClientProperties } from "../../../core/relay/cleanClientProperties";
import { encodeClientMessage } from "../../../core/relay/messageSchemas";
import { aUserdata, tableWithKeys } from "../../support/relay";

function problemsOf(value: object, maxCount = 100): Array<string> {
	return cleanClientProperties(value, maxCount).problems.map(({ key, problem }) => `${key}: ${problem}`);
}

describe("cleanClientProperties", () => {
	it("keeps strings, finite numbers and booleans as they are", () => {
		const { properties, problems } = cleanClientProperties({ a: "x", b: 1.5, c: false, d: -0 }, 100);
		expect(properties).toEqual({ a: "x", b: 1.5, c: false, d: -0 });
		expect(problems).toEqual([]);
	});

	it("leaves out what the server refuses, naming one key per kind of problem", () => {
		const value = new Map<unknown, unknown>([
			[1, "array"],
			["", "empty key"],
			[string.rep("k", 201), "long key"],
			["$set", 1],
			["distinct_id", "someone"],
			["token", "phc_x"],
			["nested", { a: 1 }],
			["nan", 0 / 0],
			["inf", math.huge],
			["fn", () => 1],
			["kept", "yes"],
		]);
		const { properties, problems } = cleanClientProperties(value, 100);
		expect(properties).toEqual({ kept: "yes" });
		const kinds = problems.map((entry) => entry.problem);
		kinds.sort();
		expect(kinds).toEqual([
			"key_invalid",
			"key_not_string",
			"key_reserved",
			"value_nested",
			"value_not_finite",
			"value_type",
		]);
	});

	it("repairs invalid UTF-8 and cuts long strings on a character boundary", () => {
		const { properties } = cleanClientProperties(
			{ bad: "a" + string.char(0xff) + "b", long: string.rep("é", 600), huge: string.rep("x", 100_000) },
			100,
		);
		expect(properties!.bad).toBe("a\u{FFFD}b");
		expect((properties!.long as string).size()).toBe(1000);
		expect(utf8.len(properties!.long as string)[0]).toBe(500);
		expect((properties!.huge as string).size()).toBe(1000);
	});

	it("describes userdata with the describer, else with tostring", () => {
		const userdata = aUserdata();
		const described = cleanClientProperties({ where: userdata }, 100, () => "Workspace.Part");
		expect(described.properties).toEqual({ where: "Workspace.Part" });
		const plain = cleanClientProperties({ where: userdata }, 100, () => error("describer failed"));
		expect(plain.properties!.where).toBe(tostring(userdata));
	});

	it("keeps at most maxCount properties and reports the rest", () => {
		const { properties } = cleanClientProperties(tableWithKeys(150), 100);
		let count = 0;
		for (const [_] of pairs(properties!)) count += 1;
		expect(count).toBe(100);
		expect(problemsOf(tableWithKeys(150)).size()).toBe(1);
	});

	it("returns no properties for an empty table or one where nothing survives", () => {
		expect(cleanClientProperties({}, 100).properties).toBeUndefined();
		expect(cleanClientProperties({ $x: 1 }, 100).properties).toBeUndefined();
	});

	it("produces only what acceptClientMessage accepts", () => {
		const value = {
			a: string.rep("€", 400) + string.char(0xc3),
			b: 0 / 0,
			c: { d: 1 },
			$e: 1,
			f: aUserdata(),
			[string.rep("g", 200)]: true,
		};
		const { properties } = cleanClientProperties(value, 100);
		const outcome = acceptClientMessage(encodeClientMessage({ kind: "capture", name: "x", properties }), {
			maxPropertyCount: 100,
		});
		expect(outcome.ok).toBe(true);
	});
});
