// Why the server relay drops a client message: a closed set, counted per player (RejectionCounter)
// and listed in this order in logs. Each cap in limits.ts has its own reason.

export const REJECTION_REASONS = [
	// The fire as a whole (nothing in it was read).
	"envelope_not_table", // not a table, or a table with a metatable
	"envelope_shape", // not exactly { v, m } with m a sequence of messages
	"envelope_version", // v is not WIRE_VERSION
	"envelope_too_many_messages", // more than MAX_MESSAGES_PER_ENVELOPE
	// One message.
	"rate_limited", // the player's token bucket is empty
	"envelope_too_large", // the message would take the envelope past MAX_ENVELOPE_BYTES
	"message_not_table",
	"message_kind", // k missing or not a known kind
	"message_shape", // schema: unknown or missing field, wrong type, value outside a whitelist, NaN/inf
	"message_too_large", // estimated bytes over MAX_MESSAGE_BYTES
	"name_empty",
	"name_too_long",
	"name_reserved", // starts with "$": PostHog's own events
	"name_invalid", // invalid UTF-8 or a control character
	"properties_too_many", // over maxClientPropertyCount
	"property_key_not_string",
	"property_key_empty",
	"property_key_too_long",
	"property_key_reserved", // starts with "$", or a SERVER_OWNED_PROPERTY_KEYS key: only the server sets them
	"property_key_invalid_utf8",
	"property_value_nested", // a table
	"property_value_type", // not a string, number or boolean (Instances, vectors, buffers...)
	"property_value_not_finite", // NaN, inf, -inf
	"property_value_too_long",
	"property_value_invalid_utf8",
	"exception_message_empty",
	"exception_message_too_long",
	"exception_trace_too_long",
	"exception_type_too_long",
	"exception_invalid_utf8", // in the message, trace or type
	"idle_seconds_range", // below 0 or over MAX_IDLE_SECONDS
	"internal_error", // validation itself failed: a bug, reported instead of raised
] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];
