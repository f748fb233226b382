// Builds the wire event for one capture call. Properties merge in ONE order, later wins:
//   1. super properties (Register)
//   2. the caller's properties
//   3. SDK context: $lib, $lib_version, $geoip_disable (unless disableGeoip is false), place/server
//      ids, $os, $device_type, $session_id, $groups, $process_person_profile
//   4. $set and $set_once from their own arguments (Identify)
// Object-typed fields that would be empty are omitted: JSONEncode writes `{}` as `[]`.

import { PersonProfiles } from "../config/PostHogConfig";
import { CapturedEvent } from "./CapturedEvent";
import { isoTimestamp } from "./isoTimestamp";
import { repairUtf8 } from "./repairUtf8";
import { SanitizeOptions, sanitizeProperties } from "./sanitizeProperties";

/** The server the SDK runs on (game.PlaceId, game.PlaceVersion, game.GameId, game.JobId). */
export interface ServerInfo {
	placeId: number;
	placeVersion: number;
	gameId: number;
	/** Empty in Studio. */
	jobId: string;
}

/** What one capture call says. */
export interface EventInput {
	event: string;
	distinctId: string;
	/** The caller's properties; sanitized here. */
	properties?: unknown;
	/** Person properties to set (`$set`); sanitized here. */
	set?: unknown;
	/** Person properties to set only if unset (`$set_once`); sanitized here. */
	setOnce?: unknown;
	/** When it happened, unix milliseconds. */
	timestampMillis: number;
	/** A UUIDv7 (UuidV7Generator). */
	uuid: string;
}

/** What the SDK knows about the sender of the event. */
export interface EventContext {
	libName: string;
	libVersion: string;
	personProfiles: PersonProfiles;
	/** True for nil-subject events, attributed to serverDistinctId rather than a player. */
	isServerScoped: boolean;
	/** Already sanitized when registered (sanitizeValue). */
	superProperties?: Readonly<Record<string, unknown>>;
	server?: ServerInfo;
	/** e.g. "Windows", "iOS", "Roblox" */
	os?: string;
	/** e.g. "Desktop", "Mobile", "Server" */
	deviceType?: string;
	sessionId?: string;
	/** Group type -> group key, e.g. { guild: "knights" }. */
	groups?: Readonly<Record<string, string>>;
	/** Passed to sanitizeProperties (the engine's Instance describer). */
	sanitize?: SanitizeOptions;
	/**
	 * Ask PostHog not to geolocate the event (`$geoip_disable: true`, over the caller's). With false
	 * the SDK adds nothing, so PostHog's GeoIP applies unless the caller set `$geoip_disable`.
	 * @default true
	 */
	disableGeoip?: boolean;
}

export function buildEvent(input: EventInput, context: EventContext): CapturedEvent {
	const properties: Record<string, unknown> = {};
	if (context.superProperties !== undefined) assign(properties, context.superProperties);
	const callerProperties = sanitizeProperties(input.properties, context.sanitize);
	if (callerProperties !== undefined) assign(properties, callerProperties);

	properties["$lib"] = context.libName;
	properties["$lib_version"] = context.libVersion;
	if (context.disableGeoip !== false) properties["$geoip_disable"] = true;
	const server = context.server;
	if (server !== undefined) {
		properties["place_id"] = server.placeId;
		properties["place_version"] = server.placeVersion;
		properties["game_id"] = server.gameId;
		if (server.jobId !== "") properties["server_job_id"] = server.jobId;
	}
	if (context.os !== undefined) properties["$os"] = context.os;
	if (context.deviceType !== undefined) properties["$device_type"] = context.deviceType;
	if (context.sessionId !== undefined) properties["$session_id"] = context.sessionId;
	if (context.groups !== undefined && next(context.groups)[0] !== undefined) {
		properties["$groups"] = table.clone(context.groups);
	}
	properties["$process_person_profile"] = processesPersonProfile(context.personProfiles, context.isServerScoped);

	const set = sanitizeProperties(input.set, context.sanitize);
	if (set !== undefined) properties["$set"] = set;
	const setOnce = sanitizeProperties(input.setOnce, context.sanitize);
	if (setOnce !== undefined) properties["$set_once"] = setOnce;

	return {
		event: repairUtf8(input.event),
		distinct_id: repairUtf8(input.distinctId),
		properties,
		timestamp: isoTimestamp(input.timestampMillis),
		uuid: input.uuid,
	};
}

/** identified_only: player events build a profile, server-scoped events don't. */
function processesPersonProfile(personProfiles: PersonProfiles, isServerScoped: boolean): boolean {
	switch (personProfiles) {
		case "always":
			return true;
		case "never":
			return false;
		case "identified_only":
			return !isServerScoped;
	}
}

function assign(target: Record<string, unknown>, source: Readonly<Record<string, unknown>>) {
	for (const [key, value] of pairs(source)) target[key] = value;
}
