// A short, stable name for one PostHog project on one host, used to name the experience storage the
// SDK shares between servers: two projects (or regions) in one experience never read each other's.
// The API key is hashed, not written: storage names show up in Roblox's dashboards.

import { sha1Hex } from "./flags/sha1";

export function projectTag(host: string, apiKey: string): string {
	return sha1Hex(`${host} ${apiKey}`).sub(1, 12);
}
