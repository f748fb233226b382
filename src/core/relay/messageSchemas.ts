// The wire format from a client to the server relay, and the decoded messages the server works with.
// One RemoteEvent fire carries ONE envelope `{ v = 1, m = { message, ... } }`: a batch, since the
// client coalesces captures into a few fires per second. Keys are one letter to save bandwidth:
//
//   kind       k     other fields
//   capture    "c"   n: event name, p?: properties
//   screen     "s"   n: screen name, p?: properties
//   exception  "e"   m: message, t?: trace, y?: error type, h: handled (false for ScriptContext.Error,
//                    true for CaptureException), p?: properties
//   context    "x"   d: device type, o: platform, i: primary input (closed whitelists below)
//   idle       "i"   s: seconds idle (Player.Idled)
//
// Properties are a flat table of string keys to strings, finite numbers and booleans. The schemas
// check shapes only (exact fields, field types, whitelists); lengths, counts, UTF-8 and the `$`
// prefix are caps checked by acceptClientMessage, which knows which rejection reason to report.

import { t } from "@rbxts/t";

/** The RemoteEvent the server creates in ReplicatedStorage (only with enableClientRelay). */
export const RELAY_REMOTE_NAME = "PostHogRelay";

/** A number that is not NaN, inf or -inf (t.number accepts the infinities). */
export const isFiniteNumber = (value: unknown): value is number =>
	typeIs(value, "number") && value === value && value !== math.huge && value !== -math.huge;

/**
 * A table without a metatable. Remotes strip metatables; one seen here means the value did not come
 * through a remote, and indexing it could run arbitrary code, so it is refused.
 */
export const isPlainTable = (value: unknown): value is object =>
	typeIs(value, "table") && getmetatable(value) === undefined;

export const isDeviceType = t.literal("Desktop", "Mobile", "Console", "VR");
/** PostHog's `$device_type`, as far as a client can tell (see detectDeviceType). */
export type DeviceType = t.static<typeof isDeviceType>;

export const isClientPlatform = t.literal("PC", "Phone", "Tablet", "Console", "VR");
/** A coarse, `$os`-like platform family (Roblox exposes no OS): see detectDeviceType. */
export type ClientPlatform = t.static<typeof isClientPlatform>;

export const isPrimaryInput = t.literal("KeyboardAndMouse", "Touch", "Gamepad", "Unknown");
/** The input the player uses most (UserInputService.PreferredInput, or a guess from what exists). */
export type PrimaryInput = t.static<typeof isPrimaryInput>;

const optionalProperties = t.optional(isPlainTable);

export const captureSchema = t.strictInterface({ k: t.literal("c"), n: t.string, p: optionalProperties });
export const screenSchema = t.strictInterface({ k: t.literal("s"), n: t.string, p: optionalProperties });
export const exceptionSchema = t.strictInterface({
	k: t.literal("e"),
	m: t.string,
	t: t.optional(t.string),
	y: t.optional(t.string),
	h: t.boolean,
	p: optionalProperties,
});
export const contextSchema = t.strictInterface({
	k: t.literal("x"),
	d: isDeviceType,
	o: isClientPlatform,
	i: isPrimaryInput,
});
export const idleSchema = t.strictInterface({ k: t.literal("i"), s: isFiniteNumber });

export type WireCapture = t.static<typeof captureSchema>;
export type WireScreen = t.static<typeof screenSchema>;
export type WireException = t.static<typeof exceptionSchema>;
export type WireContext = t.static<typeof contextSchema>;
export type WireIdle = t.static<typeof idleSchema>;
export type WireMessage = WireCapture | WireScreen | WireException | WireContext | WireIdle;
export type WireKind = WireMessage["k"];

/** The schema of each wire kind: the one place that lists the kinds the server accepts. */
export const SCHEMA_BY_WIRE_KIND: { readonly [K in WireKind]: t.check<Extract<WireMessage, { k: K }>> } = {
	c: captureSchema,
	s: screenSchema,
	e: exceptionSchema,
	x: contextSchema,
	i: idleSchema,
};

/** What one RemoteEvent fire carries. */
export interface ClientEnvelope {
	v: number;
	m: Array<WireMessage>;
}

export const envelopeSchema = t.strictInterface({ v: t.number, m: isPlainTable });

export type ClientPropertyValue = string | number | boolean;
export type ClientProperties = Record<string, ClientPropertyValue>;

/** A validated message, decoded from the wire: what the server turns into PostHog events. */
export type ClientMessage =
	| { kind: "capture"; name: string; properties?: ClientProperties }
	| { kind: "screen"; name: string; properties?: ClientProperties }
	| {
			kind: "exception";
			message: string;
			trace?: string;
			errorType?: string;
			handled: boolean;
			properties?: ClientProperties;
	  }
	| { kind: "context"; deviceType: DeviceType; platform: ClientPlatform; input: PrimaryInput }
	| { kind: "idle"; seconds: number };

export type ClientMessageKind = ClientMessage["kind"];

/** Wire code of each message kind. */
export const WIRE_KIND: { readonly [K in ClientMessageKind]: WireKind } = {
	capture: "c",
	screen: "s",
	exception: "e",
	context: "x",
	idle: "i",
};

/** The wire form of a message (the client's side of the decoding acceptClientMessage does). */
export function encodeClientMessage(message: ClientMessage): WireMessage {
	switch (message.kind) {
		case "capture":
			return { k: "c", n: message.name, p: message.properties };
		case "screen":
			return { k: "s", n: message.name, p: message.properties };
		case "exception":
			return {
				k: "e",
				m: message.message,
				t: message.trace,
				y: message.errorType,
				h: message.handled,
				p: message.properties,
			};
		case "context":
			return { k: "x", d: message.deviceType, o: message.platform, i: message.input };
		case "idle":
			return { k: "i", s: message.seconds };
	}
}
