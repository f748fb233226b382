// The person properties the SDK sends with a subject's flag requests (and evaluates locally) when
// sendDefaultPersonPropertiesForFlags is on, under the game's own overrides. Names match the
// properties of the SDK's events (player_joined, $os...), so a flag can target what the events show.
// Pure.

import { membershipTypeName } from "../lifecycle/lifecycleProperties";

export interface DefaultPersonFacts {
	distinctId: string;
	/** ISO 3166 alpha-2 code from GetCountryRegionForPlayerAsync; undefined until known. */
	countryCode?: string;
	/** Player.AccountAge; undefined for subjects that are not connected players. */
	accountAgeDays?: number;
	hasRobloxSubscription?: boolean;
	/** `$os` / `$device_type` as the client relay reported them. */
	os?: string;
	deviceType?: string;
}

/**
 * `distinct_id` (as posthog-python adds it), the country under both `country_code` (our events' name)
 * and `$geoip_country_code` (what PostHog's "Country code" targeting reads, which its GeoIP cannot
 * fill for a Roblox server), `account_age_days`, `membership_type`, `$os` and `$device_type`.
 * Unknown facts are left out, so a flag that needs them is decided by PostHog.
 */
export function buildDefaultPersonProperties(facts: DefaultPersonFacts): Record<string, unknown> {
	const properties: Record<string, unknown> = { distinct_id: facts.distinctId };
	if (facts.countryCode !== undefined && facts.countryCode !== "") {
		properties.country_code = facts.countryCode;
		properties.$geoip_country_code = facts.countryCode;
	}
	if (facts.accountAgeDays !== undefined) properties.account_age_days = math.max(0, math.floor(facts.accountAgeDays));
	if (facts.hasRobloxSubscription !== undefined) {
		properties.membership_type = membershipTypeName(facts.hasRobloxSubscription);
	}
	if (facts.os !== undefined) properties.$os = facts.os;
	if (facts.deviceType !== undefined) properties.$device_type = facts.deviceType;
	return properties;
}
