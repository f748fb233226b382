// Each branch of the local evaluation algorithm (posthog-protocol §12). Bucketing outcomes were
// chosen with Python's `_hash`: e.g. hash("beta", "user_0") <= 0.5 < hash("beta", "user_2").

import { describe, expect, it } from "@rbxts/jest-globals";
import {
	evaluateFlagLocally,
	evaluateFlagsLocally,
	LocalEvaluationInput,
	LocalFlagResult,
} from "../../../core/flags/evaluateFlagLocally";
import { FlagDefinitions } from "../../../core/flags/FlagDefinition";
import { parseFlagDefinitions } from "../../../core/flags/parseFlagDefinitions";
import { harnessJson } from "../../support/fakePlatform";

const NOW = 1767323045678;

function definitionsOf(body: object): FlagDefinitions {
	const parsed = parseFlagDefinitions(body, harnessJson);
	assert(parsed.kind === "parsed", "the definitions parse");
	return parsed.definitions;
}

/** The value, or "inconclusive" / "requiresServer". */
function evaluate(definitions: FlagDefinitions, key: string, input: Partial<LocalEvaluationInput> = {}) {
	const result = evaluateFlagLocally(definitions.flagsByKey.get(key)!, definitions, {
		distinctId: "user_0",
		nowMillis: NOW,
		...input,
	});
	return result.kind === "value" ? result.value : result.kind;
}

function evaluateFully(definitions: FlagDefinitions, key: string, input: Partial<LocalEvaluationInput> = {}) {
	return evaluateFlagLocally(definitions.flagsByKey.get(key)!, definitions, {
		distinctId: "user_0",
		nowMillis: NOW,
		...input,
	});
}

function flag(key: string, filters: object, extra: object = {}) {
	return { id: 1, key, active: true, filters, ...extra };
}

function exact(key: string, value: unknown) {
	return { key, operator: "exact", value, type: "person" };
}

const MISSING = { key: "not_supplied", operator: "exact", value: "x", type: "person" };

