// Reads a decoded /flags/definitions body ({flags, group_type_mapping, cohorts,
// minimal_flag_called_events}) into FlagDefinitions. Never throws: a flag or cohort with an
// unexpected shape is kept but marked malformed, so only that flag falls back to the server.
// Pure: payload strings are decoded through the injected Json.

import { Json } from "../platform";
import { decodePayload } from "./decodePayload";
import {
	FlagCondition,
	FlagDefinition,
	FlagDefinitions,
	FlagProperty,
	FlagVariant,
	PropertyGroup,
	PropertyGroupType,
} from "./FlagDefinition";

export type ParseDefinitionsResult =
	{ kind: "parsed"; definitions: FlagDefinitions } | { kind: "invalid"; reason: string };

type Table = Record<string, unknown>;

/** Collects the first shape problem met while reading one flag or cohort. */
class Problems {
	first?: string;

	add(reason: string) {
		if (this.first === undefined) this.first = reason;
	}
}

export function parseFlagDefinitions(body: unknown, json: Json): ParseDefinitionsResult {
	if (!typeIs(body, "table")) return { kind: "invalid", reason: "the body is not a JSON object" };
	const root = body as Table;
	const rawFlags = root.flags;
	if (!typeIs(rawFlags, "table")) return { kind: "invalid", reason: '"flags" is missing or not a list' };

	const flags = new Array<FlagDefinition>();
	const flagsByKey = new Map<string, FlagDefinition>();
	for (const rawFlag of rawFlags as Array<defined>) {
		const flag = readFlag(rawFlag, json);
		if (flag === undefined) continue;
		flags.push(flag);
		flagsByKey.set(flag.key, flag);
	}

	const groupTypeMapping = new Map<string, string>();
	if (typeIs(root.group_type_mapping, "table")) {
		for (const [index, name] of pairs(root.group_type_mapping as Table)) {
			if (typeIs(name, "string")) groupTypeMapping.set(tostring(index), name);
		}
	}

	const cohorts = new Map<string, PropertyGroup>();
	if (typeIs(root.cohorts, "table")) {
		for (const [id, rawGroup] of pairs(root.cohorts as Table)) {
			const problems = new Problems();
			const group = readPropertyGroup(rawGroup, problems);
			cohorts.set(tostring(id), problems.first !== undefined ? { kind: "malformed", reason: problems.first } : group);
		}
	}

	return {
		kind: "parsed",
		definitions: {
			flags,
			flagsByKey,
			groupTypeMapping,
			cohorts,
			minimalFlagCalledEvents: root.minimal_flag_called_events === true,
		},
	};
}

/** undefined only when the entry has no usable key (it could never be looked up). */
function readFlag(raw: unknown, json: Json): FlagDefinition | undefined {
	if (!typeIs(raw, "table")) return undefined;
	const flag = raw as Table;
	if (!typeIs(flag.key, "string") || flag.key === "") return undefined;
	const problems = new Problems();

	const filters = optionalTable(flag.filters, "filters", problems) ?? {};
	const conditions = new Array<FlagCondition>();
	for (const rawCondition of optionalList(filters.groups, "filters.groups", problems)) {
		const condition = readCondition(rawCondition, problems);
		if (condition !== undefined) conditions.push(condition);
	}

	const variants = new Array<FlagVariant>();
	const multivariate = optionalTable(filters.multivariate, "filters.multivariate", problems);
	if (multivariate !== undefined) {
		for (const rawVariant of optionalList(multivariate.variants, "multivariate.variants", problems)) {
			const variant = typeIs(rawVariant, "table") ? (rawVariant as Table) : undefined;
			if (variant === undefined || !typeIs(variant.key, "string") || !typeIs(variant.rollout_percentage, "number")) {
				problems.add("a variant lacks a key or a numeric rollout_percentage");
				continue;
			}
			variants.push({ key: variant.key, rolloutPercentage: variant.rollout_percentage });
		}
	}

	const payloads = new Map<string, unknown>();
	const rawPayloads = optionalTable(filters.payloads, "filters.payloads", problems);
	if (rawPayloads !== undefined) {
		for (const [payloadKey, rawPayload] of pairs(rawPayloads)) {
			payloads.set(tostring(payloadKey), decodePayload(json, rawPayload));
		}
	}

	return {
		key: flag.key,
		id: optionalNumber(flag.id, "id", problems),
		active: flag.active === true,
		ensureExperienceContinuity: flag.ensure_experience_continuity === true,
		bucketingIdentifier: typeIs(flag.bucketing_identifier, "string") ? flag.bucketing_identifier : undefined,
		hasExperiment: typeIs(flag.has_experiment, "boolean") ? flag.has_experiment : undefined,
		aggregationGroupTypeIndex: optionalNumber(
			filters.aggregation_group_type_index,
			"aggregation_group_type_index",
			problems,
		),
		conditions,
		variants,
		payloads,
		earlyExit: filters.early_exit === true,
		malformed: problems.first,
	};
}

