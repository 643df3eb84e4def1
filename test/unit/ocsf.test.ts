// OCSF output: every event validates against the OCSF 1.8.0 JSON Schemas (test/data/ocsf, compiled from the
// official ocsf-schema repository at tag 1.8.0; see its README) with ajv, both for hand-written records and
// for every record the reducer makes from generated privsep histories; and the mapping puts each fact where
// docs/ocsf.md says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { reduce } from '../../model';
import { toOcsf, type OcsfEvent } from '../../output/ocsf';
import { formatRecord } from '../../output/format-record';
import { runScenario, scenarioArb } from '../sim/scenario';
import { KNOWN_GENERATION_NAMES } from '../../model/versions';
import {
  ACCEPTED,
  ANOMALY,
  CONTEXT,
  INVALID_USER,
  OPEN_SESSION,
  SESSION,
  SESSION_START,
  TIMED_OUT,
} from './ocsf-ecs-records';

// The schemas travel with the repository (test/data/ocsf, gzipped), so every machine validates.
const SCHEMA_DIR = resolve(__dirname, '../../../test/data/ocsf');

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  $ref?: string;
  items?: SchemaNode;
  $defs?: Record<string, SchemaNode>;
}
interface ClassCheck {
  readonly validate: ValidateFunction;
  readonly schema: SchemaNode;
}

function validators(): Map<number, ClassCheck> {
  const ajv = new Ajv({ allErrors: true });
  const load = (name: string): ClassCheck => {
    const schema = JSON.parse(gunzipSync(readFileSync(join(SCHEMA_DIR, `${name}.gz`))).toString('utf8')) as SchemaNode;
    return { validate: ajv.compile(schema), schema };
  };
  return new Map([
    [3002, load('authentication-3002.schema.json')],
    [1007, load('process_activity-1007.schema.json')],
  ]);
}

/** The schemas leave additionalProperties open, so a misspelt attribute would pass: list keys OCSF does not declare. */
function undeclared(root: SchemaNode, node: SchemaNode, value: unknown, path: string): string[] {
  const resolved = node.$ref ? root.$defs![node.$ref.replace('#/$defs/', '')]! : node;
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclared(root, resolved.items ?? {}, v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object' || !resolved.properties) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const child = resolved.properties![key];
    if (!child) return [`${path}${key}`];
    return key === 'unmapped' ? [] : undeclared(root, child, v, `${path}${key}.`);
  });
}

function assertValid(byClass: Map<number, ClassCheck>, event: OcsfEvent): void {
  const check = byClass.get(event.class_uid as number);
  assert.ok(check, `unexpected class_uid ${String(event.class_uid)}`);
  assert.ok(check.validate(event), `${JSON.stringify(event)}\n→ ${new Ajv().errorsText(check.validate.errors)}`);
  assert.deepEqual(undeclared(check.schema, check.schema, event, ''), [], 'attributes OCSF 1.8.0 does not declare');
}

const field = (e: OcsfEvent, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], e);

describe('OCSF 1.8.0 mapping', () => {
  const byClass = validators();

  it('an accepted key is an Authentication Logon that succeeded, from its source, by sshd', () => {
    const [e] = toOcsf(ACCEPTED, CONTEXT);
    assertValid(byClass, e!);
    assert.deepEqual([e!.class_uid, e!.activity_id, e!.type_uid, e!.status_id], [3002, 1, 300201, 1]);
    assert.equal(e!.time, Date.UTC(2026, 10, 28, 12, 20, 7, 748));
    assert.deepEqual(e!.src_endpoint, { ip: '203.0.113.5', port: 52311 });
    assert.deepEqual([field(e!, 'user.name'), e!.auth_protocol_id, e!.auth_protocol], ['alice', 99, 'publickey']);
    assert.deepEqual(
      [field(e!, 'device.hostname'), field(e!, 'logon_process.pid'), field(e!, 'service.name')],
      ['bastion', 4242, 'sshd'],
    );
    assert.deepEqual(field(e!, 'unmapped.sshtrace.key'), ACCEPTED.key);
    assert.equal(field(e!, 'metadata.correlation_uid'), ACCEPTED.connection);
  });

  it('an invalid user is a failed Logon whose detail says the user does not exist', () => {
    const [e] = toOcsf(INVALID_USER, CONTEXT);
    assertValid(byClass, e!);
    assert.deepEqual(
      [e!.status_id, e!.status_detail, field(e!, 'src_endpoint.ip')],
      [2, 'USER_DOES_NOT_EXIST', '2001:db8::7'],
    );
    assert.deepEqual(e!.auth_factors, [{ factor_type_id: 11, factor_type: 'Password' }]);
  });

  it('a session gives one Process Activity Launch per command, then a Logoff at its end', () => {
    const events = toOcsf(SESSION, CONTEXT);
    for (const e of events) assertValid(byClass, e);
    assert.deepEqual(
      events.map((e) => [e.class_uid, e.activity_id]),
      [
        [1007, 1],
        [1007, 1],
        [1007, 1],
        [3002, 2],
      ],
    );
    const [shell, ls, sleep, logoff] = events;
    assert.deepEqual(
      [field(ls!, 'process.cmd_line'), field(ls!, 'process.pid'), ls!.exit_code],
      ['ls /sshtr-missing-path', 4260, 2],
    );
    assert.deepEqual(
      [field(ls!, 'process.file.path'), field(ls!, 'process.parent_process.pid')],
      ['/usr/bin/ls', 4251],
    );
    assert.deepEqual(
      [field(shell!, 'actor.user.name'), field(shell!, 'process.user.uid'), field(shell!, 'process.session.terminal')],
      ['alice', '1001', 'pts/0'],
    );
    assert.deepEqual([sleep!.exit_code, field(sleep!, 'unmapped.sshtrace.signal')], [undefined, 9]);
    assert.deepEqual(
      [logoff!.time, logoff!.duration, logoff!.logon_type_id],
      [Date.UTC(2026, 10, 28, 12, 20, 17, 321), 9573, 10],
    );
    assert.equal(logoff!.status_detail, 'client disconnected');
  });

  it('a session still open has its commands but no Logoff; a running command has no end', () => {
    const events = toOcsf(OPEN_SESSION, CONTEXT);
    for (const e of events) assertValid(byClass, e);
    assert.deepEqual(
      events.map((e) => e.class_uid),
      [1007],
    );
    assert.deepEqual([events[0]!.end_time, field(events[0]!, 'process.terminated_time')], [undefined, undefined]);
  });

  it('connections, anomalies and session starts have no OCSF event in these two classes', () => {
    for (const r of [TIMED_OUT, ANOMALY, SESSION_START]) assert.equal(formatRecord(r, 'ocsf', CONTEXT), '');
  });

  it('prints one JSON event per line', () => {
    const lines = formatRecord(SESSION, 'ocsf', CONTEXT).split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as OcsfEvent).type_uid),
      [100701, 100701, 100701, 300202],
    );
  });

  for (const generation of KNOWN_GENERATION_NAMES) {
    it(`validates every event made from generated privsep histories (${generation})`, () => {
      fc.assert(
        fc.property(scenarioArb(generation), (scenario) => {
          for (const r of reduce(runScenario(scenario).events))
            for (const e of toOcsf(r, CONTEXT)) assertValid(byClass, e);
        }),
        { numRuns: 100 },
      );
    });
  }
});
