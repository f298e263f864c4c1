/**
 * Health checks for `argocd-cm`. Argo CD 3.5 ships checks for Connect, Connector, ControlCenter, Kafka,
 * KsqlDB, SchemaRegistry and Zookeeper only; without one, a resource counts as healthy the moment it
 * exists, so sync waves would not wait for KRaft controllers before starting brokers. The Application
 * check makes waves gate across the app-of-apps too (Argo CD removed it in 1.8).
 */
export const HEALTH_KEY_PREFIX = 'resource.customizations.health.';

function deletionGuard(): string[] {
  return [
    'if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then',
    '  hs.status = "Progressing"',
    '  hs.message = "Pending deletion"',
    '  return hs',
    'end',
  ];
}

/** CFK kinds that report `status.phase` (RUNNING when ready), like the built-in Kafka check. */
export function phaseHealthCheck(kind: string): string {
  return [
    'local hs = {}',
    ...deletionGuard(),
    'if obj.status ~= nil and obj.status.phase ~= nil then',
    '  if obj.status.phase == "RUNNING" then',
    '    hs.status = "Healthy"',
    `    hs.message = "${kind} running"`,
    '    return hs',
    '  end',
    '  if obj.status.phase == "FAILED" or obj.status.phase == "ERROR" then',
    '    hs.status = "Degraded"',
    `    hs.message = "${kind} phase " .. obj.status.phase`,
    '    return hs',
    '  end',
    'end',
    'hs.status = "Progressing"',
    `hs.message = "Waiting for ${kind}"`,
    'return hs',
    '',
  ].join('\n');
}

/** KafkaTopic reports `status.state` (CREATED) and `status.appState` (Created, Failed). */
export function topicHealthCheck(): string {
  return [
    'local hs = {}',
    ...deletionGuard(),
    'if obj.status ~= nil then',
    '  if obj.status.appState == "Failed" then',
    '    hs.status = "Degraded"',
    '    hs.message = "KafkaTopic failed"',
    '    return hs',
    '  end',
    '  if obj.status.state == "CREATED" or obj.status.appState == "Created" then',
    '    hs.status = "Healthy"',
    '    hs.message = "KafkaTopic created"',
    '    return hs',
    '  end',
    'end',
    'hs.status = "Progressing"',
    'hs.message = "Waiting for KafkaTopic"',
    'return hs',
    '',
  ].join('\n');
}

/** Verbatim from the Argo CD operator manual (docs/operator-manual/health.md). */
export function applicationHealthCheck(): string {
  return [
    'hs = {}',
    'hs.status = "Progressing"',
    'hs.message = ""',
    'if obj.status ~= nil then',
    '  if obj.status.health ~= nil then',
    '    hs.status = obj.status.health.status',
    '    if obj.status.health.message ~= nil then',
    '      hs.message = obj.status.health.message',
    '    end',
    '  end',
    'end',
    'return hs',
    '',
  ].join('\n');
}

export function healthCheckEntries(): Record<string, string> {
  return {
    [`${HEALTH_KEY_PREFIX}argoproj.io_Application`]: applicationHealthCheck(),
    [`${HEALTH_KEY_PREFIX}platform.confluent.io_KafkaRestProxy`]: phaseHealthCheck('KafkaRestProxy'),
    [`${HEALTH_KEY_PREFIX}platform.confluent.io_KafkaTopic`]: topicHealthCheck(),
    [`${HEALTH_KEY_PREFIX}platform.confluent.io_KRaftController`]: phaseHealthCheck('KRaftController'),
  };
}
