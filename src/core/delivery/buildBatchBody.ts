// The /batch/ request body, assembled by string concatenation from events that were JSON-encoded
// once, when queued, so a flush never re-encodes them. Shape (posthog-protocol.md §2):
// {"api_key":"phc_...","batch":[e1,e2],"sent_at":"2026-01-02T03:04:05.678Z"}; historical_migration
// is omitted (false is the server's default).

/**
 * @param encodedApiKey the api key as a JSON string literal, quotes included (Json.encode(apiKey))
 * @param encodedEvents each event's JSON
 * @param sentAt an isoTimestamp, taken at this send (PostHog corrects clock skew with it)
 */
export function buildBatchBody(encodedApiKey: string, encodedEvents: ReadonlyArray<string>, sentAt: string): string {
	return '{"api_key":' + encodedApiKey + ',"batch":[' + encodedEvents.join(",") + '],"sent_at":"' + sentAt + '"}';
}
