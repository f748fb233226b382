// Local evaluation of one flag for a subject's current inputs (FlagsService reads, FlagLoader loads).
// A subject with a record reuses its results (and its flag dependencies') until an input or the
// definitions change.

import { evaluateFlagLocally, LocalFlagResult } from "../../core/flags/evaluateFlagLocally";
import { FlagDefinition, FlagDefinitions } from "../../core/flags/FlagDefinition";
import { ServerRuntime } from "../ServerRuntime";
import { evaluationInputs } from "./evaluationInputs";
import { SubjectFlagRecords } from "./SubjectFlagRecords";

/** Local results are reused this long at most, so relative date filters ("-7d") stay current. */
const LOCAL_RESULTS_MAX_AGE_SECONDS = 60;

export class LocalEvaluator {
	constructor(
		private readonly runtime: ServerRuntime,
		private readonly records: SubjectFlagRecords,
	) {}

	evaluate(distinctId: string, definitions: FlagDefinitions, flag: FlagDefinition): LocalFlagResult {
		const record = this.records.get(distinctId);
		const state = this.runtime.states.get(distinctId);
		const now = this.runtime.platform.clock.monotonicSeconds();
		const inputsVersion = record?.inputsVersion ?? 0;
		let reused = record?.localResults;
		const isCurrent =
			reused !== undefined &&
			reused.definitions === definitions &&
			reused.inputsVersion === inputsVersion &&
			reused.os === state?.os &&
			reused.deviceType === state?.deviceType &&
			now - reused.createdAt <= LOCAL_RESULTS_MAX_AGE_SECONDS;
		if (reused === undefined || !isCurrent) {
			reused = {
				definitions,
				inputsVersion,
				os: state?.os,
				deviceType: state?.deviceType,
				createdAt: now,
				input: {
					...evaluationInputs(this.runtime, record, distinctId),
					distinctId,
					nowMillis: this.runtime.platform.clock.nowMillis(),
				},
				results: new Map(),
			};
			if (record !== undefined) record.localResults = reused;
		}
		const known = reused.results.get(flag.key);
		if (known !== undefined && known !== "evaluating") return known;
		return evaluateFlagLocally(flag, definitions, reused.input, reused.results);
	}
}
