// The flag-specific properties of a `$feature_flag_called` event (posthog-python
// _capture_feature_flag_called; posthog-protocol §10), and the minimal-mode allowlist the server can
// switch on. Context properties ($lib, $groups, ...) are added by the event builder. Pure.

import { FlagValue } from "./FlagDefinition";

export interface FeatureFlagCall {
	flagKey: string;
	/** undefined when the flag is missing: `$feature_flag_response` is then left out (Luau has no null). */
	value: FlagValue | undefined;
	/** The value came from local evaluation, not from /flags. */
	locallyEvaluated: boolean;
	/** The decoded payload for the value. */
	payload?: unknown;
	/** /flags `requestId`. */
	requestId?: string;
	/** /flags `evaluatedAt`, unix milliseconds. */
	evaluatedAt?: number;
	/** The reason's description ("Matched condition set 1"); "Evaluated locally" by default for local values. */
	reason?: string;
	version?: number;
	id?: number;
	/** `$feature_flag_error` codes, several joined with commas. */
	error?: string;
	hasExperiment?: boolean;
	/** For local values: unix milliseconds when the definitions were loaded. */
	definitionsLoadedAt?: number;
	/** The server asked for minimal events (`minimalFlagCalledEvents` / `minimal_flag_called_events`). */
	isMinimalModeRequested?: boolean;
}

export const LOCALLY_EVALUATED_REASON = "Evaluated locally";

/**
 * What a minimal `$feature_flag_called` event may carry: the flag's identity and result, and the
 * context that attributes it. OS identity here is the SDK's `$os`, `$os_version`, `$device_type`.
 */
export const MINIMAL_FLAG_CALLED_PROPERTIES: ReadonlySet<string> = new Set([
	"$feature_flag",
	"$feature_flag_response",
	"$feature_flag_has_experiment",
	"$feature_flag_id",
	"$feature_flag_version",
	"$feature_flag_reason",
	"$feature_flag_request_id",
	"$feature_flag_evaluated_at",
	"$feature_flag_error",
	"locally_evaluated",
	"$groups",
	"$process_person_profile",
	"$session_id",
	"$lib",
	"$lib_version",
	"$is_server",
	"$geoip_disable",
	"$os",
	"$os_version",
	"$device_type",
]);

/** Minimal mode applies when the server requested it and the flag is known not to run an experiment. */
export function isMinimalFlagCalledEvent(call: FeatureFlagCall): boolean {
	return call.isMinimalModeRequested === true && call.hasExperiment === false;
}

/** `properties` without the keys a minimal event may not carry (apply after context is merged). */
export function keepMinimalFlagCalledProperties(
	properties: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
	const kept: Record<string, unknown> = {};
	for (const [key, value] of pairs(properties)) {
		if (MINIMAL_FLAG_CALLED_PROPERTIES.has(key)) kept[key] = value;
	}
	return kept;
}

export function buildFeatureFlagCalledProperties(call: FeatureFlagCall): Record<string, unknown> {
	const properties: Record<string, unknown> = {
		$feature_flag: call.flagKey,
		$feature_flag_response: call.value,
		locally_evaluated: call.locallyEvaluated,
		[`$feature/${call.flagKey}`]: call.value,
		$feature_flag_payload: call.payload,
		$feature_flag_request_id: call.requestId,
		$feature_flag_evaluated_at: call.evaluatedAt,
		$feature_flag_reason: call.reason ?? (call.locallyEvaluated ? LOCALLY_EVALUATED_REASON : undefined),
		$feature_flag_version: call.version,
		$feature_flag_id: call.id,
		$feature_flag_error: call.error,
		$feature_flag_has_experiment: call.hasExperiment,
		$feature_flag_definitions_loaded_at: call.locallyEvaluated ? call.definitionsLoadedAt : undefined,
	};
	return isMinimalFlagCalledEvent(call) ? keepMinimalFlagCalledProperties(properties) : properties;
}
