import { describe, expect, it } from "@rbxts/jest-globals";
import { FlagsResponse, parseFlagsResponse } from "../../../core/flags/parseFlagsResponse";
import { harnessJson } from "../../support/fakePlatform";

function parse(body: string): FlagsResponse {
	const result = parseFlagsResponse(body, harnessJson);
	assert(result.kind === "parsed", `the body parses: ${body}`);
	return result.response;
}

const V2_BODY = `{
	"flags": {
		"beta": {
			"key": "beta", "enabled": true, "variant": "blue",
			"reason": {"code": "condition_match", "condition_index": 0, "description": "Condition set 1 matched"},
			"metadata": {"id": 7, "version": 3, "payload": "{\\"theme\\":\\"dark\\"}", "has_experiment": true},
			"failed": false
		},
		"off": {"key": "off", "enabled": false, "variant": null, "metadata": {"id": 8, "version": 1}},
		"plain": {"key": "plain", "enabled": true, "metadata": {"payload": "not json"}},
		"broken": {"key": "broken", "enabled": false, "failed": true}
	},
	"errorsWhileComputingFlags": true,
	"requestId": "req-1",
	"evaluatedAt": 1735689600000,
	"minimalFlagCalledEvents": true
}`;

describe("parseFlagsResponse", () => {
	describe("the v2 shape", () => {
		it("reads value, variant, payload, id, version, reason and experiment", () => {
			expect(parse(V2_BODY).flags.get("beta")).toEqual({
				key: "beta",
				value: "blue",
				variant: "blue",
				payload: { theme: "dark" },
				id: 7,
				version: 3,
				reasonCode: "condition_match",
				reasonDescription: "Condition set 1 matched",
				conditionIndex: 0,
				hasExperiment: true,
			});
		});

		it("uses enabled as the value when there is no variant", () => {
			expect(parse(V2_BODY).flags.get("off")).toMatchObject({ value: false, id: 8 });
			expect(parse(V2_BODY).flags.get("plain")?.value).toBe(true);
		});

		it("keeps a payload that is not JSON as a string", () => {
			expect(parse(V2_BODY).flags.get("plain")?.payload).toBe("not json");
		});

		it("lists failed flags apart, without a value", () => {
			const response = parse(V2_BODY);
			expect(response.failedKeys).toEqual(["broken"]);
			expect(response.flags.has("broken")).toBe(false);
		});

		it("reads the request id, evaluation time, error flag and minimal-events gate", () => {
			expect(parse(V2_BODY)).toMatchObject({
				requestId: "req-1",
				evaluatedAt: 1735689600000,
				errorsWhileComputingFlags: true,
				isQuotaLimited: false,
				minimalFlagCalledEvents: true,
			});
		});
	});

	describe("the legacy shape", () => {
		const LEGACY_BODY = `{
			"featureFlags": {"beta": true, "off": false, "mv": "control"},
			"featureFlagPayloads": {"beta": "[1, 2]", "mv": "\\"text\\""},
			"errorsWhileComputingFlags": false
		}`;

		it("reads booleans and variants", () => {
			const flags = parse(LEGACY_BODY).flags;
			expect(flags.get("beta")?.value).toBe(true);
			expect(flags.get("off")?.value).toBe(false);
			expect(flags.get("mv")).toMatchObject({ value: "control", variant: "control" });
		});

		it("decodes payloads", () => {
			const flags = parse(LEGACY_BODY).flags;
			expect(flags.get("beta")?.payload).toEqual([1, 2]);
			expect(flags.get("mv")?.payload).toBe("text");
		});
	});

	describe("quota limits", () => {
		it("is quota limited when quotaLimited names feature_flags", () => {
			expect(parse('{"flags": {}, "quotaLimited": ["feature_flags"]}').isQuotaLimited).toBe(true);
		});

		it("accepts a quota-limited answer without flags", () => {
			expect(parse('{"quotaLimited": ["feature_flags"]}').isQuotaLimited).toBe(true);
		});

		it("ignores quota limits on other products", () => {
			expect(parse('{"flags": {}, "quotaLimited": ["recordings"]}').isQuotaLimited).toBe(false);
		});
	});

	describe("invalid bodies", () => {
		const bodies: Array<[string, string]> = [
			["not JSON", "<html>"],
			["not an object", '"text"'],
			["without flags", '{"requestId": "x"}'],
		];
		for (const [description, body] of bodies) {
			it(`rejects a body ${description}`, () => {
				expect(parseFlagsResponse(body, harnessJson).kind).toBe("invalid");
			});
		}
	});
});
