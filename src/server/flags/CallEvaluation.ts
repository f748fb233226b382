// A read with FeatureFlagOptions: the flag evaluated now for the subject's inputs with the call's on
// top. Its answer belongs to this call's inputs, so nothing is stored.

import { evaluateFlagLocally } from "../../core/flags/evaluateFlagLocally";
import { KnownSubject, ServerRuntime } from "../ServerRuntime";
import { DefinitionsSync } from "./DefinitionsSync";
import { evaluationInputs } from "./evaluationInputs";
import { FeatureFlagOptions } from "./FeatureFlagOptions";
import { FlagRead, localRead, missingRead } from "./FlagRead";
import { FlagsRequester } from "./FlagsRequester";
import { SubjectFlagRecords } from "./SubjectFlagRecords";

/** `read` after an evaluation that got no answer (`errorCode`): the subject's loaded value, carrying the error. */
function withError(read: FlagRead, key: string, errorCode: string): FlagRead {
	if (read.kind === "notLoaded") return missingRead(key, false, errorCode);
	const previous = read.call.error;
	return { ...read, call: { ...read.call, error: previous === undefined ? errorCode : `${previous},${errorCode}` } };
}

export class CallEvaluation {
	/** `read` is the subject's value without options (FlagsService.read): the answer when none comes. */
	constructor(
		private readonly runtime: ServerRuntime,
		private readonly records: SubjectFlagRecords,
		private readonly definitions: DefinitionsSync,
		private readonly requester: FlagsRequester,
		private readonly read: (subject: KnownSubject, key: string) => FlagRead,
	) {}

	/**
	 * `key` for the subject with `options`: locally when the definitions decide it, else (unless
	 * onlyEvaluateLocally) by one /flags request for that key alone (`flag_keys_to_evaluate`), which
	 * YIELDS. When no answer comes (a failure, the budget), the subject's loaded value answers.
	 */
	evaluate(subject: KnownSubject, key: string, options: FeatureFlagOptions): FlagRead {
		const { runtime } = this;
		const distinctId = subject.distinctId;
		const inputs = evaluationInputs(runtime, this.records.get(distinctId), distinctId, options);
		const definitions = this.definitions.getDefinitions();
		const definition = definitions?.flagsByKey.get(key);
		if (definitions !== undefined && definition !== undefined) {
			const input = { ...inputs, distinctId, nowMillis: runtime.platform.clock.nowMillis() };
			const result = evaluateFlagLocally(definition, definitions, input);
			if (result.kind === "value") {
				return localRead(result, definitions, definition, this.definitions.getLoadedAtMillis());
			}
		}
		if (options.onlyEvaluateLocally === true) return { kind: "notLoaded" };
		if (runtime.states.get(distinctId)?.optedOut) {
			runtime.logger.debug("FLAGS_OPTED_OUT", { distinctId });
			return { kind: "notLoaded" };
		}
		const result = this.requester.send(distinctId, inputs, {
			flagKeys: [key],
			geoipDisable: options.disableGeoip ?? runtime.config.disableGeoip,
		});
		if (result === undefined) return this.read(subject, key);
		if (this.records.isStopped()) return { kind: "notLoaded" };
		if (result.kind === "error") {
			runtime.logger.throttled("warn", "FLAGS_REQUEST_FAILED", { distinctId, error: result.error });
			return withError(this.read(subject, key), key, result.error);
		}
		const response = result.response;
		const flag = response.flags.get(key);
		if (flag === undefined) {
			// Left out because the server failed it: not an answer.
			if (result.error !== undefined) return withError(this.read(subject, key), key, result.error);
			return missingRead(key, true, "flag_missing", response);
		}
		return {
			kind: "value",
			value: flag.value,
			payload: flag.payload,
			call: {
				flagKey: key,
				value: flag.value,
				locallyEvaluated: false,
				payload: flag.payload,
				requestId: response.requestId,
				evaluatedAt: response.evaluatedAt,
				reason: flag.reasonDescription,
				version: flag.version,
				id: flag.id,
				hasExperiment: flag.hasExperiment,
				error: result.error,
				isMinimalModeRequested: response.minimalFlagCalledEvents,
			},
		};
	}
}
