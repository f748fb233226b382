// Every user-facing line the SDK writes, keyed by a stable id (alphabetical). Code logs by id;
// docs and issues can cite the id. Placeholders are `{name}` and are filled by formatMessage.

export const MESSAGES = {
	BATCH_REJECTED:
		"PostHog rejected {count} event(s) with HTTP {status}; they were dropped and will not be retried. Response: {body}",
	BATCH_REJECTED_AUTH:
		'PostHog rejected {count} event(s) with HTTP {status}; they were dropped. Check that apiKey is your project API key (it starts with "phc_") and that host ({host}) is your project\'s region.',
	BATCH_RETRIES_EXHAUSTED: "dropped {count} event(s) after {maxRetries} retries; last failure: {reason}",
	BATCH_RETRY: "sending {count} event(s) failed ({reason}); retrying in {seconds} s",
	BATCH_SENT: "sent {count} event(s) in {bytes} bytes",
	BATCH_SPLIT: "PostHog answered 413 for {count} events; resending in batches of at most {size}",
	BEFORE_SEND_DROPPED: 'beforeSend dropped event "{event}"',
	BEFORE_SEND_ERROR: 'beforeSend raised an error, so event "{event}" was dropped: {error}',
	BEFORE_SEND_INVALID:
		'beforeSend returned {got} for event "{event}"; return the event (with a non-empty "event" and "distinct_id") or nil. The event was dropped.',
	BUDGET_EXHAUSTED: "HTTP budget of {perMinute} requests per minute used up; next send in {seconds} s",
	CONFIG_ALIAS_CONFLICT: 'PostHog:Init: options "{option}" and "{alias}" are the same option; pass only one of them',
	CONFIG_INVALID_OPTION: 'PostHog:Init: option "{option}" must be {expected}, got {got}',
	CONFIG_MISSING_API_KEY:
		'PostHog:Init: option "apiKey" is required: your project API key from PostHog project settings (it starts with "phc_")',
	CONFIG_NOT_A_TABLE: "PostHog:Init: options must be a table, got {got}",
	CONFIG_PERSONAL_API_KEY:
		'PostHog:Init: option "{option}" looks like a personal API key ("phx_"), which is a secret; use the project API key (it starts with "phc_")',
	CONFIG_UNKNOWN_OPTION: 'PostHog:Init: unknown option "{option}"{hint}',
	DRAIN_FINISHED: "shutdown flush finished in {seconds} s: {sent} event(s) sent, {remaining} not sent",
	EVENT_DUPLICATE_UUID: 'dropped event "{event}": an event with uuid {uuid} is already queued',
	EVENT_ENCODE_FAILED: 'dropped event "{event}": it could not be encoded as JSON ({error})',
	EVENT_TOO_LARGE: 'dropped event "{event}": {bytes} bytes once encoded, over the limit of {limit} bytes',
	HTTP_BLOCKED: "Roblox refused the request to {url} ({error}); dropped {count} event(s). Check the host option.",
	HTTP_DISABLED:
		'HTTP requests are not enabled, so no events can be sent. Turn on Game Settings > Security > Allow HTTP Requests (for an unpublished place, run game:GetService("HttpService").HttpEnabled = true in the command bar). Events are kept in memory, up to maxQueueSize, and sent once requests work.',
	HTTP_ENABLED_AGAIN: "HTTP requests work again; sending queued events",
	LOG_SUPPRESSED: "({count} similar message(s) suppressed since the previous one)",
	QUEUE_BYTES_FULL: "queue reached {limit} bytes, so the oldest event was dropped ({total} dropped so far)",
	QUEUE_FULL: "queue reached maxQueueSize ({limit}), so the oldest event was dropped ({total} dropped so far)",
} satisfies Record<string, string>;

export type MessageId = keyof typeof MESSAGES;

export type MessageArgs = Readonly<Record<string, string | number | boolean>>;

/** Fills `{name}` placeholders from `args`; a placeholder without an argument is left as is. */
export function formatMessage(id: MessageId, args?: MessageArgs): string {
	const template = MESSAGES[id];
	if (args === undefined) return template;
	const [text] = template.gsub("{(%w+)}", (name: string) => {
		const value = args[name];
		return value === undefined ? undefined : tostring(value);
	});
	return text;
}