describe("evaluateFlagLocally", () => {
	describe("flag state", () => {
		it("is inconclusive when experience continuity is on", () => {
			const definitions = definitionsOf({
				flags: [flag("beta", { groups: [{ properties: [] }] }, { ensure_experience_continuity: true })],
			});
			expect(evaluate(definitions, "beta")).toBe("inconclusive");
		});

		it("is false for an inactive flag", () => {
			const definitions = definitionsOf({ flags: [flag("beta", { groups: [{ properties: [] }] }, { active: false })] });
			expect(evaluate(definitions, "beta")).toBe(false);
		});

		it("is false for an inactive flag even when the rest of its definition is malformed", () => {
			const definitions = definitionsOf({ flags: [flag("old", { groups: "not a list" }, { active: false })] });
			expect(evaluate(definitions, "old")).toBe(false);
		});

		it("asks the server for a malformed definition", () => {
			const definitions = definitionsOf({ flags: [flag("bad", { groups: "not a list" })] });
			expect(evaluateFully(definitions, "bad")).toEqual({
				kind: "requiresServer",
				reason: "malformed definition: filters.groups is not a list",
			});
		});
	});

	describe("rollout", () => {
		const definitions = definitionsOf({
			flags: [
				flag("beta", { groups: [{ properties: [], rollout_percentage: 50 }] }),
				flag("float-flag", { groups: [{ properties: [], rollout_percentage: 45.5 }] }),
				flag("everyone", { groups: [{ properties: [], rollout_percentage: undefined }] }),
			],
		});

		it("includes ids hashed at or below the percentage", () => {
			expect(evaluate(definitions, "beta", { distinctId: "user_0" })).toBe(true);
			expect(evaluate(definitions, "beta", { distinctId: "user_2" })).toBe(false);
		});

		it("keeps a fractional percentage (hash 0.4526 is in at 45.5 %)", () => {
			expect(evaluate(definitions, "float-flag", { distinctId: "user_50" })).toBe(true);
			expect(evaluate(definitions, "float-flag", { distinctId: "user_148" })).toBe(false);
			const truncated = definitionsOf({
				flags: [flag("float-flag", { groups: [{ properties: [], rollout_percentage: 45 }] })],
			});
			expect(evaluate(truncated, "float-flag", { distinctId: "user_50" })).toBe(false);
		});

		it("rolls out to everyone when the percentage is absent", () => {
			expect(evaluate(definitions, "everyone", { distinctId: "user_2" })).toBe(true);
		});
	});

	describe("conditions", () => {
		const definitions = definitionsOf({
			flags: [
				flag("plans", {
					groups: [{ properties: [exact("plan", "pro")] }, { properties: [exact("plan", "enterprise")] }],
				}),
				flag("unknowable", { groups: [{ properties: [MISSING] }, { properties: [exact("plan", "pro")] }] }),
				flag("retry-next", {
					groups: [{ properties: [exact("plan", "pro")], rollout_percentage: 50 }, { properties: [] }],
				}),
				flag("early", {
					groups: [{ properties: [exact("plan", "pro")], rollout_percentage: 50 }, { properties: [] }],
					early_exit: true,
				}),
				flag("by-id", { groups: [{ properties: [exact("distinct_id", "user_7")] }] }),
				flag("missing-first", { groups: [{ properties: [MISSING, exact("plan", "pro")] }] }),
				flag("false-first", { groups: [{ properties: [exact("plan", "pro"), MISSING] }] }),
			],
		});

		it("matches when every property of a condition matches", () => {
			expect(evaluate(definitions, "plans", { personProperties: { plan: "Enterprise" } })).toBe(true);
		});

		it("is false when no condition matches and none was undecided", () => {
			expect(evaluate(definitions, "plans", { personProperties: { plan: "free" } })).toBe(false);
		});

		it("is inconclusive when no condition matches and one was undecided", () => {
			expect(evaluate(definitions, "unknowable", { personProperties: { plan: "free" } })).toBe("inconclusive");
		});

		it("returns a later match when the undecided condition could only give the same value", () => {
			expect(evaluate(definitions, "unknowable", { personProperties: { plan: "pro" } })).toBe(true);
		});

		it("moves on to the next condition when the rollout excludes the subject", () => {
			expect(evaluate(definitions, "retry-next", { distinctId: "user_2", personProperties: { plan: "pro" } })).toBe(
				true,
			);
		});

		it("stops with false on early_exit when the properties match but the rollout excludes", () => {
			expect(evaluate(definitions, "early", { distinctId: "user_2", personProperties: { plan: "pro" } })).toBe(false);
			expect(evaluate(definitions, "early", { distinctId: "user_2", personProperties: { plan: "free" } })).toBe(true);
		});

		it("adds distinct_id to the person properties", () => {
			expect(evaluate(definitions, "by-id", { distinctId: "user_7" })).toBe(true);
			expect(evaluate(definitions, "by-id", { distinctId: "user_8" })).toBe(false);
		});

		it("reads a condition's properties in order: the first undecided or false one decides", () => {
			expect(evaluate(definitions, "missing-first", { personProperties: { plan: "free" } })).toBe("inconclusive");
			expect(evaluate(definitions, "false-first", { personProperties: { plan: "free" } })).toBe(false);
		});

		it("reports the index of the condition that matched", () => {
			const result = evaluateFully(definitions, "plans", { personProperties: { plan: "enterprise" } });
			expect(result).toMatchObject({ kind: "value", value: true, conditionIndex: 1 });
		});
	});

	describe("variants", () => {
		const multivariate = {
			variants: [
				{ key: "a", rollout_percentage: 50 },
				{ key: "b", rollout_percentage: 50 },
			],
		};
		const definitions = definitionsOf({
			flags: [
				flag("mv", { groups: [{ properties: [] }], multivariate }),
				flag("order", {
					groups: [
						{ properties: [exact("plan", "pro")], variant: "b" },
						{ properties: [], variant: "a" },
					],
					multivariate,
				}),
				flag("bad-override", { groups: [{ properties: [], variant: "zzz" }], multivariate }),
				flag("undecided-other-variant", {
					groups: [
						{ properties: [MISSING], variant: "b" },
						{ properties: [], variant: "a" },
					],
					multivariate,
				}),
				flag("undecided-same-variant", {
					groups: [
						{ properties: [MISSING], variant: "a" },
						{ properties: [], variant: "a" },
					],
					multivariate,
				}),
				flag("partial", {
					groups: [{ properties: [] }],
					multivariate: { variants: [{ key: "a", rollout_percentage: 10 }] },
				}),
			],
		});

		it("picks the variant by the variant-salted hash", () => {
			expect(evaluate(definitions, "mv", { distinctId: "user_0" })).toBe("a"); // hash 0.493
			expect(evaluate(definitions, "mv", { distinctId: "user_1" })).toBe("b"); // hash 0.760
		});

		it("uses the first matching condition's override", () => {
			expect(evaluate(definitions, "order", { personProperties: { plan: "pro" } })).toBe("b");
			expect(evaluate(definitions, "order", { personProperties: { plan: "free" } })).toBe("a");
		});

		it("ignores an override that names no variant", () => {
			expect(evaluate(definitions, "bad-override", { distinctId: "user_1" })).toBe("b");
		});

		it("is inconclusive when an undecided earlier condition would force another variant", () => {
			expect(evaluate(definitions, "undecided-other-variant")).toBe("inconclusive");
			expect(evaluate(definitions, "undecided-same-variant")).toBe("a");
		});

		it("is true when the hash falls past every variant's range", () => {
			expect(evaluate(definitions, "partial", { distinctId: "user_0" })).toBe(true);
		});
	});

	describe("payloads", () => {
		const definitions = definitionsOf({
			flags: [
				flag("boolean", {
					groups: [{ properties: [exact("plan", "pro")] }],
					payloads: { true: '{"color":"blue"}' },
				}),
				flag("mv", {
					groups: [{ properties: [] }],
					multivariate: {
						variants: [
							{ key: "a", rollout_percentage: 50 },
							{ key: "b", rollout_percentage: 50 },
						],
					},
					payloads: { a: '"A"', b: "not json" },
				}),
			],
		});

		it("decodes the payload of true", () => {
			const result = evaluateFully(definitions, "boolean", { personProperties: { plan: "pro" } });
			expect(result).toEqual({ kind: "value", value: true, payload: { color: "blue" }, conditionIndex: 0 });
		});

		it("has no payload for false", () => {
			const result = evaluateFully(definitions, "boolean", { personProperties: { plan: "free" } });
			expect(result).toEqual({ kind: "value", value: false });
		});

		it("looks up a variant's payload; a payload that is not JSON stays a string", () => {
			expect(evaluateFully(definitions, "mv", { distinctId: "user_0" })).toMatchObject({ value: "a", payload: "A" });
			expect(evaluateFully(definitions, "mv", { distinctId: "user_1" })).toMatchObject({
				value: "b",
				payload: "not json",
			});
		});
	});

	describe("bucketing", () => {
		const definitions = definitionsOf({
			flags: [
				flag(
					"device-flag",
					{ groups: [{ properties: [], rollout_percentage: 4.5 }] },
					{ bucketing_identifier: "device_id" },
				),
			],
		});

		it("buckets by device id when the flag asks for it", () => {
			// hash("device-flag", "dev_1") = 0.044 is in; hash("device-flag", "user_0") = 0.047 is out.
			expect(evaluate(definitions, "device-flag", { distinctId: "user_0", deviceId: "dev_1" })).toBe(true);
		});

		it("is inconclusive without a device id", () => {
			expect(evaluate(definitions, "device-flag", { distinctId: "user_0" })).toBe("inconclusive");
		});
	});

	describe("group flags", () => {
		const definitions = definitionsOf({
			flags: [
				flag("group-flag", { aggregation_group_type_index: 0, groups: [{ properties: [], rollout_percentage: 10 }] }),
				flag("big-companies", {
					aggregation_group_type_index: 0,
					groups: [{ properties: [{ key: "size", operator: "gt", value: 100, type: "group", group_type_index: 0 }] }],
				}),
				flag("acme-only", {
					aggregation_group_type_index: 0,
					groups: [{ properties: [{ key: "$group_key", operator: "exact", value: "acme", type: "group" }] }],
				}),
				flag("unmapped", { aggregation_group_type_index: 5, groups: [{ properties: [] }] }),
			],
			group_type_mapping: { "0": "company", "1": "guild" },
		});

		it("buckets by the group key", () => {
			// hash("group-flag", "acme") = 0.063, hash("group-flag", "globex") = 0.308
			expect(evaluate(definitions, "group-flag", { groups: { company: "acme" } })).toBe(true);
			expect(evaluate(definitions, "group-flag", { groups: { company: "globex" } })).toBe(false);
		});

		it("is false when the subject is not in a group of that type", () => {
			expect(evaluate(definitions, "group-flag", { groups: { guild: "acme" } })).toBe(false);
		});

		it("matches against the group's properties", () => {
			const input = { groups: { company: "acme" }, groupProperties: { company: { size: 500 } } };
			expect(evaluate(definitions, "big-companies", input)).toBe(true);
		});

		it("is inconclusive when the group's properties were not supplied", () => {
			expect(evaluate(definitions, "big-companies", { groups: { company: "acme" } })).toBe("inconclusive");
		});

		it("adds $group_key to the group's properties", () => {
			expect(evaluate(definitions, "acme-only", { groups: { company: "acme" } })).toBe(true);
			expect(evaluate(definitions, "acme-only", { groups: { company: "globex" } })).toBe(false);
		});

		it("is inconclusive for a group type index missing from the mapping", () => {
			expect(evaluate(definitions, "unmapped", { groups: { company: "acme" } })).toBe("inconclusive");
		});
	});

	describe("cohorts", () => {
		const cohortFlag = (key: string, cohortId: number, operator = "in") =>
			flag(key, { groups: [{ properties: [{ key: "id", type: "cohort", value: cohortId, operator }] }] });
		const definitions = definitionsOf({
			flags: [
				cohortFlag("in-cohort", 1),
				cohortFlag("not-in-cohort", 1, "not_in"),
				cohortFlag("static-cohort", 99),
				cohortFlag("broken-cohort", 2),
				cohortFlag("empty-cohort", 3),
			],
			cohorts: {
				// (plan = pro AND NOT country = US) OR level > 10
				"1": {
					type: "OR",
					values: [
						{
							type: "AND",
							values: [exact("plan", "pro"), { ...exact("country", "US"), negation: true }],
						},
						{ type: "OR", values: [{ key: "level", operator: "gt", value: "10", type: "person" }] },
					],
				},
				"2": { type: "AND", values: "not a list" },
				"3": { type: "OR", values: [] },
			},
		});

		const cases: Array<[string, Record<string, unknown>, boolean | string]> = [
			["matches the AND branch, with a negated property", { plan: "pro", country: "FR", level: 1 }, true],
			["fails the negated property", { plan: "pro", country: "US", level: 1 }, false],
			["matches the OR branch", { plan: "free", country: "FR", level: 20 }, true],
			["settles on a match despite an unknown property", { plan: "pro", country: "FR" }, true],
			["is inconclusive when only an unknown property could match", { plan: "free", country: "FR" }, "inconclusive"],
		];
		for (const [description, personProperties, expected] of cases) {
			it(description, () => {
				expect(evaluate(definitions, "in-cohort", { personProperties })).toBe(expected);
			});
		}

		it("inverts the cohort for not_in", () => {
			expect(
				evaluate(definitions, "not-in-cohort", { personProperties: { plan: "pro", country: "US", level: 1 } }),
			).toBe(true);
		});

		it("asks the server for a cohort missing from the definitions", () => {
			expect(evaluate(definitions, "static-cohort")).toBe("requiresServer");
		});

		it("matches everyone in a cohort without conditions", () => {
			expect(evaluate(definitions, "empty-cohort")).toBe(true);
		});

		it("asks the server for a malformed cohort", () => {
			expect(evaluate(definitions, "broken-cohort")).toBe("requiresServer");
		});
	});

	describe("flag dependencies", () => {
		const dependsOn = (key: string, target: string, value: unknown, chain?: Array<string>) =>
			flag(key, {
				groups: [
					{
						properties: [{ key: target, type: "flag", operator: "flag_evaluates_to", value, dependency_chain: chain }],
					},
				],
			});
		const definitions = definitionsOf({
			flags: [
				flag("dep-base", { groups: [{ properties: [], rollout_percentage: 50 }] }),
				flag("mv", {
					groups: [{ properties: [] }],
					multivariate: {
						variants: [
							{ key: "a", rollout_percentage: 50 },
							{ key: "b", rollout_percentage: 50 },
						],
					},
				}),
				flag("needs-property", { groups: [{ properties: [MISSING] }] }),
				dependsOn("on-true", "dep-base", true, ["dep-base"]),
				dependsOn("on-false", "dep-base", false, ["dep-base"]),
				dependsOn("on-variant-a", "mv", "a", ["mv"]),
				dependsOn("on-any-variant", "mv", true, ["mv"]),
				dependsOn("cycle", "cycle", true, []),
				dependsOn("on-missing", "nope", true, ["nope"]),
				dependsOn("no-chain", "dep-base", true),
				dependsOn("on-undecided", "needs-property", true, ["needs-property"]),
			],
		});

		it("matches when the dependency evaluates to true", () => {
			// hash("dep-base", "user_3") <= 0.5 < hash("dep-base", "user_0")
			expect(evaluate(definitions, "on-true", { distinctId: "user_3" })).toBe(true);
			expect(evaluate(definitions, "on-true", { distinctId: "user_0" })).toBe(false);
		});

		it("matches when the dependency evaluates to false and false is expected", () => {
			expect(evaluate(definitions, "on-false", { distinctId: "user_0" })).toBe(true);
		});

		it("matches a variant only by its key, and any variant for true", () => {
			expect(evaluate(definitions, "on-variant-a", { distinctId: "user_0" })).toBe(true);
			expect(evaluate(definitions, "on-variant-a", { distinctId: "user_1" })).toBe(false);
			expect(evaluate(definitions, "on-any-variant", { distinctId: "user_1" })).toBe(true);
		});

		const undecidedCases: Array<[string, string]> = [
			["an empty chain (a cycle)", "cycle"],
			["a dependency missing from the definitions", "on-missing"],
			["a dependency without a chain", "no-chain"],
			["an undecided dependency", "on-undecided"],
		];
		for (const [description, key] of undecidedCases) {
			it(`is inconclusive for ${description}`, () => {
				expect(evaluate(definitions, key)).toBe("inconclusive");
			});
		}
	});
});

