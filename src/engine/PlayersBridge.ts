// The SDK's view of Players: one place that connects PlayerAdded/PlayerRemoving (and treats players
// already in the server at Init as new joins) and fans the events out to the features that keep
// per-player state. Join listeners each get their own thread (they may yield, e.g. for the country);
// leave listeners run in order in the PlayerRemoving thread and must not yield, so the last of them
// can drop the player's state. Each is isolated with pcall so one feature's bug cannot stop the others.

import { Players } from "@rbxts/services";
import { Logger } from "../core/Logger";

export type PlayerListener = (player: Player) => void;

export class PlayersBridge {
	private readonly joinListeners = new Array<PlayerListener>();
	private readonly leaveListeners = new Array<PlayerListener>();
	private readonly connections = new Array<RBXScriptConnection>();
	private readonly seen = new Set<Player>();

	constructor(private readonly logger: Logger) {}

	onJoin(listener: PlayerListener) {
		this.joinListeners.push(listener);
	}

	onLeave(listener: PlayerListener) {
		this.leaveListeners.push(listener);
	}

	/** Connects the signals and replays players already present. Call after every listener is added. */
	start() {
		this.connections.push(Players.PlayerAdded.Connect((player) => this.join(player)));
		this.connections.push(Players.PlayerRemoving.Connect((player) => this.leave(player)));
		for (const player of Players.GetPlayers()) task.spawn(() => this.join(player));
	}

	stop() {
		for (const connection of this.connections) connection.Disconnect();
		this.connections.clear();
		this.seen.clear();
	}

	/** Players that joined (as the SDK saw them) and have not left. */
	isPresent(player: Player): boolean {
		return this.seen.has(player);
	}

	private join(player: Player) {
		if (this.seen.has(player)) return;
		this.seen.add(player);
		for (const listener of this.joinListeners) task.spawn(() => this.run(listener, player, "join"));
	}

	private leave(player: Player) {
		if (!this.seen.has(player)) return;
		for (const listener of this.leaveListeners) this.run(listener, player, "leave");
		this.seen.delete(player);
	}

	private run(listener: PlayerListener, player: Player, what: string) {
		const [ok, err] = pcall(listener, player);
		if (!ok) this.logger.throttled("error", "API_INTERNAL_ERROR", { method: `player ${what}`, error: tostring(err) });
	}
}
