// The remote evaluation request: POST {host}/flags/?v=2 with the project key in the body (no
// Authorization header), per posthog-protocol §9 and the posthog-sdk-test-harness flags suite.
// The body is JSON text assembled around separately encoded parts (see encodeObject).
// Pure: encoding goes through the injected Json.

import { HttpRequest, Json } from "../platform";
import { PropertyValues } from "./FlagDefinition";

/** Seconds; the same for every PostHog SDK (feature_flags_request_timeout_seconds). */
export const FLAGS_REQUEST_TIMEOUT_SECONDS = 3;

export interface FlagsRequestInput {
	/** Ingestion host without a trailing slash, e.g. "https://us.i.posthog.com". */
	host: string;
	/** The project API key ("phc_..."). */
	apiKey: string;
	distinctId: string;
	/** Group type name to group key. */
	groups?: Readonly<Record<string, string>>;
	personProperties?: PropertyValues;
	/** Group type name to that group's properties. */
	groupProperties?: Readonly<Record<string, PropertyValues>>;
	/** Evaluate only these flags (single-flag reads); all flags when undefined. */
	flagKeys?: ReadonlyArray<string>;
	deviceId?: string;
	/** Stop PostHog from geolocating the Roblox server's IP. @default true */
	geoipDisable?: boolean;
}

export type BuildFlagsRequestResult =
	| { kind: "request"; request: HttpRequest }
	/** A property could not be encoded (a cycle, invalid UTF-8); nothing should be sent. */
	| { kind: "unencodable"; error: string };

function hasKeys(map: object | undefined): map is object {
	return map !== undefined && next(map)[0] !== undefined;
}

/**
 * A map as a JSON object: `{}` when empty, never `[]`. `groups`, `person_properties` and
 * `group_properties` must be objects even when empty, but JSONEncode turns an empty table into
 * `[]`; so each map is encoded on its own and written as `{}` when it has no keys, and
 * group_properties is built one group at a time so an empty group's properties are `{}` too.
 */
function encodeObject(json: Json, map: object | undefined): string {
	return hasKeys(map) ? json.encode(map) : "{}";
}

function encodeGroupProperties(json: Json, groupProperties: Readonly<Record<string, PropertyValues>> | undefined) {
	if (groupProperties === undefined) return "{}";
	const members = new Array<string>();
	for (const [groupType, properties] of pairs(groupProperties)) {
		members.push(`${json.encode(groupType)}:${encodeObject(json, properties)}`);
	}
	return `{${members.join(",")}}`;
}

function buildBody(input: FlagsRequestInput, json: Json): string {
	const fields = [
		// Only `token` (what the test harness checks). The server reads `api_key` as an alias of it, and
		// a serde alias rejects a body carrying both ("duplicate field"), so never send the two.
		`"token":${json.encode(input.apiKey)}`,
		`"distinct_id":${json.encode(input.distinctId)}`,
		`"groups":${encodeObject(json, input.groups)}`,
		`"person_properties":${encodeObject(json, input.personProperties)}`,
		`"group_properties":${encodeGroupProperties(json, input.groupProperties)}`,
		`"geoip_disable":${input.geoipDisable === false ? "false" : "true"}`,
	];
	if (input.flagKeys !== undefined && input.flagKeys.size() > 0) {
		fields.push(`"flag_keys_to_evaluate":${json.encode(input.flagKeys)}`);
	}
	if (input.deviceId !== undefined) fields.push(`"device_id":${json.encode(input.deviceId)}`);
	return `{${fields.join(",")}}`;
}

export function buildFlagsRequest(input: FlagsRequestInput, json: Json): BuildFlagsRequestResult {
	const [ok, body] = pcall(() => buildBody(input, json));
	if (!ok) return { kind: "unencodable", error: tostring(body) };
	return {
		kind: "request",
		request: {
			url: `${input.host}/flags/?v=2`,
			method: "POST",
			headers: { "content-type": "application/json" },
			body,
			gzip: false,
			timeoutSeconds: FLAGS_REQUEST_TIMEOUT_SECONDS,
		},
	};
}
