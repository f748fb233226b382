// Turns the subject argument of a server call into the distinct id PostHog sees. A Player is its
// UserId as a string; a number is a UserId; a string is a distinct id verbatim; nil means the event
// belongs to the server itself (serverDistinctId, no person profile).

/** Who a server call is about: a player, a UserId, a distinct id, or nil for the server itself. */
export type Subject = Player | number | string | undefined;

export type ResolvedSubject =
	| { kind: "player"; distinctId: string; player: Player }
	| { kind: "id"; distinctId: string }
	| { kind: "server"; distinctId: string }
	| { kind: "invalid"; got: string };

export function resolveSubject(subject: unknown, serverDistinctId: string): ResolvedSubject {
	if (subject === undefined) return { kind: "server", distinctId: serverDistinctId };
	if (typeIs(subject, "Instance")) {
		if (subject.IsA("Player")) return { kind: "player", distinctId: tostring(subject.UserId), player: subject };
		return { kind: "invalid", got: `a ${subject.ClassName}` };
	}
	if (typeIs(subject, "number")) {
		// UserIds are positive integers; anything else is a caller bug, not an id.
		if (subject !== subject || subject <= 0 || subject % 1 !== 0 || subject >= 2 ** 53) {
			return { kind: "invalid", got: `the number ${subject}` };
		}
		return { kind: "id", distinctId: string.format("%d", subject) };
	}
	if (typeIs(subject, "string")) {
		if (subject === "" || subject.size() > 200 || utf8.len(subject)[0] === undefined) {
			return { kind: "invalid", got: "an empty, over-long or invalid UTF-8 string" };
		}
		return { kind: "id", distinctId: subject };
	}
	return { kind: "invalid", got: `a ${typeOf(subject)}` };
}
