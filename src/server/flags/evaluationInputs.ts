// What a subject's flags are evaluated with (locally, or sent to /flags): person properties (defaults
// under overrides), groups and group properties, with a read's FeatureFlagOptions on top.

import { buildDefaultPersonProperties } from "../../core/flags/buildDefaultPersonProperties";
import { LocalEvaluationInput } from "../../core/flags/evaluateFlagLocally";
import { ServerRuntime } from "../ServerRuntime";
import { FeatureFlagOptions } from "./FeatureFlagOptions";
import type { SubjectFlags } from "./SubjectFlagRecords";

export type EvaluationInputs = Pick<LocalEvaluationInput, "groups" | "personProperties" | "groupProperties">;

interface MutableInputs {
	groups: Record<string, string> | undefined;
	personProperties: Record<string, unknown>;
	groupProperties: Record<string, Record<string, unknown>>;
}

export function assign(target: Record<string, unknown>, source: Readonly<Record<string, unknown>> | undefined) {
	if (source === undefined) return;
	for (const [key, value] of pairs(source)) target[key] = value;
}

/** Merges `properties` over what `byGroupType` holds for `groupType`. */
export function assignGroup(
	byGroupType: Record<string, Record<string, unknown>>,
	groupType: string,
	properties: Readonly<Record<string, unknown>> | undefined,
) {
	const merged = byGroupType[groupType] ?? {};
	assign(merged, properties);
	byGroupType[groupType] = merged;
}

/**
 * A read's options over the subject's inputs: its person properties win; its groups replace the
 * subject's group of the same type (whose properties then no longer apply); its group properties
 * merge over the rest.
 */
function applyCallInputs(inputs: MutableInputs, call: FeatureFlagOptions, sendDefaults: boolean): EvaluationInputs {
	const { personProperties, groupProperties } = inputs;
	assign(personProperties, call.personProperties);
	let groups = inputs.groups;
	if (call.groups !== undefined) {
		groups ??= {};
		for (const [groupType, groupKey] of pairs(call.groups)) {
			const previousKey = groups[groupType];
			if (previousKey !== undefined && previousKey !== groupKey) delete groupProperties[groupType];
			const properties = groupProperties[groupType] ?? {};
			if (sendDefaults) properties.$group_key = groupKey;
			groupProperties[groupType] = properties;
			groups[groupType] = groupKey;
		}
	}
	if (call.groupProperties !== undefined) {
		for (const [groupType, overrides] of pairs(call.groupProperties))
			assignGroup(groupProperties, groupType, overrides);
	}
	return { groups, personProperties, groupProperties };
}

/**
 * Person properties (defaults under overrides), groups and group properties of the subject now;
 * with `call`, a read's options on top (see applyCallInputs).
 */
export function evaluationInputs(
	runtime: ServerRuntime,
	record: SubjectFlags | undefined,
	distinctId: string,
	call?: FeatureFlagOptions,
): EvaluationInputs {
	const sendDefaults = runtime.config.sendDefaultPersonPropertiesForFlags;
	const state = runtime.states.get(distinctId);
	const personProperties: Record<string, unknown> = {};
	if (sendDefaults) {
		assign(
			personProperties,
			buildDefaultPersonProperties({
				distinctId,
				countryCode: record?.countryCode,
				accountAgeDays: record?.accountAgeDays,
				hasRobloxSubscription: record?.hasRobloxSubscription,
				os: state?.os,
				deviceType: state?.deviceType,
			}),
		);
	}
	assign(personProperties, record?.personOverrides);
	const groups = state?.groups === undefined ? undefined : table.clone(state.groups);
	const groupProperties: Record<string, Record<string, unknown>> = {};
	if (groups !== undefined) {
		for (const [groupType, groupKey] of pairs(groups))
			groupProperties[groupType] = sendDefaults ? { $group_key: groupKey } : {};
	}
	if (record !== undefined) {
		for (const [groupType, overrides] of pairs(record.groupOverrides)) {
			assignGroup(groupProperties, groupType, overrides);
		}
	}
	if (call === undefined) return { groups, personProperties, groupProperties };
	return applyCallInputs({ groups, personProperties, groupProperties }, call, sendDefaults);
}

/** The subject's groups with a read's groups on top (for `$groups` and the dedupe of `$feature_flag_called`). */
export function groupsWithCall(
	groups: Readonly<Record<string, string>> | undefined,
	call: FeatureFlagOptions | undefined,
): Readonly<Record<string, string>> | undefined {
	if (call?.groups === undefined) return groups;
	const merged: Record<string, string> = groups === undefined ? {} : table.clone(groups);
	for (const [groupType, groupKey] of pairs(call.groups)) merged[groupType] = groupKey;
	return merged;
}
