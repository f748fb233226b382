// Local evaluation of one flag from its definition: posthog-python's `_compute_flag_locally` and
// `match_feature_flag_properties` (same algorithm in node and go), with one stricter rule (see
// settle). Outcomes are named: a value, or "inconclusive" / "requiresServer" when only the server
// can answer. Pure: the current time comes in the input; hashing is Luau arithmetic.

import { hashForRollout } from "./hashForRollout";
import {
	FlagCondition,
	FlagDefinition,
	FlagDefinitions,
	FlagProperty,
	FlagValue,
	PropertyGroup,
	PropertyValues,
} from "./FlagDefinition";
import { matchProperty, pythonString } from "./matchProperty";

export interface LocalEvaluationInput {
	distinctId: string;
	/** Needed only by flags that bucket by device id (`bucketing_identifier: "device_id"`). */
	deviceId?: string;
	/** Group type name to group key, e.g. `{ company: "acme" }`. */
	groups?: Readonly<Record<string, string>>;
	/** The person's properties; `distinct_id` is added unless present. */
	personProperties?: PropertyValues;
	/** Group type name to that group's properties; `$group_key` is added unless present. */
	groupProperties?: Readonly<Record<string, PropertyValues>>;
	/** Unix milliseconds; anchors relative date filters ("-7d"). */
	nowMillis: number;
}

export type LocalFlagResult =
	| {
			kind: "value";
			value: FlagValue;
			/** The decoded payload for this value, if the flag defines one. */
			payload?: unknown;
			/** 0-based index of the condition set that matched; undefined for false and inactive flags. */
			conditionIndex?: number;
	  }
	/** The SDK lacks something (a property, a device id, a regex feature): ask the server. */
	| { kind: "inconclusive"; reason: string }
	/** The definitions can't express it locally (a static cohort, a malformed definition): ask the server. */
	| { kind: "requiresServer"; reason: string };

/**
 * Results for one input, keyed by flag key, so flag dependencies are evaluated once. Share one
 * cache across flags for the same input only.
 */
export type LocalEvaluationCache = Map<string, LocalFlagResult | "evaluating">;

type Undecided = { kind: "inconclusive"; reason: string } | { kind: "requiresServer"; reason: string };
type FilterMatch = boolean | Undecided;

interface Subject {
	bucketingValue: string;
	properties: PropertyValues;
}

type SubjectResolution = { kind: "subject"; subject: Subject } | { kind: "notInGroup" } | Undecided;

type ConditionOutcome = "match" | "noMatch" | "outOfRollout" | Undecided;

/** A condition set that was inconclusive, kept to check whether it could change a later result. */
interface PendingCondition {
	condition: FlagCondition;
	/** undefined when the subject itself was unknown (unknown group type, missing device id). */
	subject?: Subject;
}

function undecided(kind: Undecided["kind"], reason: string): Undecided {
	return { kind, reason };
}

/** `flag_evaluates_to`: true matches any variant; a variant matches only itself. */
function flagEvaluatesTo(expected: unknown, actual: FlagValue): boolean {
	if (typeIs(expected, "boolean")) {
		return expected === actual || (expected && typeIs(actual, "string") && actual !== "");
	}
	if (typeIs(expected, "string")) return actual === expected;
	return false;
}

class Evaluation {
	private personProperties?: PropertyValues;

	constructor(
		private readonly definitions: FlagDefinitions,
		private readonly input: LocalEvaluationInput,
		private readonly cache: LocalEvaluationCache,
	) {}

	evaluate(flag: FlagDefinition): LocalFlagResult {
		const cached = this.cache.get(flag.key);
		if (cached === "evaluating") return undecided("inconclusive", `flag ${flag.key} depends on itself`);
		if (cached !== undefined) return cached;
		this.cache.set(flag.key, "evaluating");
		const result = this.compute(flag);
		this.cache.set(flag.key, result);
		return result;
	}

	private compute(flag: FlagDefinition): LocalFlagResult {
		if (flag.ensureExperienceContinuity) return undecided("inconclusive", "experience continuity is on");
		if (!flag.active) return { kind: "value", value: false };
		if (flag.malformed !== undefined) return undecided("requiresServer", `malformed definition: ${flag.malformed}`);

		const pending = new Array<PendingCondition>();
		let lastReason = "";
		for (let index = 0; index < flag.conditions.size(); index++) {
			const condition = flag.conditions[index];
			const resolved = this.resolveSubject(flag, condition);
			if (resolved.kind === "notInGroup") continue;
			if (resolved.kind !== "subject") {
				pending.push({ condition });
				lastReason = resolved.reason;
				continue;
			}
			const subject = resolved.subject;
			const outcome = this.evaluateCondition(flag, condition, subject);
			if (outcome === "noMatch") continue;
			if (outcome === "match") return this.settle(flag, pending, this.conditionValue(flag, condition, subject), index);
			if (outcome === "outOfRollout") {
				if (flag.earlyExit) return this.settle(flag, pending, false, undefined);
				continue;
			}
			if (outcome.kind === "requiresServer") return outcome;
			pending.push({ condition, subject });
			lastReason = outcome.reason;
		}
		if (pending.size() > 0) return undecided("inconclusive", lastReason);
		return { kind: "value", value: false };
	}

