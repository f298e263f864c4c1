/**
 * Health checks for `argocd-cm`. A sync wave only waits for what its health checks report, so every
 * CFK kind the platform uses gets one here, also where Argo CD ships a built-in (Connect, Connector,
 * ControlCenter, Kafka, KsqlDB, SchemaRegistry, Zookeeper): the built-ins report Healthy from
 * `status.phase: RUNNING` alone, which is still true right after a new spec is applied and while CFK
 * rolls the pods, so the next wave (Kafka after the controllers, …) would start at once. The
 * Application check makes waves gate across the app of apps too (Argo CD removed it in 1.8).
 *
 * Every script is tested under a real Lua 5.1 interpreter (test/unit/argocd-health.test.ts).
 */
export const HEALTH_KEY_PREFIX = 'resource.customizations.health.';

/** CFK's condition while it restarts the pods of a component one by one (a new image, config, …). */
export const ROLLING_CONDITION = 'platform.confluent.io/rolling';

/** The CFK kinds with pods: `status.phase` (RUNNING when ready), `status.conditions` with the rolling condition. */
export const COMPONENT_KINDS = ['KRaftController', 'Zookeeper', 'Kafka', 'SchemaRegistry', 'Connect', 'KsqlDB', 'KafkaRestProxy', 'ControlCenter'] as const;

/** The CFK kinds CFK creates through the Kafka (or Schema Registry) REST API: `status.state` (CREATED, ERROR) and `status.appState` (Created, Failed). */
export const APPLICATION_KINDS = ['KafkaTopic', 'ConfluentRolebinding', 'Schema'] as const;

function script(lines: readonly string[]): string {
  return [...lines, ''].join('\n');
}

function result(status: string, message: string, indent = ''): string[] {
  return [`${indent}hs.status = "${status}"`, `${indent}hs.message = ${message}`, `${indent}return hs`];
}

/** Nothing to wait for once Kubernetes is deleting the resource (CFK's finalizers run). */
function deletionGuard(): string[] {
  return ['if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then', ...result('Progressing', '"Pending deletion"', '  '), 'end'];
}

function noStatus(kind: string): string[] {
  return ['if obj.status == nil then', ...result('Progressing', `"Waiting for CFK to report the status of ${kind}"`, '  '), 'end'];
}

/**
 * A status CFK wrote for an older spec says nothing about the new one: Progressing until
 * `status.observedGeneration` reaches `metadata.generation` (the API server raises it on every spec
 * change). A CFK that writes no observedGeneration is not held back forever: the phase and the rolling
 * condition decide then.
 */
function staleGeneration(kind: string): string[] {
  return [
    'local generation = nil',
    'if obj.metadata ~= nil then generation = obj.metadata.generation end',
    'local observed = obj.status.observedGeneration',
    'if generation ~= nil and observed ~= nil and observed < generation then',
    ...result('Progressing', `"CFK has not applied generation " .. generation .. " of ${kind} yet (status is of generation " .. observed .. ")"`, '  '),
    'end',
  ];
}

function rolling(kind: string): string[] {
  return [
    'if obj.status.conditions ~= nil then',
    '  for _, condition in ipairs(obj.status.conditions) do',
    `    if condition.type == "${ROLLING_CONDITION}" and condition.status == "True" then`,
    `      local detail = ""`,
    '      if condition.message ~= nil then detail = ": " .. condition.message end',
    ...result('Progressing', `"${kind} is rolling" .. detail`, '      '),
    '    end',
    '  end',
    'end',
  ];
}

/** The first condition message CFK wrote (it puts the REST API's error there), or a fallback. */
function conditionMessage(fallback: string): string[] {
  return [
    `local message = ${fallback}`,
    'if obj.status.conditions ~= nil then',
    '  for _, condition in ipairs(obj.status.conditions) do',
    '    if condition.message ~= nil and condition.message ~= "" then',
    '      message = condition.message',
    '      break',
    '    end',
    '  end',
    'end',
  ];
}

/**
 * CFK components (pods): Progressing without a status, while the status is of an older generation and
 * while the rolling condition is True; then Healthy in phase RUNNING, Degraded in FAILED or ERROR.
 */
