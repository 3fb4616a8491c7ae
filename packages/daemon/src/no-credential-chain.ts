// Stands in for @aws-sdk/credential-provider-node in the daemon's bundle (an esbuild alias in
// package.json). The SDK clients import the default chain for clients built without credentials;
// the daemon always gives its clients the credentials the wrapper pushed and never looks for any
// itself, so the chain (and its SSO, INI, process and metadata code) has no business in it. Should
// a client ever be built without credentials, it fails saying so instead of searching the machine.
export function defaultProvider(): () => Promise<never> {
  return () =>
    Promise.reject(
      new Error(
        'the daemon never looks for credentials itself: an SDK client was built without the credentials the wrapper pushes',
      ),
    );
}
