// The server's end of the relay: the RemoteEvent clients fire (ReplicatedStorage.PostHogRelay). It is
// created only when the relay runs, with its handler connected before it is parented, so no fire can
// arrive before someone listens; it carries nothing but its name (no attributes, no config).
// Destroying it on stop lets clients buffer again until a new one appears.

import { ReplicatedStorage } from "@rbxts/services";
import { RELAY_REMOTE_NAME } from "../core/relay/messageSchemas";

/**
 * What a fire delivers: the engine-provided Player, the client's first argument and whether it
 * passed more than one (a well-behaved client passes exactly one envelope).
 */
export type RelayFireHandler = (player: Player, envelope: unknown, hasExtraArguments: boolean) => void;

export class RelayRemote {
	private readonly remote: RemoteEvent;
	private readonly connection: RBXScriptConnection;

	constructor(handler: RelayFireHandler) {
		const remote = new Instance("RemoteEvent");
		remote.Name = RELAY_REMOTE_NAME;
		// Only the first two arguments are named: reading `...` would copy every argument a client sent.
		this.connection = remote.OnServerEvent.Connect((player, envelope?: unknown, extra?: unknown) =>
			handler(player, envelope, extra !== undefined),
		);
		remote.Parent = ReplicatedStorage;
		this.remote = remote;
	}

	destroy() {
		this.connection.Disconnect();
		this.remote.Destroy();
	}
}
