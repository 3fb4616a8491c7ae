// What an endpoint option may be: a host name (or IP address), or an http:// or https:// URL with
// nothing after its origin. The Kinesis, CloudWatch and STS options and the schema registry's
// endpoint all take the same forms.

const HOST = /^[A-Za-z0-9.-]+$/;

export function isHostName(value: string): boolean {
  return HOST.test(value);
}

/** The origin of an http(s) URL without credentials, path, query or fragment; else undefined. */
export function urlOrigin(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!url.hostname || url.username || url.password || url.pathname !== '/') return undefined;
  if (url.search || url.hash) return undefined;
  return url.origin;
}
