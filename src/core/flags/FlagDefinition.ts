// The shapes local evaluation works on: flag definitions, conditions, properties and cohorts as
// parseFlagDefinitions builds them from /flags/definitions (wire names are read there only).
// Types only.

/** A flag's value: false, true, or the key of the variant the subject gets. */
export type FlagValue = boolean | string;

/** Person or group properties by name, as the caller supplied them. */
export type PropertyValues = Readonly<Record<string, unknown>>;

export type PropertyGroupType = "AND" | "OR";

/** One filter: `<properties[key]> <operator> <value>`, a cohort reference, or a flag dependency. */
export interface FlagProperty {
	key: string;
	/** "person", "group", "cohort", "flag", ...; undefined when the definition leaves it out. */
	type?: string;
	/** "exact" when the definition leaves it out. */
	operator: string;
	value: unknown;
	/** Inverts the match inside cohort property groups. */
	negation: boolean;
	/** For `type: "flag"`: flag keys to evaluate first, in order. Empty means a dependency cycle. */
	dependencyChain?: ReadonlyArray<string>;
}

/** A cohort's definition: an AND/OR tree whose leaves are properties. */
export type PropertyGroup =
	| { kind: "groups"; type: PropertyGroupType; groups: ReadonlyArray<PropertyGroup> }
	| { kind: "properties"; type: PropertyGroupType; properties: ReadonlyArray<FlagProperty> }
	| { kind: "malformed"; reason: string };

/** One condition set ("release condition"): all properties must match, then the rollout applies. */
export interface FlagCondition {
	properties: ReadonlyArray<FlagProperty>;
	/** Percent of matching subjects that get the flag, 0–100 and possibly fractional; undefined = all. */
	rolloutPercentage?: number;
	/** Variant forced on subjects matching this condition (used only if it names a real variant). */
	variant?: string;
	/** Group type this condition aggregates by; undefined = the flag's. */
	aggregationGroupTypeIndex?: number;
}

export interface FlagVariant {
	key: string;
	/** Share of matching subjects, 0–100. */
	rolloutPercentage: number;
}

export interface FlagDefinition {
	key: string;
	id?: number;
	active: boolean;
	/** The flag must be evaluated by the server (it keeps values stable across identity changes). */
	ensureExperienceContinuity: boolean;
	/** "device_id" buckets by device id instead of distinct id. */
	bucketingIdentifier?: string;
	hasExperiment?: boolean;
	/** Group type index for group flags (see FlagDefinitions.groupTypeMapping); undefined = person flag. */
	aggregationGroupTypeIndex?: number;
	conditions: ReadonlyArray<FlagCondition>;
	variants: ReadonlyArray<FlagVariant>;
	/** Decoded payloads, keyed by "true" or a variant key. */
	payloads: ReadonlyMap<string, unknown>;
	/** A condition whose properties match but whose rollout excludes the subject makes the flag false. */
	earlyExit: boolean;
	/** Set when part of the definition had an unexpected shape: only the server can evaluate the flag. */
	malformed?: string;
}

export interface FlagDefinitions {
	/** In definition order. */
	flags: ReadonlyArray<FlagDefinition>;
	flagsByKey: ReadonlyMap<string, FlagDefinition>;
	/** Group type index (as a string, "0") to group type name ("company"). */
	groupTypeMapping: ReadonlyMap<string, string>;
	/** Cohort id (as a string) to its definition. */
	cohorts: ReadonlyMap<string, PropertyGroup>;
	/** The server asks for minimal $feature_flag_called events (see buildFeatureFlagCalledProperties). */
	minimalFlagCalledEvents: boolean;
}
