import { describe, expect, it } from "@rbxts/jest-globals";
import { FlagDefinitions } from "../../../core/flags/FlagDefinition";
import { parseFlagDefinitions } from "../../../core/flags/parseFlagDefinitions";
import { harnessJson } from "../../support/fakePlatform";

function parse(body: unknown): FlagDefinitions {
	const result = parseFlagDefinitions(body, harnessJson);
	assert(result.kind === "parsed", "the definitions parse");
	return result.definitions;
}

const BODY = {
	flags: [
		{
			id: 7,
			key: "beta",
			active: true,
			has_experiment: true,
			bucketing_identifier: "device_id",
			filters: {
				groups: [
					{
						properties: [{ key: "plan", operator: "icontains", value: "pro", type: "person" }],
						rollout_percentage: 12.5,
						variant: "a",
					},
					{ properties: [{ key: "id", type: "cohort", value: 3, operator: "not_in", negation: true }] },
				],
				multivariate: { variants: [{ key: "a", rollout_percentage: 100 }] },
				payloads: { a: '{"x":1}' },
				aggregation_group_type_index: 0,
				early_exit: true,
			},
		},
		{ key: "no-active-field", filters: {} },
		{ id: 9, filters: {} },
	],
	group_type_mapping: { "0": "company" },
	cohorts: {
		"3": { type: "OR", values: [{ type: "AND", values: [{ key: "level", operator: "gt", value: 5 }] }] },
	},
	minimal_flag_called_events: true,
};

describe("parseFlagDefinitions", () => {
	it("reads a flag, its conditions, variants and decoded payloads", () => {
		const beta = parse(BODY).flagsByKey.get("beta")!;
		expect(beta).toEqual({
			key: "beta",
			id: 7,
			active: true,
			ensureExperienceContinuity: false,
			bucketingIdentifier: "device_id",
			hasExperiment: true,
			aggregationGroupTypeIndex: 0,
			conditions: [
				{
					properties: [{ key: "plan", type: "person", operator: "icontains", value: "pro", negation: false }],
					rolloutPercentage: 12.5,
					variant: "a",
				},
				{ properties: [{ key: "id", type: "cohort", operator: "not_in", value: 3, negation: true }] },
			],
			variants: [{ key: "a", rolloutPercentage: 100 }],
			payloads: new Map([["a", { x: 1 }]]),
			earlyExit: true,
		});
	});

	it("keeps definition order and skips entries without a key", () => {
		expect(parse(BODY).flags.map((flag) => flag.key)).toEqual(["beta", "no-active-field"]);
	});

	it("treats a flag without an active field as inactive", () => {
		expect(parse(BODY).flagsByKey.get("no-active-field")?.active).toBe(false);
	});

	it("reads group types, nested cohorts and the minimal-events gate", () => {
		const definitions = parse(BODY);
		expect(definitions.groupTypeMapping.get("0")).toBe("company");
		expect(definitions.cohorts.get("3")).toEqual({
			kind: "groups",
			type: "OR",
			groups: [
				{
					kind: "properties",
					type: "AND",
					properties: [{ key: "level", operator: "gt", value: 5, negation: false }],
				},
			],
		});
		expect(definitions.minimalFlagCalledEvents).toBe(true);
	});

	const malformed: Array<[string, object, string]> = [
		[
			"a rollout that is not a number",
			{ groups: [{ rollout_percentage: "50" }] },
			"rollout_percentage is not a number",
		],
		["conditions that are not a list", { groups: 5 }, "filters.groups is not a list"],
		["a variant without a key", { multivariate: { variants: [{ rollout_percentage: 50 }] } }, "a variant lacks a key"],
		["a property without a key", { groups: [{ properties: [{ value: 1 }] }] }, "a property filter has no key"],
	];
	for (const [description, filters, reason] of malformed) {
		it(`marks a flag with ${description} malformed and keeps the others`, () => {
			const definitions = parse({
				flags: [
					{ key: "bad", active: true, filters },
					{ key: "good", active: true },
				],
			});
			const bad = definitions.flagsByKey.get("bad")!;
			expect(bad.malformed !== undefined && bad.malformed.find(reason, 1, true)[0] !== undefined).toBe(true);
			expect(definitions.flagsByKey.get("good")?.malformed).toBe(undefined);
		});
	}

	it("marks a malformed cohort", () => {
		const definitions = parse({ flags: [], cohorts: { "4": { type: "AND", values: 1 } } });
		expect(definitions.cohorts.get("4")?.kind).toBe("malformed");
	});

	const invalid: Array<[string, unknown]> = [
		["a body that is not an object", "text"],
		["a body without flags", { cohorts: {} }],
	];
	for (const [description, body] of invalid) {
		it(`rejects ${description}`, () => {
			expect(parseFlagDefinitions(body, harnessJson).kind).toBe("invalid");
		});
	}
});
