// The optional last argument of the flag reads (IsFeatureEnabled, GetFeatureFlag,
// GetFeatureFlagPayload): per-call inputs like posthog-python's get_feature_flag(groups=,
// person_properties=, group_properties=, only_evaluate_locally=, disable_geoip=). Types only;
// PostHogServer validates them and CallEvaluation uses them.

/**
 * Evaluate the flag now, for the subject's own inputs plus these, instead of reading the values
 * loaded for the subject. Nothing here is kept: the next read without options is unchanged.
 */
export interface FeatureFlagOptions {
	/** Group memberships for this evaluation, group type to group key; they win over the subject's own (Group). */
	groups?: Record<string, string>;
	/** Person properties for this evaluation; they win over the subject's own (SetPersonPropertiesForFlags, Identify). */
	personProperties?: Record<string, unknown>;
	/** Group properties for this evaluation, group type to properties; merged over the subject's own. */
	groupProperties?: Record<string, Record<string, unknown>>;
	/**
	 * Never ask PostHog: a flag the local definitions (featureFlagsSecureKey) cannot decide reads as
	 * not loaded, and the call never yields. @default false (the call YIELDS for one /flags request)
	 */
	onlyEvaluateLocally?: boolean;
	/** This evaluation's GeoIP setting for the /flags request. @default the Init option disableGeoip */
	disableGeoip?: boolean;
}
