import { describe, expect, it } from "@rbxts/jest-globals";
import { decodePayload } from "../../../core/flags/decodePayload";
import { harnessJson } from "../../support/fakePlatform";

describe("decodePayload", () => {
	const cases: Array<[string, unknown, unknown]> = [
		["a JSON object", '{"a":1}', { a: 1 }],
		["a JSON string", '"text"', "text"],
		["a JSON number", "42", 42],
		["a JSON boolean", "true", true],
		["text that is not JSON", "hello world", "hello world"],
		["a value that is already decoded", 5, 5],
	];
	for (const [description, raw, expected] of cases) {
		it(`decodes ${description}`, () => {
			expect(decodePayload(harnessJson, raw)).toEqual(expected);
		});
	}
});
