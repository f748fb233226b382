// Every user-facing line the SDK writes, keyed by a stable id (alphabetical). Code logs by id;
// docs and issues can cite the id. Placeholders are `{name}` and are filled by formatMessage.

export const MESSAGES = {
	API_INTERNAL_ERROR: "PostHog:{method} failed unexpectedly and did nothing: {error}",
	API_INVALID_ARGUMENT: "PostHog:{method}: {problem}; the call was ignored",
	API_INVALID_SUBJECT:
		"PostHog:{method}: the subject must be a Player, a UserId, a distinct id string or nil, got {got}; the call was ignored",
	API_NOT_INITIALIZED:
		"PostHog:{method} was called before PostHog:Init; it was ignored. Call PostHog:Init({ apiKey = ... }) first, from a server Script",
	BATCH_REJECTED:
		"PostHog rejected {count} event(s) with HTTP {status}; they were dropped and will not be retried. Response: {body}",
	BATCH_REJECTED_AUTH:
		'PostHog rejected {count} event(s) with HTTP {status}; they were dropped. Check that apiKey is your project API key (it starts with "phc_") and that host ({host}) is your project\'s region.',
	BATCH_RETRY: "sending {count} event(s) failed ({reason}); retrying in {seconds} s",
	BATCH_RETRY_ROUND_EXHAUSTED:
		"{count} event(s) still unsent after {maxRetries} retries (last failure: {reason}); they stay queued and sending resumes in {seconds} s",
	BATCH_SENT: "sent {count} event(s) in {bytes} bytes",
	BATCH_SPLIT: "PostHog answered 413 for {count} events; resending in batches of at most {size}",
	BEFORE_SEND_DROPPED: 'beforeSend dropped event "{event}"',
	BEFORE_SEND_ERROR: 'beforeSend raised an error, so event "{event}" was dropped: {error}',
	BEFORE_SEND_INVALID:
		'beforeSend returned {got} for event "{event}"; return the event (with a non-empty "event" and "distinct_id") or nil. The event was dropped.',
	BUDGET_EXHAUSTED: "HTTP budget of {perMinute} requests per minute used up; next send in {seconds} s",
	CLIENT_API_ON_SERVER:
		"PostHogClient:{method} is the client relay and does nothing on the server; use PostHog there (its capture methods take a subject)",
	CLIENT_BUFFER_FULL:
		"the client relay dropped {count} message(s): more were captured than it may send, and it keeps at most {limit}",
	CLIENT_MESSAGES_REJECTED: "dropped {count} invalid or rate-limited message(s) relayed by {player}: {reasons}",
	CLIENT_MESSAGE_REFUSED: "PostHog:{method}: the server relay refuses this call ({reason}), so it was not sent",
	CLIENT_OPTIONS_IGNORED:
		"PostHog:Init on a client takes only captureErrors and logLevel; ignored: {options}. The client relay needs no key: configure the SDK in a server Script",
	CLIENT_PROPERTY_LEFT_OUT: 'PostHog:{method}: property "{key}" was left out: {problem}',
	CLIENT_RELAY_FOUND: "client relay connected to ReplicatedStorage.{name}; sending {count} buffered message(s)",
	CLIENT_RELAY_HANDLER_ERROR: "handling a message relayed by {player} failed unexpectedly, so it was dropped: {error}",
	CLIENT_RELAY_NOT_FOUND:
		"ReplicatedStorage.{name} not found after {seconds} s: the server SDK is not initialized, or runs with enableClientRelay = false. Client events are kept (the latest {limit}) and sent if it appears",
	CLIENT_RELAY_STARTED: "client relay ready: ReplicatedStorage.{name} accepts {rate} message(s) per second per player",
	CLIENT_RELAY_VALIDATION_ERROR:
		"validating a message relayed by {player} failed unexpectedly, so it was dropped: {error}",
	CONFIG_ALIAS_CONFLICT: 'PostHog:Init: options "{option}" and "{alias}" are the same option; pass only one of them',
	CONFIG_INVALID_OPTION: 'PostHog:Init: option "{option}" must be {expected}, got {got}',
	CONFIG_MISSING_API_KEY:
		'PostHog:Init: option "apiKey" is required: your project API key from PostHog project settings (it starts with "phc_")',
	CONFIG_NOT_A_TABLE: "PostHog:Init: options must be a table, got {got}",
	CONFIG_PERSONAL_API_KEY:
		'PostHog:Init: option "{option}" looks like a personal API key ("phx_"), which is a secret; use the project API key (it starts with "phc_")',
	CONFIG_SECURE_KEY_AS_API_KEY:
		'PostHog:Init: option "{option}" looks like a feature flags secure key ("phs_"), which is a secret; use the project API key (it starts with "phc_") and pass the secure key as featureFlagsSecureKey, from a server Script only',
	CONFIG_UNKNOWN_OPTION: 'PostHog:Init: unknown option "{option}"{hint}',
	DRAIN_FINISHED: "shutdown flush finished in {seconds} s: {sent} event(s) sent, {remaining} not sent",
	ERROR_CAPTURE_FAILED: "capturing an error as $exception ({source}) failed unexpectedly, so it was dropped: {error}",
	EVENT_DUPLICATE_UUID: 'dropped event "{event}": an event with uuid {uuid} is already queued',
	EVENT_ENCODE_FAILED: 'dropped event "{event}": it could not be encoded as JSON ({error})',
	EVENT_TOO_LARGE: 'dropped event "{event}": {bytes} bytes once encoded, over the limit of {limit} bytes',
	FLAGS_BUDGET_EXHAUSTED:
		"skipped fetching feature flags for {distinctId}: the HTTP budget of {perMinute} requests per minute is used up; the last loaded values are kept",
	FLAGS_EVALUATED_LOCALLY: "evaluated {count} feature flag(s) for {distinctId} locally, without a request",
	FLAGS_LOADED: "loaded {count} feature flag(s) for {distinctId} from PostHog ({local} evaluated locally)",
	FLAGS_OPTED_OUT: "not fetching feature flags for {distinctId}: they opted out",
	FLAGS_PROPERTIES_UNENCODABLE:
		"fetching feature flags for {distinctId} skipped: the properties for flags could not be encoded ({error})",
	FLAGS_REQUEST_FAILED: "fetching feature flags for {distinctId} failed ({error}); the last loaded values are kept",
	FLAG_DEFINITIONS_FAILED:
		"loading feature flag definitions failed ({reason}); the last loaded definitions are kept, next attempt in {seconds} s",
	FLAG_DEFINITIONS_LOADED: "loaded {count} feature flag definition(s) for local evaluation",
	FLAG_DEFINITIONS_POLLING_FOR_ALL:
		"this server now checks the flag definitions with PostHog for every server of the experience, and shares them",
	FLAG_DEFINITIONS_QUOTA_LIMITED:
		"PostHog answered 402 (feature flags over quota) for the flag definitions; local evaluation is off and flags are evaluated remotely until the quota resets",
	FLAG_DEFINITIONS_SHARED: "loaded {count} feature flag definition(s) that another server of the experience fetched",
	FLAG_DEFINITIONS_SHARING_FAILED:
		"sharing the flag definitions between servers failed ({reason}); this server checks PostHog itself until MemoryStore and DataStore work again",
	FLAG_DEFINITIONS_UNAUTHORIZED:
		'PostHog refused the key for flag definitions (HTTP {status}); local evaluation is off and flags are evaluated remotely. Use a feature flags secure key ("phs_") or a personal API key ("phx_") of this project, from a server Script only',
	HTTP_BLOCKED: "Roblox refused the request to {url} ({error}); dropped {count} event(s). Check the host option.",
	HTTP_DISABLED:
		'HTTP requests are not enabled, so no events can be sent. Turn on Game Settings > Security > Allow HTTP Requests (for an unpublished place, run game:GetService("HttpService").HttpEnabled = true in the command bar). Events are kept in memory, up to maxQueueSize, and sent once requests work.',
	HTTP_ENABLED_AGAIN: "HTTP requests work again; sending queued events",
	INITIALIZED: "PostHog initialized ({lib} {version}), sending to {host}",
	INIT_ON_CLIENT:
		"PostHog:Init must be called from a server Script; it was ignored on this client (the client relay needs no key)",
	INIT_TWICE: "PostHog:Init was called again; the SDK is already running and keeps its first configuration",
	LOG_SUPPRESSED: "({count} similar message(s) suppressed since the previous one)",
	QUEUE_BYTES_FULL: "queue reached {limit} bytes, so the oldest event was dropped ({total} dropped so far)",
	QUEUE_FULL: "queue reached maxQueueSize ({limit}), so the oldest event was dropped ({total} dropped so far)",
	SHUTDOWN_BEGIN: "server closing: sending {pending} queued event(s) within {seconds} s",
	SPILL_DISCARDED:
		"discarded {count} event(s) stored by a server of this experience: they expired before any server could send them, or could not be read",
	SPILL_FAILED:
		"could not store {count} unsent event(s) in the experience's DataStore/MemoryStore ({error}); {outcome}",
	SPILL_PICKED_UP: "took {count} event(s) stored by a server of this experience, to send them",
	SPILL_READ_FAILED: "could not read events stored by servers of this experience ({error}); trying again later",
	SPILL_STORED:
		"stored {count} unsent event(s) in the experience's DataStore/MemoryStore ({reason}); a server of this experience will send them once PostHog accepts them",
	TELEPORT_DATA_IGNORED:
		"ignored the PostHog session in player {userId}'s TeleportData ({reason}); started a new session",
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
