// ECS output: every field of every document is an ECS field of @elastic/ecs's definitions (or sits in the
// custom `sshtrace.*` namespace), with the type ECS gives it (keyword, long, date, ip, boolean; arrays where ECS
// normalizes to arrays) and an allowed value for the categorization fields; checked for hand-written records
// and for every record the reducer makes from generated privsep histories.
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { EcsFlat, EcsVersion } from '@elastic/ecs';
import fc from 'fast-check';
import { reduce } from '../../model';
import { ECS_VERSION, toEcs, type EcsDocument } from '../../output/ecs';
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

interface EcsField {
  type: string;
  normalize?: string[];
  allowed_values?: { name: string; expected_event_types?: string[] }[];
}
const FIELDS = EcsFlat as unknown as Record<string, EcsField>;
const CUSTOM = 'sshtrace.';

/** Dotted leaf paths; arrays of scalars are leaves (ECS stores them under one field). */
function leaves(doc: unknown, prefix = ''): [string, unknown][] {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return [[prefix, doc]];
  return Object.entries(doc).flatMap(([k, v]) => leaves(v, prefix === '' ? k : `${prefix}.${k}`));
}

function typeProblem(def: EcsField, value: unknown): string | null {
  const values = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && !def.normalize?.includes('array') && def.type !== 'keyword')
    return 'an array where ECS wants one value';
  if (!Array.isArray(value) && def.normalize?.includes('array')) return 'one value where ECS normalizes to an array';
  for (const v of values) {
    const ok = ['keyword', 'wildcard', 'match_only_text', 'text', 'constant_keyword'].includes(def.type)
      ? typeof v === 'string'
      : def.type === 'long'
        ? Number.isSafeInteger(v)
        : def.type === 'date'
          ? typeof v === 'string' && !Number.isNaN(Date.parse(v))
          : def.type === 'ip'
            ? typeof v === 'string' && isIP(v) !== 0
            : def.type === 'boolean'
              ? typeof v === 'boolean'
              : false;
    if (!ok) return `${JSON.stringify(v)} is not an ECS ${def.type}`;
    if (def.allowed_values && !def.allowed_values.some((a) => a.name === v))
      return `${JSON.stringify(v)} is not an allowed value`;
  }
  return null;
}

function assertEcs(doc: EcsDocument): void {
  for (const [path, value] of leaves(doc)) {
    if (path.startsWith(CUSTOM)) continue;
    const def = path === '@timestamp' ? FIELDS['@timestamp'] : FIELDS[path];
    assert.ok(def, `${path} is not an ECS ${EcsVersion} field (${JSON.stringify(doc)})`);
    const problem = typeProblem(def, value);
    assert.equal(problem, null, `${path}: ${problem}`);
  }
  const event = doc.event as { category: string[]; type: string[] };
  const categories = FIELDS['event.category']!.allowed_values!;
  for (const category of event.category) {
    const expected = categories.find((c) => c.name === category)?.expected_event_types ?? [];
    for (const type of event.type)
      assert.ok(expected.includes(type), `event.type ${type} is not expected with event.category ${category}`);
  }
}

const get = (d: EcsDocument, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], d);

describe('ECS mapping', () => {
  it('claims the ECS version whose definitions it is checked against', () => {
    assert.equal(ECS_VERSION, EcsVersion);
  });

  it('an attempt is an authentication event with its outcome, user and source', () => {
    const [ok] = toEcs(ACCEPTED, CONTEXT);
    const [bad] = toEcs(INVALID_USER, CONTEXT);
    [ok!, bad!].forEach(assertEcs);
    assert.deepEqual(
      [get(ok!, 'event.category'), get(ok!, 'event.action'), get(ok!, 'event.outcome')],
      [['authentication'], 'ssh_login', 'success'],
    );
    assert.deepEqual(
      [get(ok!, 'user.name'), get(ok!, 'source.ip'), get(ok!, 'source.port'), get(ok!, '@timestamp')],
      ['alice', '203.0.113.5', 52311, ACCEPTED.time],
    );
    assert.deepEqual(
      [get(bad!, 'event.outcome'), get(bad!, 'sshtrace.invalid_user'), get(bad!, 'related.ip')],
      ['failure', true, ['2001:db8::7']],
    );
  });

  it('a session gives a process document per command, then a session end', () => {
    const docs = toEcs(SESSION, CONTEXT);
    docs.forEach(assertEcs);
    assert.deepEqual(
      docs.map((d) => get(d, 'event.category')),
      [['process'], ['process'], ['process'], ['session']],
    );
    const [, ls, sleep, end] = docs;
    assert.deepEqual(
      [get(ls!, 'process.args'), get(ls!, 'process.exit_code'), get(ls!, 'process.parent.pid')],
      [['ls', '/sshtr-missing-path'], 2, 4251],
    );
    assert.deepEqual([get(sleep!, 'process.exit_code'), get(sleep!, 'sshtrace.signal')], [undefined, 9]);
    assert.deepEqual(
      [get(end!, 'event.type'), get(end!, 'event.duration'), get(end!, 'user.id')],
      [['end'], 9_572_933_000, '1001'],
    );
  });

  it('maps session starts, open sessions, connections and anomalies too', () => {
    for (const r of [SESSION_START, OPEN_SESSION, TIMED_OUT, ANOMALY]) toEcs(r, CONTEXT).forEach(assertEcs);
    assert.deepEqual(
      toEcs(OPEN_SESSION, CONTEXT).map((d) => get(d, 'event.type')),
      [['start']],
    );
    assert.deepEqual(get(toEcs(TIMED_OUT, CONTEXT)[0]!, 'event.reason'), 'login grace time expired');
  });

  for (const generation of KNOWN_GENERATION_NAMES) {
    it(`uses only ECS fields for records made from generated privsep histories (${generation})`, () => {
      fc.assert(
        fc.property(scenarioArb(generation), (scenario) => {
          for (const r of reduce(runScenario(scenario).events)) toEcs(r, CONTEXT).forEach(assertEcs);
        }),
        { numRuns: 100 },
      );
    });
  }
});