describe("evaluateFlagsLocally", () => {
	const definitions = definitionsOf({
		flags: [
			flag("beta", { groups: [{ properties: [], rollout_percentage: 50 }] }),
			flag("needs-plan", { groups: [{ properties: [exact("plan", "pro")] }] }),
		],
	});

	it("evaluates every flag for one input", () => {
		const results = evaluateFlagsLocally(definitions, { distinctId: "user_0", nowMillis: NOW });
		const values = new Map<string, unknown>();
		for (const [key, result] of results) values.set(key, result.kind === "value" ? result.value : result.kind);
		expect(values).toEqual(
			new Map<string, unknown>([
				["beta", true],
				["needs-plan", "inconclusive"],
			]),
		);
	});

	it("evaluates only the requested keys that have definitions", () => {
		const results = evaluateFlagsLocally(definitions, { distinctId: "user_0", nowMillis: NOW }, ["beta", "unknown"]);
		const keys = new Array<string>();
		for (const [key] of results) keys.push(key);
		expect(keys).toEqual(["beta"]);
	});

	it("returns named outcomes, never errors", () => {
		const result: LocalFlagResult = evaluateFlagLocally(definitions.flags[0], definitions, {
			distinctId: "user_0",
			nowMillis: NOW,
		});
		expect(result.kind).toBe("value");
	});
});
