// Reads a /flags answer in either shape PostHog serves: v2 (`flags: {key: {enabled, variant,
// reason, metadata, failed}}`) and legacy (`featureFlags` + `featureFlagPayloads`, which the
// posthog-sdk-test-harness mock returns), like posthog-python's normalize_flags_response.
// Payloads are JSON-decoded. Pure: decoding goes through the injected Json; never throws.

import { Json } from "../platform";
import { decodePayload } from "./decodePayload";
import { FlagValue } from "./FlagDefinition";

export interface RemoteFlag {
	key: string;
	/** `variant ?? enabled`. */
	value: FlagValue;
	variant?: string;
	/** Decoded payload for this value; a payload that is not JSON stays a string. */
	payload?: unknown;
	id?: number;
	version?: number;
	/** The server's reason, e.g. code "condition_match", description "Matched condition set 1". */
	reasonCode?: string;
	reasonDescription?: string;
	conditionIndex?: number;
	hasExperiment?: boolean;
}

export interface FlagsResponse {
	/** Flags the server evaluated; flags that failed on the server are in `failedKeys` instead. */
	flags: Map<string, RemoteFlag>;
	/** v2 flags marked `failed: true`: keep their last good value. */
	failedKeys: Array<string>;
	/** Some flags could not be computed: flags absent from `flags` may be missing for that reason. */
	errorsWhileComputingFlags: boolean;
	/** `quotaLimited` names "feature_flags": the values are not real; keep the last good ones. */
	isQuotaLimited: boolean;
	requestId?: string;
	/** Unix milliseconds when the server evaluated the flags. */
	evaluatedAt?: number;
	/** The server asks for minimal $feature_flag_called events. */
	minimalFlagCalledEvents: boolean;
}

export type ParseFlagsResult = { kind: "parsed"; response: FlagsResponse } | { kind: "invalid"; reason: string };

type Table = Record<string, unknown>;

function asTable(value: unknown): Table | undefined {
	return typeIs(value, "table") ? (value as Table) : undefined;
}

function optionalString(value: unknown) {
	return typeIs(value, "string") ? value : undefined;
}

function optionalNumber(value: unknown) {
	return typeIs(value, "number") ? value : undefined;
}

function readV2Flag(key: string, raw: Table, json: Json): RemoteFlag {
	const metadata = asTable(raw.metadata) ?? {};
	const reason = asTable(raw.reason) ?? {};
	const variant = optionalString(raw.variant);
	const hasVariant = variant !== undefined && variant !== "";
	return {
		key,
		value: hasVariant ? variant : raw.enabled === true,
		variant: hasVariant ? variant : undefined,
		payload: metadata.payload === undefined ? undefined : decodePayload(json, metadata.payload),
		id: optionalNumber(metadata.id),
		version: optionalNumber(metadata.version),
		reasonCode: optionalString(reason.code),
		reasonDescription: optionalString(reason.description),
		conditionIndex: optionalNumber(reason.condition_index),
		hasExperiment: typeIs(metadata.has_experiment, "boolean") ? metadata.has_experiment : undefined,
	};
}

function readLegacyFlags(featureFlags: Table, rawPayloads: Table | undefined, json: Json) {
	const flags = new Map<string, RemoteFlag>();
	for (const [key, value] of pairs(featureFlags)) {
		let flagValue: FlagValue;
		if (typeIs(value, "string") && value !== "") flagValue = value;
		else flagValue = value === true;
		const rawPayload = rawPayloads?.[key];
		flags.set(key, {
			key,
			value: flagValue,
			variant: typeIs(flagValue, "string") ? flagValue : undefined,
			payload: rawPayload === undefined ? undefined : decodePayload(json, rawPayload),
		});
	}
	return flags;
}

function isQuotaLimited(value: unknown): boolean {
	const list = asTable(value);
	if (list === undefined) return false;
	for (const [, item] of pairs(list)) {
		if (item === "feature_flags") return true;
	}
	return false;
}

/** Parses the body of a 2xx /flags answer. */
export function parseFlagsResponse(body: string, json: Json): ParseFlagsResult {
	const [ok, decoded] = pcall(() => json.decode(body));
	if (!ok) return { kind: "invalid", reason: "the body is not JSON" };
	const root = asTable(decoded);
	if (root === undefined) return { kind: "invalid", reason: "the body is not a JSON object" };

	let flags = new Map<string, RemoteFlag>();
	const failedKeys = new Array<string>();
	const v2Flags = asTable(root.flags);
	const legacyFlags = asTable(root.featureFlags);
	if (v2Flags !== undefined) {
		for (const [key, raw] of pairs(v2Flags)) {
			const entry = asTable(raw);
			if (entry === undefined) continue;
			if (entry.failed === true) failedKeys.push(key);
			else flags.set(key, readV2Flag(key, entry, json));
		}
	} else if (legacyFlags !== undefined) {
		flags = readLegacyFlags(legacyFlags, asTable(root.featureFlagPayloads), json);
	} else if (!isQuotaLimited(root.quotaLimited)) {
		return { kind: "invalid", reason: 'neither "flags" nor "featureFlags" is present' };
	}

	return {
		kind: "parsed",
		response: {
			flags,
			failedKeys,
			errorsWhileComputingFlags: root.errorsWhileComputingFlags === true,
			isQuotaLimited: isQuotaLimited(root.quotaLimited),
			requestId: optionalString(root.requestId),
			evaluatedAt: optionalNumber(root.evaluatedAt),
			minimalFlagCalledEvents: root.minimalFlagCalledEvents === true,
		},
	};
}
