// The environment the SDK's region and credential chains read: cleared for a test, put back after.

const AWS_ENV_KEYS = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
];

/** Clears those variables; the function returned puts back what was there. */
export function isolateAwsEnv(): () => void {
  const saved = AWS_ENV_KEYS.map((k) => [k, process.env[k]] as const);
  for (const k of AWS_ENV_KEYS) delete process.env[k];
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
