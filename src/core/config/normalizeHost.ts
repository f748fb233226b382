// Turns the `host` option into the base URL every request starts with. Mirrors posthog-python's
// host handling: app hosts map to ingestion hosts, trailing slashes go. Pure string work.

/** PostHog app hosts, which do not ingest, mapped to their region's ingestion host. */
const INGESTION_HOST_BY_APP_HOST: ReadonlyMap<string, string> = new Map([
	["app.posthog.com", "https://us.i.posthog.com"],
	["us.posthog.com", "https://us.i.posthog.com"],
	["eu.posthog.com", "https://eu.i.posthog.com"],
]);

/**
 * Returns the normalized base URL (scheme added when missing, lowercase scheme, no trailing slash),
 * or undefined when `raw` is not an http(s) URL.
 */
export function normalizeHost(raw: string): string | undefined {
	const [trimmed] = raw.match("^%s*(.-)%s*$");
	let host = trimmed as string;
	if (host === "" || host.find("%s")[0] !== undefined) return undefined;

	const [scheme] = host.match("^(%a[%w+.-]*)://");
	if (scheme === undefined) {
		host = "https://" + host;
	} else {
		const lowerScheme = (scheme as string).lower();
		if (lowerScheme !== "http" && lowerScheme !== "https") return undefined;
		host = lowerScheme + host.sub((scheme as string).size() + 1);
	}
	[host] = host.gsub("/+$", "");

	const [authority, path] = host.match("^%a+://([^/?#]+)(.*)$");
	if (authority === undefined || !isAuthority(authority as string)) return undefined;
	if (path === "") return INGESTION_HOST_BY_APP_HOST.get((authority as string).lower()) ?? host;
	return host;
}

/** host, host:port or [ipv6]:port; rejects typos such as "https:/x" that leave a colon behind. */
function isAuthority(authority: string): boolean {
	if (authority.sub(1, 1) === "[") return authority.match("^%[[%x:.]+%]:?%d*$")[0] !== undefined;
	return authority.match("^[^:@]+:?%d*$")[0] !== undefined && authority.sub(-1) !== ":";
}
