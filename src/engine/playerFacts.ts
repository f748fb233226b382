// What lifecycle autocapture reads from the engine about the server and its players (platform.md
// §4), as plain values for core/lifecycle's builders. Every read that can fail is guarded: a missing
// property or a failing engine call gives "unknown", never an error.

import { LocalizationService, Players } from "@rbxts/services";
import { ServerStartedInput } from "../core/lifecycle/lifecycleProperties";
import { Completion } from "./Completion";

/** What a server_started event needs, read now. */
export function readServerStartFacts(): ServerStartedInput {
	return {
		playerCount: playerCount(),
		maxPlayers: Players.MaxPlayers,
		privateServerId: game.PrivateServerId,
		privateServerOwnerId: game.PrivateServerOwnerId,
	};
}

/** Players in the server now (a leaving player is still counted inside PlayerRemoving). */
export function playerCount(): number {
	return Players.GetPlayers().size();
}

/** Whether `player` is still in the game (a left player is unparented from Players). */
export function isInGame(player: Player): boolean {
	return player.Parent === Players;
}

export interface JoinFacts {
	/** GetJoinData().TeleportData: anything the client's previous server (or the client) put there. */
	teleportData: unknown;
	/** GetJoinData().SourcePlaceId is set: the player arrived by a server-initiated teleport. */
	arrivedByTeleport: boolean;
	accountAgeDays: number;
	/** Player.HasRobloxSubscription, or MembershipType == Premium where that property is missing. */
	hasRobloxSubscription?: boolean;
}

/** Reads a joining player's facts; never yields, never raises. */
export function readJoinFacts(player: Player): JoinFacts {
	const [joinOk, joinData] = pcall(() => player.GetJoinData());
	const data = joinOk && typeIs(joinData, "table") ? joinData : undefined;
	return {
		teleportData: data?.TeleportData,
		arrivedByTeleport: typeIs(data?.SourcePlaceId, "number"),
		accountAgeDays: player.AccountAge,
		hasRobloxSubscription: readSubscription(player),
	};
}

function readSubscription(player: Player): boolean | undefined {
	const [ok, value] = pcall(() => player.HasRobloxSubscription);
	if (ok && typeIs(value, "boolean")) return value;
	const [membershipOk, membership] = pcall(() => player.MembershipType);
	if (membershipOk && typeIs(membership, "EnumItem")) return membership === Enum.MembershipType.Premium;
	return undefined;
}

/**
 * One GetCountryRegionForPlayerAsync per Player, shared by every feature that needs the country
 * (lifecycle events, flag properties). Weak keys: a departed Player's entry goes with it.
 */
const countryLookups = new WeakMap<Player, Completion<string | undefined>>();

function countryLookup(player: Player): Completion<string | undefined> {
	let lookup = countryLookups.get(player);
	if (lookup !== undefined) return lookup;
	const started = new Completion<string | undefined>();
	countryLookups.set(player, started);
	task.spawn(() => {
		const [ok, result] = pcall(() => LocalizationService.GetCountryRegionForPlayerAsync(player));
		started.complete(ok && typeIs(result, "string") && result !== "" ? result : undefined);
	});
	lookup = started;
	return lookup;
}

/**
 * Looks up the player's country (GetCountryRegionForPlayerAsync, which yields; started once per
 * player however many callers ask) and YIELDS until it answers or `timeoutSeconds` pass. `onAnswer`
 * gets the code (undefined when the lookup failed) whenever the lookup ends, even after the timeout,
 * so a late answer can still be used. Returns the code when it came in time.
 */
export function lookupCountryCode(
	player: Player,
	timeoutSeconds: number,
	onAnswer: (countryCode: string | undefined) => void,
): string | undefined {
	const lookup = countryLookup(player);
	lookup.onComplete(onAnswer);
	const result = lookup.wait(timeoutSeconds);
	return result.done ? result.value : undefined;
}