	/**
	 * `value`, unless an earlier undecided condition set could have produced something else. Here we
	 * differ from posthog-python on purpose: it returns a later match even when the server, which
	 * knows the missing properties, might have matched the earlier set and given another variant
	 * (or stopped on early_exit). We return the value only when every undecided earlier set could
	 * only have given the same one; otherwise the flag is inconclusive and goes to the server.
	 */
	private settle(
		flag: FlagDefinition,
		pending: Array<PendingCondition>,
		value: FlagValue,
		conditionIndex: number | undefined,
	): LocalFlagResult {
		for (const earlier of pending) {
			if (!this.couldOnlyYield(flag, earlier, value)) {
				return undecided("inconclusive", "an earlier condition set is undecided and could change the value");
			}
		}
		let payload: unknown;
		if (value === true) payload = flag.payloads.get("true");
		else if (typeIs(value, "string")) payload = flag.payloads.get(value);
		return { kind: "value", value, payload, conditionIndex };
	}

	/** Whether an undecided condition, had it been decided, could only have led to `value` or been skipped. */
	private couldOnlyYield(flag: FlagDefinition, earlier: PendingCondition, value: FlagValue): boolean {
		const subject = earlier.subject;
		if (subject === undefined) return false;
		const percentage = earlier.condition.rolloutPercentage;
		const isInRollout =
			percentage === undefined || hashForRollout(flag.key, subject.bucketingValue) <= percentage / 100;
		// Out of rollout it either didn't match (skipped) or matched its properties (early exit: false).
		if (!isInRollout) return !flag.earlyExit || value === false;
		return this.conditionValue(flag, earlier.condition, subject) === value;
	}

	/** The condition's valid variant override, else the hashed variant, else true. */
	private conditionValue(flag: FlagDefinition, condition: FlagCondition, subject: Subject): FlagValue {
		const override = condition.variant;
		if (override !== undefined && flag.variants.some((variant) => variant.key === override)) return override;
		if (flag.variants.size() === 0) return true;
		const hash = hashForRollout(flag.key, subject.bucketingValue, "variant");
		// Cumulative [min, max) ranges in list order, summed exactly as posthog-python does.
		let minimum = 0;
		for (const variant of flag.variants) {
			const maximum = minimum + variant.rolloutPercentage / 100;
			if (hash >= minimum && hash < maximum) return variant.key;
			minimum = maximum;
		}
		return true;
	}

	/** Whose properties and bucketing value a condition uses: the person's, or a group's. */
	private resolveSubject(flag: FlagDefinition, condition: FlagCondition): SubjectResolution {
		const groupTypeIndex = condition.aggregationGroupTypeIndex ?? flag.aggregationGroupTypeIndex;
		if (groupTypeIndex === undefined) {
			let bucketingValue = this.input.distinctId;
			if (flag.bucketingIdentifier === "device_id") {
				if (this.input.deviceId === undefined) return undecided("inconclusive", "the flag buckets by device id");
				bucketingValue = this.input.deviceId;
			}
			return { kind: "subject", subject: { bucketingValue, properties: this.person() } };
		}
		const groupType = this.definitions.groupTypeMapping.get(tostring(groupTypeIndex));
		if (groupType === undefined) return undecided("inconclusive", `unknown group type index ${groupTypeIndex}`);
		const groupKey = this.input.groups?.[groupType];
		if (groupKey === undefined) return { kind: "notInGroup" };
		// No group properties is fine: conditions that need one are inconclusive (missing property).
		const properties = { $group_key: groupKey, ...(this.input.groupProperties?.[groupType] ?? {}) };
		return { kind: "subject", subject: { bucketingValue: groupKey, properties } };
	}

	private person(): PropertyValues {
		if (this.personProperties === undefined) {
			this.personProperties = { distinct_id: this.input.distinctId, ...(this.input.personProperties ?? {}) };
		}
		return this.personProperties;
	}

	/** All properties must match (in order: the first undecided one decides), then the rollout applies. */
	private evaluateCondition(flag: FlagDefinition, condition: FlagCondition, subject: Subject): ConditionOutcome {
		for (const property of condition.properties) {
			const match = this.matchFilter(property, subject.properties);
			if (match === false) return "noMatch";
			if (match !== true) return match;
		}
		const percentage = condition.rolloutPercentage;
		if (percentage === undefined) return "match";
		// Equality is in: a hash exactly at the boundary gets the flag.
		return hashForRollout(flag.key, subject.bucketingValue) > percentage / 100 ? "outOfRollout" : "match";
	}