export function componentHealthCheck(kind: string): string {
  return script([
    'local hs = {}',
    ...deletionGuard(),
    ...noStatus(kind),
    ...staleGeneration(kind),
    ...rolling(kind),
    'local phase = obj.status.phase',
    'if phase == "RUNNING" then',
    ...result('Healthy', `"${kind} running"`, '  '),
    'end',
    'if phase == "FAILED" or phase == "ERROR" then',
    ...result('Degraded', `"${kind} phase " .. phase`, '  '),
    'end',
    'if phase == nil then phase = "not reported yet" end',
    ...result('Progressing', `"Waiting for ${kind}: phase " .. phase`),
  ]);
}

/**
 * KafkaTopic, ConfluentRolebinding, Schema: Healthy once CFK created them for the current generation;
 * Degraded when `appState` is Failed or `state` is ERROR (with or without an appState: CFK may write
 * only `state` when the REST call fails), with CFK's condition message.
 */
export function applicationHealthCheck(kind: string): string {
  return script([
    'local hs = {}',
    ...deletionGuard(),
    ...noStatus(kind),
    ...staleGeneration(kind),
    'if obj.status.appState == "Failed" or obj.status.state == "ERROR" then',
    ...conditionMessage(`"${kind} failed"`).map((line) => `  ${line}`),
    ...result('Degraded', 'message', '  '),
    'end',
    'if obj.status.state == "CREATED" or obj.status.appState == "Created" then',
    ...result('Healthy', `"${kind} created"`, '  '),
    'end',
    ...result('Progressing', `"Waiting for CFK to create ${kind}"`),
  ]);
}

/**
 * Connector (Argo CD's built-in misses the generation): like the application kinds, and the connector
 * itself must run: RUNNING with no failed task is Healthy, FAILED or a failed task Degraded, PAUSED Suspended.
 */
export function connectorHealthCheck(): string {
  return script([
    'local hs = {}',
    ...deletionGuard(),
    ...noStatus('Connector'),
    ...staleGeneration('Connector'),
    'if obj.status.appState == "Failed" or obj.status.state == "ERROR" or obj.status.connectorState == "FAILED" then',
    ...conditionMessage('"Connector failed"').map((line) => `  ${line}`),
    ...result('Degraded', 'message', '  '),
    'end',
    'if obj.status.failedTasksCount ~= nil and obj.status.failedTasksCount > 0 then',
    ...result('Degraded', '"Connector has " .. obj.status.failedTasksCount .. " failed tasks"', '  '),
    'end',
    'if obj.status.connectorState == "PAUSED" then',
    ...result('Suspended', '"Connector paused"', '  '),
    'end',
    'if obj.status.state == "CREATED" and obj.status.connectorState == "RUNNING" then',
    ...result('Healthy', '"Connector running"', '  '),
    'end',
    ...result('Progressing', '"Waiting for Connector"'),
  ]);
}

/**
 * KafkaRestClass has no phase or state (its status holds the cluster id and endpoint once resolved):
 * Healthy unless CFK reports an older generation, so a changed REST class is applied before the topics
 * and role bindings of later waves use it, and an unused one never blocks a sync.
 */
export function restClassHealthCheck(): string {
  return script([
    'local hs = {}',
    ...deletionGuard(),
    'if obj.status ~= nil then',
    ...staleGeneration('KafkaRestClass').map((line) => `  ${line}`),
    'end',
    ...result('Healthy', '"KafkaRestClass applied"'),
  ]);
}

/** Verbatim from the Argo CD operator manual (docs/operator-manual/health.md). */
export function argoApplicationHealthCheck(): string {
  return script([
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
  ]);
}

/** The argocd-cm key of a kind's health check (group_Kind). */
export function healthKey(group: string, kind: string): string {
  return `${HEALTH_KEY_PREFIX}${group}_${kind}`;
}

/** Every health check, keyed for argocd-cm, sorted by key (same bytes for the same release). */
export function healthCheckEntries(): Record<string, string> {
  const entries: Record<string, string> = { [healthKey('argoproj.io', 'Application')]: argoApplicationHealthCheck() };
  for (const kind of COMPONENT_KINDS) entries[healthKey('platform.confluent.io', kind)] = componentHealthCheck(kind);
  for (const kind of APPLICATION_KINDS) entries[healthKey('platform.confluent.io', kind)] = applicationHealthCheck(kind);
  entries[healthKey('platform.confluent.io', 'Connector')] = connectorHealthCheck();
  entries[healthKey('platform.confluent.io', 'KafkaRestClass')] = restClassHealthCheck();
  return Object.fromEntries(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
