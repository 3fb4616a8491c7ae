// Credentials pushed by the wrapper. The daemon never looks for credentials itself: it signs
// with the last set it was given, and waits while it has none.

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export class CredentialsHolder {
  private value: Credentials | undefined;
  private waiters: ((c: Credentials) => void)[] = [];

  get current(): Credentials | undefined {
    return this.value;
  }

  set(c: Credentials): void {
    this.value = c;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve(c);
  }

  /** The current credentials, or the first ones to arrive. */
  get(): Promise<Credentials> {
    if (this.value) return Promise.resolve(this.value);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