	private matchFilter(property: FlagProperty, properties: PropertyValues): FilterMatch {
		if (property.type === "cohort") return this.matchCohort(property, properties);
		if (property.type === "flag") return this.matchFlagDependency(property);
		const match = matchProperty(property, properties, this.input.nowMillis);
		if (typeIs(match, "boolean")) return match;
		return undecided("inconclusive", `${match.reason}: ${match.detail}`);
	}

	private matchCohort(property: FlagProperty, properties: PropertyValues): FilterMatch {
		const cohortId = pythonString(property.value) ?? "?";
		const group = this.definitions.cohorts.get(cohortId);
		if (group === undefined) return undecided("requiresServer", `cohort ${cohortId} is not in the definitions`);
		const match = this.matchPropertyGroup(group, properties);
		if (!typeIs(match, "boolean")) return match;
		if (property.operator === "in" || property.operator === "exact") return match;
		if (property.operator === "not_in") return !match;
		return undecided("inconclusive", `unknown cohort operator ${property.operator}`);
	}

	/** An AND/OR tree; an undecided member decides the group only if no other member settles it. */
	private matchPropertyGroup(group: PropertyGroup, properties: PropertyValues): FilterMatch {
		if (group.kind === "malformed") return undecided("requiresServer", `malformed cohort: ${group.reason}`);
		const isAnd = group.type === "AND";
		let firstUndecided: Undecided | undefined;
		const members: ReadonlyArray<PropertyGroup | FlagProperty> =
			group.kind === "groups" ? group.groups : group.properties;
		// An empty group constrains nothing, whether AND or OR (posthog-python: always a match).
		if (members.size() === 0) return true;
		for (const member of members) {
			let match: FilterMatch;
			if (group.kind === "groups") {
				match = this.matchPropertyGroup(member as PropertyGroup, properties);
			} else {
				const property = member as FlagProperty;
				match = this.matchFilter(property, properties);
				if (typeIs(match, "boolean") && property.negation) match = !match;
			}
			if (typeIs(match, "boolean")) {
				if (match !== isAnd) return match;
			} else if (match.kind === "requiresServer") {
				return match;
			} else {
				if (firstUndecided === undefined) firstUndecided = match;
			}
		}
		return firstUndecided ?? isAnd;
	}

	private matchFlagDependency(property: FlagProperty): FilterMatch {
		if (property.operator !== "flag_evaluates_to") {
			return undecided("inconclusive", `unknown flag dependency operator ${property.operator}`);
		}
		const chain = property.dependencyChain;
		if (chain === undefined) return undecided("inconclusive", `dependency on ${property.key} has no chain`);
		if (chain.size() === 0) return undecided("inconclusive", `dependency cycle through ${property.key}`);
		for (const key of chain) {
			const result = this.evaluateByKey(key);
			if (result.kind !== "value") return result;
		}
		const target = this.evaluateByKey(property.key);
		if (target.kind !== "value") return target;
		return flagEvaluatesTo(property.value, target.value);
	}

	/** Dependencies name flags by key; fall back to the id in case the server sent ids. */
	private evaluateByKey(key: string): LocalFlagResult {
		let flag = this.definitions.flagsByKey.get(key);
		if (flag === undefined) flag = this.definitions.flags.find((candidate) => tostring(candidate.id) === key);
		if (flag === undefined) return undecided("inconclusive", `dependency ${key} is not in the definitions`);
		return this.evaluate(flag);
	}
}

/**
 * Evaluates `flag` for one person (and their groups) from the loaded definitions. Pass the same
 * `cache` when evaluating several flags for the same input. Never throws.
 */
export function evaluateFlagLocally(
	flag: FlagDefinition,
	definitions: FlagDefinitions,
	input: LocalEvaluationInput,
	cache: LocalEvaluationCache = new Map(),
): LocalFlagResult {
	const [ok, result] = pcall(() => new Evaluation(definitions, input, cache).evaluate(flag));
	if (ok) return result;
	return { kind: "requiresServer", reason: `local evaluation failed: ${tostring(result)}` };
}

/** Every flag in `definitions` (or only `keys`) for one input; keys without a definition are left out. */
export function evaluateFlagsLocally(
	definitions: FlagDefinitions,
	input: LocalEvaluationInput,
	keys?: ReadonlyArray<string>,
): Map<string, LocalFlagResult> {
	const cache: LocalEvaluationCache = new Map();
	const results = new Map<string, LocalFlagResult>();
	const flags = keys === undefined ? definitions.flags : keys.mapFiltered((key) => definitions.flagsByKey.get(key));
	for (const flag of flags) results.set(flag.key, evaluateFlagLocally(flag, definitions, input, cache));
	return results;
}
