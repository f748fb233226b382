// Reads the server's identity once at Init, so no event ever reads an Instance property.

import { ServerInfo } from "../core/events/buildEvent";

export function readServerInfo(): ServerInfo {
	return { placeId: game.PlaceId, placeVersion: game.PlaceVersion, gameId: game.GameId, jobId: game.JobId };
}

/** How sanitizeProperties describes engine values: Instances by full name, others by tostring. */
export function describeEngineValue(value: unknown): string | undefined {
	if (typeIs(value, "Instance")) return value.GetFullName();
	return undefined;
}
