// What a flag read found for a subject, with what `$feature_flag_called` reports about it.

import { FeatureFlagCall } from "../../core/flags/buildFeatureFlagCalledProperties";
import { LocalFlagResult } from "../../core/flags/evaluateFlagLocally";
import { FlagDefinition, FlagDefinitions, FlagValue } from "../../core/flags/FlagDefinition";
import { PlayerFlags } from "../../core/flags/PlayerFlagCache";

export type FlagRead =
	| { kind: "value"; value: FlagValue; payload?: unknown; call: FeatureFlagCall }
	/** No value; `isLoaded`: a load succeeded, so the flag does not exist for this subject. */
	| { kind: "missing"; isLoaded: boolean; call: FeatureFlagCall }
	/** Nothing was ever loaded or evaluated for the subject. */
	| { kind: "notLoaded" };

/** No value for `key`; `answer` is the /flags answer it is missing from, if any. */
export function missingRead(
	key: string,
	isLoaded: boolean,
	errorCode: string | undefined,
	answer?: { readonly requestId?: string; readonly evaluatedAt?: number },
): FlagRead {
	return {
		kind: "missing",
		isLoaded,
		call: {
			flagKey: key,
			value: undefined,
			locallyEvaluated: false,
			requestId: answer?.requestId,
			evaluatedAt: answer?.evaluatedAt,
			error: errorCode,
		},
	};
}

/** A read from a local evaluation's value; `definitionsLoadedAt` is when `definitions` arrived. */
export function localRead(
	result: Extract<LocalFlagResult, { kind: "value" }>,
	definitions: FlagDefinitions,
	definition: FlagDefinition,
	definitionsLoadedAt: number | undefined,
): FlagRead {
	return {
		kind: "value",
		value: result.value,
		payload: result.payload,
		call: {
			flagKey: definition.key,
			value: result.value,
			locallyEvaluated: true,
			payload: result.payload,
			id: definition.id,
			hasExperiment: definition.hasExperiment,
			definitionsLoadedAt,
			isMinimalModeRequested: definitions.minimalFlagCalledEvents,
		},
	};
}

/** A read of `key` from the subject's last load; `definitions` are those held, if any. */
export function loadedRead(
	loaded: Readonly<PlayerFlags> | undefined,
	key: string,
	definitions: FlagDefinitions | undefined,
): FlagRead {
	if (loaded === undefined) return { kind: "notLoaded" };
	const cached = loaded.flags.get(key);
	if (cached !== undefined) {
		const isRemote = !cached.locallyEvaluated;
		return {
			kind: "value",
			value: cached.value,
			payload: cached.payload,
			call: {
				flagKey: key,
				value: cached.value,
				locallyEvaluated: cached.locallyEvaluated,
				payload: cached.payload,
				requestId: isRemote ? loaded.requestId : undefined,
				evaluatedAt: isRemote ? loaded.evaluatedAt : undefined,
				reason: cached.reason,
				version: cached.version,
				id: cached.id,
				hasExperiment: cached.hasExperiment,
				error: loaded.lastError,
				isMinimalModeRequested: isRemote ? loaded.minimalFlagCalledEvents : definitions?.minimalFlagCalledEvents,
			},
		};
	}
	const isLoaded = loaded.loadedAtMillis !== undefined;
	const errors = new Array<string>();
	if (loaded.lastError !== undefined) errors.push(loaded.lastError);
	if (isLoaded) errors.push("flag_missing");
	return missingRead(key, isLoaded, errors.size() > 0 ? errors.join(",") : undefined, loaded);
}
