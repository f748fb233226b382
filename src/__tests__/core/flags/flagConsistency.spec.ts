// The cross-SDK consistency vectors (python test_simple_flag_consistency and
// test_multivariate_flag_consistency; node, go and ruby carry the same 2 x 1000 expectations).

import { describe, expect, it } from "@rbxts/jest-globals";
import { evaluateFlagLocally, LocalFlagResult } from "../../../core/flags/evaluateFlagLocally";
import { FlagValue } from "../../../core/flags/FlagDefinition";
import { parseFlagDefinitions } from "../../../core/flags/parseFlagDefinitions";
import {
	ID_COUNT,
	MULTIVARIATE_EXPECTED,
	MULTIVARIATE_FLAG,
	SIMPLE_EXPECTED,
	SIMPLE_FLAG,
	VARIANT_KEYS,
} from "../../fixtures/flagConsistency";
import { harnessJson } from "../../support/fakePlatform";

function definitionsOf(flag: object) {
	const parsed = parseFlagDefinitions({ flags: [flag] }, harnessJson);
	assert(parsed.kind === "parsed", "the fixture flag parses");
	return parsed.definitions;
}

function valueOf(result: LocalFlagResult): FlagValue | string {
	return result.kind === "value" ? result.value : `<${result.kind}: ${result.reason}>`;
}

/** Evaluates the only flag in `definitions` for distinct_id_0 .. distinct_id_999; returns the mismatches. */
function mismatches(flag: object, expectedAt: (index: number) => FlagValue): Array<string> {
	const definitions = definitionsOf(flag);
	const definition = definitions.flags[0];
	const found = new Array<string>();
	for (let index = 0; index < ID_COUNT; index++) {
		const distinctId = `distinct_id_${index}`;
		const actual = valueOf(evaluateFlagLocally(definition, definitions, { distinctId, nowMillis: 0 }));
		const expected = expectedAt(index);
		if (actual !== expected) found.push(`${distinctId}: expected ${tostring(expected)}, got ${tostring(actual)}`);
	}
	return found;
}

describe("flag consistency vectors", () => {
	it("evaluates simple-flag (45 % rollout) like every PostHog SDK for 1000 ids", () => {
		expect(mismatches(SIMPLE_FLAG, (index) => SIMPLE_EXPECTED.sub(index + 1, index + 1) === "T")).toEqual([]);
	});

	it("evaluates multivariate-flag (55 % rollout, 5 variants) like every PostHog SDK for 1000 ids", () => {
		const expectedAt = (index: number): FlagValue => {
			const digit = tonumber(MULTIVARIATE_EXPECTED.sub(index + 1, index + 1))!;
			return digit === 0 ? false : VARIANT_KEYS[digit - 1];
		};
		expect(mismatches(MULTIVARIATE_FLAG, expectedAt)).toEqual([]);
	});

	it("starts with the documented first six results", () => {
		expect(SIMPLE_EXPECTED.sub(1, 6)).toBe("FTTFTF");
		expect(MULTIVARIATE_EXPECTED.sub(1, 6)).toBe("221002");
	});
});