function readCondition(raw: unknown, problems: Problems): FlagCondition | undefined {
	if (!typeIs(raw, "table")) {
		problems.add("a condition is not an object");
		return undefined;
	}
	const condition = raw as Table;
	const properties = new Array<FlagProperty>();
	for (const rawProperty of optionalList(condition.properties, "condition.properties", problems)) {
		const property = readProperty(rawProperty, problems);
		if (property !== undefined) properties.push(property);
	}
	return {
		properties,
		rolloutPercentage: optionalNumber(condition.rollout_percentage, "rollout_percentage", problems),
		variant: typeIs(condition.variant, "string") ? condition.variant : undefined,
		aggregationGroupTypeIndex: optionalNumber(
			condition.aggregation_group_type_index,
			"condition aggregation_group_type_index",
			problems,
		),
	};
}

function readProperty(raw: unknown, problems: Problems): FlagProperty | undefined {
	if (!typeIs(raw, "table")) {
		problems.add("a property filter is not an object");
		return undefined;
	}
	const property = raw as Table;
	if (!typeIs(property.key, "string") && !typeIs(property.key, "number")) {
		problems.add("a property filter has no key");
		return undefined;
	}
	let dependencyChain: Array<string> | undefined;
	if (property.dependency_chain !== undefined) {
		dependencyChain = [];
		for (const item of optionalList(property.dependency_chain, "dependency_chain", problems)) {
			dependencyChain.push(tostring(item));
		}
	}
	return {
		key: tostring(property.key),
		type: typeIs(property.type, "string") ? property.type : undefined,
		operator: typeIs(property.operator, "string") ? property.operator : "exact",
		value: property.value,
		negation: property.negation === true,
		dependencyChain,
	};
}

/** A cohort: `{type, values}` where values are all nested groups or all properties. */
function readPropertyGroup(raw: unknown, problems: Problems): PropertyGroup {
	if (!typeIs(raw, "table")) {
		problems.add("a property group is not an object");
		return { kind: "properties", type: "AND", properties: [] };
	}
	const group = raw as Table;
	const groupType: PropertyGroupType = group.type === "AND" ? "AND" : "OR";
	const values = optionalList(group.values, "property group values", problems);
	const first = values[0];
	if (typeIs(first, "table") && (first as Table).values !== undefined) {
		const groups = new Array<PropertyGroup>();
		for (const value of values) groups.push(readPropertyGroup(value, problems));
		return { kind: "groups", type: groupType, groups };
	}
	const properties = new Array<FlagProperty>();
	for (const value of values) {
		const property = readProperty(value, problems);
		if (property !== undefined) properties.push(property);
	}
	return { kind: "properties", type: groupType, properties };
}

function optionalTable(value: unknown, name: string, problems: Problems): Table | undefined {
	if (value === undefined) return undefined;
	if (typeIs(value, "table")) return value as Table;
	problems.add(`${name} is not an object`);
	return undefined;
}

/** The list's items in order (a JSON null inside a list is skipped: Luau tables hold no nil). */
function optionalList(value: unknown, name: string, problems: Problems): Array<defined> {
	const items = new Array<defined>();
	if (value === undefined) return items;
	if (!typeIs(value, "table")) {
		problems.add(`${name} is not a list`);
		return items;
	}
	for (const item of value as Array<defined>) items.push(item);
	return items;
}

function optionalNumber(value: unknown, name: string, problems: Problems): number | undefined {
	if (value === undefined) return undefined;
	if (typeIs(value, "number")) return value;
	problems.add(`${name} is not a number`);
	return undefined;
}
