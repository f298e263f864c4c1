/** Kubernetes naming rules the model enforces, so a name is never the reason a sync fails later. */
export const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS1123_LABEL_RE = new RegExp(DNS1123_LABEL);

/** Room for suffixes such as `-staging-operator` inside the 63-character label limit. */
export const MAX_PLATFORM_NAME = 30;
export const MAX_ENV_NAME = 20;
export const MAX_NAMESPACE = 63;
/** A Kafka cluster's name joins its environment's in Argo CD names (<platform>-<env>-<cluster>-operator). */
export const MAX_KAFKA_CLUSTER_NAME = 20;

export function isDns1123Label(value: string, maxLength = 63): boolean {
  return value.length <= maxLength && DNS1123_LABEL_RE.test(value);
}

/** Turns a directory name into a platform name candidate ("My_Platform" → "my-platform"). */
export function suggestName(raw: string): string {
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_PLATFORM_NAME)
    .replace(/-+$/g, '');
  return cleaned || 'confluent';
}
