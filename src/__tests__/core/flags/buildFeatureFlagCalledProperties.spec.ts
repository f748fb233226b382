import { describe, expect, it } from "@rbxts/jest-globals";
import {
	buildFeatureFlagCalledProperties,
	FeatureFlagCall,
	keepMinimalFlagCalledProperties,
} from "../../../core/flags/buildFeatureFlagCalledProperties";

const REMOTE_CALL: FeatureFlagCall = {
	flagKey: "beta",
	value: "blue",
	locallyEvaluated: false,
	payload: { theme: "dark" },
	requestId: "req-1",
	evaluatedAt: 1735689600000,
	reason: "Condition set 1 matched",
	version: 3,
	id: 7,
	hasExperiment: false,
};

describe("buildFeatureFlagCalledProperties", () => {
	it("describes a remote value fully", () => {
		expect(buildFeatureFlagCalledProperties(REMOTE_CALL)).toEqual({
			$feature_flag: "beta",
			$feature_flag_response: "blue",
			locally_evaluated: false,
			"$feature/beta": "blue",
			$feature_flag_payload: { theme: "dark" },
			$feature_flag_request_id: "req-1",
			$feature_flag_evaluated_at: 1735689600000,
			$feature_flag_reason: "Condition set 1 matched",
			$feature_flag_version: 3,
			$feature_flag_id: 7,
			$feature_flag_has_experiment: false,
		});
	});

	it("marks a local value and says it was evaluated locally", () => {
		const properties = buildFeatureFlagCalledProperties({
			flagKey: "beta",
			value: true,
			locallyEvaluated: true,
			id: 7,
			definitionsLoadedAt: 1735689000000,
		});
		expect(properties).toEqual({
			$feature_flag: "beta",
			$feature_flag_response: true,
			locally_evaluated: true,
			"$feature/beta": true,
			$feature_flag_reason: "Evaluated locally",
			$feature_flag_id: 7,
			$feature_flag_definitions_loaded_at: 1735689000000,
		});
	});

	it("reports a missing flag with its error and no response", () => {
		const properties = buildFeatureFlagCalledProperties({
			flagKey: "gone",
			value: undefined,
			locallyEvaluated: false,
			error: "flag_missing",
		});
		expect(properties).toEqual({
			$feature_flag: "gone",
			locally_evaluated: false,
			$feature_flag_error: "flag_missing",
		});
	});

	describe("minimal mode", () => {
		it("keeps only the allowlist when the server asks and the flag has no experiment", () => {
			const properties = buildFeatureFlagCalledProperties({ ...REMOTE_CALL, isMinimalModeRequested: true });
			expect(properties).toEqual({
				$feature_flag: "beta",
				$feature_flag_response: "blue",
				locally_evaluated: false,
				$feature_flag_request_id: "req-1",
				$feature_flag_evaluated_at: 1735689600000,
				$feature_flag_reason: "Condition set 1 matched",
				$feature_flag_version: 3,
				$feature_flag_id: 7,
				$feature_flag_has_experiment: false,
			});
		});

		it("sends everything for a flag with an experiment", () => {
			const properties = buildFeatureFlagCalledProperties({
				...REMOTE_CALL,
				hasExperiment: true,
				isMinimalModeRequested: true,
			});
			expect(properties["$feature/beta"]).toBe("blue");
		});

		it("sends everything when the flag's experiment status is unknown", () => {
			const properties = buildFeatureFlagCalledProperties({
				...REMOTE_CALL,
				hasExperiment: undefined,
				isMinimalModeRequested: true,
			});
			expect(properties.$feature_flag_payload).toEqual({ theme: "dark" });
		});

		it("filters merged context properties too", () => {
			expect(
				keepMinimalFlagCalledProperties({ $feature_flag: "beta", $lib: "posthog-roblox", $groups: {}, custom: 1 }),
			).toEqual({ $feature_flag: "beta", $lib: "posthog-roblox", $groups: {} });
		});
	});
});
