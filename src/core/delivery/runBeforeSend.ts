// Runs the game's beforeSend on one event and judges what it returned. An error, a nil or a table
// that is not an event each drop only that event; an edited event has its names checked and its
// properties sanitized again, since the game may have put anything in them.

import { BeforeSend } from "../config/PostHogConfig";
import { CapturedEvent } from "../events/CapturedEvent";
import { repairUtf8 } from "../events/repairUtf8";
import { SanitizeOptions, sanitizeProperties } from "../events/sanitizeProperties";

export type BeforeSendOutcome =
	| { kind: "keep"; event: CapturedEvent }
	/** beforeSend returned nil. */
	| { kind: "dropped" }
	| { kind: "error"; error: string }
	/** It returned something that is not an event; `got` describes it. */
	| { kind: "invalid"; got: string };

export function runBeforeSend(
	beforeSend: BeforeSend,
	event: CapturedEvent,
	sanitize: SanitizeOptions | undefined,
): BeforeSendOutcome {
	const [ok, result] = pcall(beforeSend, event);
	if (!ok) return { kind: "error", error: tostring(result) };
	if (result === undefined) return { kind: "dropped" };
	const edited = checkEdited(result, event, sanitize);
	if (edited === undefined) return { kind: "invalid", got: describeReturned(result) };
	return { kind: "keep", event: edited };
}

function checkEdited(value: unknown, original: CapturedEvent, sanitize: SanitizeOptions | undefined) {
	if (!typeIs(value, "table")) return undefined;
	const candidate = value as Partial<Record<keyof CapturedEvent, unknown>>;
	if (!isNonEmptyString(candidate.event) || !isNonEmptyString(candidate.distinct_id)) return undefined;
	const edited: CapturedEvent = {
		event: repairUtf8(candidate.event),
		distinct_id: repairUtf8(candidate.distinct_id),
		properties: sanitizeProperties(candidate.properties, sanitize) ?? {},
		timestamp: isNonEmptyString(candidate.timestamp) ? repairUtf8(candidate.timestamp) : original.timestamp,
		uuid: isNonEmptyString(candidate.uuid) ? repairUtf8(candidate.uuid) : original.uuid,
	};
	return edited;
}

function isNonEmptyString(value: unknown): value is string {
	return typeIs(value, "string") && value !== "";
}

function describeReturned(value: unknown): string {
	return typeIs(value, "table") ? "an event without a valid event name or distinct_id" : `a ${type(value)}`;
}
