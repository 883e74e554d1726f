/**
 * Issue 16 through FileBackend: update and apply edit the file that is there (comments, order,
 * formatting stay), a write of the value the file holds leaves its bytes and bumps its revision,
 * creates stay plain, and a caller's own text (`{ text }`) is stored as it is.
 */
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FileBackend,
  GlobalConfigKey,
  PathKey,
  PolicyKey,
  ReadyFlagKey,
  ResourceDoesNotExistError,
  ResourceUpdateConflictError,
  ValidationError,
} from '../../../src/index.js';
import type { Key, Policy } from '../../../src/index.js';
import { encodeValue } from '../../../src/backends/file/yaml-codec.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { faultyFs } from '../../helpers/faulty-fs.js';
import { tempDir } from '../../helpers/temp-dir.js';

const WEB_TIER = `# web tier: owned by team-web
order: 10 # before the default tier
selector: role == 'web'

inbound_rules:
  # http and https from anywhere
  - action: allow
    protocol: tcp
    dst_ports: [80, 443]
outbound_rules:
  - action: allow # anywhere
`;

const webValue = () => ({
  order: 10,
  selector: "role == 'web'",
  inbound_rules: [{ action: 'allow', protocol: 'tcp', dst_ports: [80, 443] }],
  outbound_rules: [{ action: 'allow' }],
});

const policy = new PolicyKey({ name: 'web' });
const logLevel = new GlobalConfigKey({ name: 'LogSeverityScreen' });

let root: string;
let client: FileBackend;

beforeEach(async () => {
  root = join(await tempDir(), 'store');
  client = new FileBackend({ root, fsync: false });
  return () => client.close();
});

const fileOf = (key: Key) => join(root, `${key.defaultPath()}.yaml`);
const readText = (key: Key) => readFile(fileOf(key), 'utf8');

/** A value file written by hand, as a person or `git checkout` leaves it (no sidecar). */
async function handWritten(key: Key, text: string): Promise<void> {
  await mkdir(dirname(fileOf(key)), { recursive: true });
  await writeFile(fileOf(key), text);
}

describe('update and apply edit the file that is there', () => {
  const cases: Array<{ name: string; value: () => Policy; expected: string }> = [
    {
      name: 'one field changed: one line changes, its comment stays',
      value: () => ({ ...webValue(), order: 20 }),
      expected: WEB_TIER.replace('order: 10 #', 'order: 20 #'),
    },
    {
      name: 'an item added to a flow list: the list stays flow',
      value: () => {
        const value = webValue();
        value.inbound_rules[0]!.dst_ports.push(8080);
        return value;
      },
      expected: WEB_TIER.replace('[80, 443]', '[80, 443, 8080]'),
    },
    {
      name: 'a key added: a new line after the last key of its map',
      value: () => ({ ...webValue(), types: ['ingress'] }),
      expected: `${WEB_TIER}types:\n  - ingress\n`,
    },
    {
      name: 'a key removed: its line goes, the rest stays',
      value: () => {
        const { order: _order, ...rest } = webValue();
        return rest;
      },
      expected: WEB_TIER.replace('order: 10 # before the default tier\n', ''),
    },
    {
      name: 'a new rule: a list item in the style of the others, the comment above the first kept',
      value: () => {
        const value = webValue();
        value.inbound_rules.push({ action: 'deny', protocol: 'udp', dst_ports: [53] });
        return value;
      },
      expected: WEB_TIER.replace(
        '    dst_ports: [80, 443]\n',
        '    dst_ports: [80, 443]\n  - action: deny\n    protocol: udp\n    dst_ports:\n      - 53\n',
      ),
    },
  ];

  for (const op of ['update', 'apply'] as const) {
    it.each(cases)(`${op}: $name`, async ({ value, expected }) => {
      await handWritten(policy, WEB_TIER);
      const written = await client[op]({ key: policy, value: value() });
      expect(await readText(policy)).toBe(expected);
      expect(await client.get(policy)).toMatchObject({
        value: value(),
        revision: written.revision,
      });
    });
  }

  it('keeps the comments of a raw value (/calico/v1/config/...)', async () => {
    await handWritten(logLevel, '# see the runbook before raising this\nInfo # was Warning\n');
    await client.update({ key: logLevel, value: 'Debug' });
    expect(await readText(logLevel)).toBe(
      '# see the runbook before raising this\nDebug # was Warning\n',
    );
    expect((await client.get(logLevel)).value).toBe('Debug');
  });

  it('edits the file as it is under the lock, not as it was when the write was called', async () => {
    const key = new PathKey('/apps/web');
    await client.create({ key, value: { replicas: 1, image: 'nginx' } });
    // Someone edits the file by hand; a write without a revision then edits their text.
    await writeFile(fileOf(key), '# scaled by hand\nreplicas: 3\nimage: nginx # pinned\n');
    await client.update({ key, value: { replicas: 4, image: 'nginx' } });
    expect(await readText(key)).toBe('# scaled by hand\nreplicas: 4\nimage: nginx # pinned\n');
  });

  it('writes fresh text where the file cannot be edited (it does not parse)', async () => {
    await handWritten(policy, 'order: [1\n');
    await client.update({ key: policy, value: webValue() });
    expect(await readText(policy)).toBe(encodeValue('structured', webValue()));
  });

  it('keeps a file that needs no edit as kvdir wrote it: creates stay plain YAML', async () => {
    const key = new PathKey('/apps/web');
    const value = { replicas: 1, labels: { tier: 'web' }, ports: [80] };
    await client.create({ key, value });
    expect(await readText(key)).toBe(encodeValue('structured', value));
    await client.update({ key, value: { ...value, replicas: 2 } });
    expect(await readText(key)).toBe(encodeValue('structured', { ...value, replicas: 2 }));
  });

  it('writes a key that expired as a new file: plain YAML, not an edit of the expired text', async () => {
    const clock = new FakeClock();
    const timed = new FileBackend({ root, fsync: false, clock });
    const key = new PathKey('/apps/session');
    await timed.create({ key, value: { user: 'a' }, ttl: 1000 });
    await writeFile(fileOf(key), '# old\nuser: a\n');
    clock.advance(2000);
    await timed.create({ key, value: { user: 'b' } });
    expect(await readText(key)).toBe('user: b\n');
    await timed.close();
  });
});

describe('a write of the value the file holds', () => {
  it('leaves the file as it is, byte for byte (same inode), and bumps the revision', async () => {
    await handWritten(policy, WEB_TIER);
    const first = await client.update({ key: policy, value: webValue() });
    const before = await stat(fileOf(policy));
    const second = await client.apply({ key: policy, value: webValue() });
    const after = await stat(fileOf(policy));
    expect(await readText(policy)).toBe(WEB_TIER);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(second.revision).not.toBe(first.revision);
    expect((await client.get(policy)).revision).toBe(second.revision);
    // The revision it replaced is stale now: a compare-and-swap with it is a conflict.
    await expect(
      client.update({ key: policy, value: webValue(), revision: first.revision! }),
    ).rejects.toBeInstanceOf(ResourceUpdateConflictError);
  });

  it('does the same for a file kvdir wrote, and for one with no sidecar (a fresh clone)', async () => {
    const key = new PathKey('/apps/web');
    const created = await client.create({ key, value: { replicas: 1 } });
    const again = await client.update({ key, value: { replicas: 1 } });
    expect(again.revision).not.toBe(created.revision);
    expect(await readText(key)).toBe('replicas: 1\n');

    await unlink(join(dirname(fileOf(key)), '.kvdir-web.yaml.rev'));
    const clone = (await client.get(key)).revision!;
    expect(clone).toMatch(/^0\./);
    const written = await client.update({ key, value: { replicas: 1 }, revision: clone });
    expect(written.revision).not.toBe(clone);
    expect(await client.get(key)).toMatchObject({ revision: written.revision });
    expect(await readText(key)).toBe('replicas: 1\n');
  });

  it('changes nothing a reader sees when its one step (the sidecar rename) fails', async () => {
    const { fs, vol, faults } = faultyFs();
    const memory = new FileBackend({ root: '/store', fs });
    const key = new PathKey('/apps/web');
    const created = await memory.create({ key, value: { replicas: 1 } });
    faults.push({ op: 'rename', code: 'EIO' });
    await expect(memory.update({ key, value: { replicas: 1 } })).rejects.toThrow('EIO');
    faults.length = 0;
    expect(await memory.get(key)).toMatchObject({
      value: { replicas: 1 },
      revision: created.revision,
    });
    expect(Object.keys(vol.toJSON()).filter((path) => path.includes('.tmp-'))).toEqual([]);
    await memory.close();
  });
});

describe("a caller's own text ({ text })", () => {
  const text = '# three replicas: see the runbook\nreplicas: 3 # peak\nimage: nginx\n';
  const key = new PathKey('/apps/web');
  const value = { replicas: 3, image: 'nginx' };

  it('is stored as it is by create, update and apply', async () => {
    await client.create({ key, value }, { text });
    expect(await readText(key)).toBe(text);
    const other = '# two now\nreplicas: 2\nimage: nginx\n';
    await client.update({ key, value: { ...value, replicas: 2 } }, { text: other });
    expect(await readText(key)).toBe(other);
    await client.apply({ key, value }, { text });
    expect(await readText(key)).toBe(text);
    expect(await client.get(key)).toMatchObject({ value });
  });

  it('gets a final line break; a raw value takes its text too', async () => {
    await client.apply({ key: logLevel, value: 'Info' }, { text: '# quiet\nInfo' });
    expect(await readText(logLevel)).toBe('# quiet\nInfo\n');
    expect((await client.get(logLevel)).value).toBe('Info');
  });

  it('is refused, and nothing written, unless it reads back as exactly the value', async () => {
    const err = await client
      .create({ key, value: { replicas: 4, image: 'nginx' } }, { text })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toContain('field text');
    expect((err as ValidationError).message).toContain('does not read back as exactly the value');
    await expect(client.get(key)).rejects.toBeInstanceOf(ResourceDoesNotExistError);
  });

  it('names the value, not the text, when the value itself cannot be stored', async () => {
    const err = await client
      .apply({ key: new ReadyFlagKey(), value: 'maybe' as never }, { text: 'maybe' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toContain('field value');
  });

  it('must be a string', async () => {
    await expect(client.create({ key, value }, { text: 3 as unknown as string })).rejects.toThrow(
      "error with field text = '3' (a text is a string)",
    );
  });
});

describe('getText', () => {
  it('returns the file as it is, and the revision to write it back with', async () => {
    await handWritten(policy, WEB_TIER);
    const got = await client.getText(policy);
    expect(got).toEqual({
      key: policy,
      text: WEB_TIER,
      revision: (await client.get(policy)).revision,
    });
    const edited = got.text.replace('order: 10', 'order: 11');
    await client.update(
      { key: policy, value: { ...webValue(), order: 11 }, revision: got.revision },
      { text: edited },
    );
    expect(await readText(policy)).toBe(edited);
  });

  it('returns a text that does not parse, so that it can be mended', async () => {
    await handWritten(policy, 'order: [1\n');
    expect((await client.getText(policy)).text).toBe('order: [1\n');
  });

  it('fails for a key with no value file, and on a closed client', async () => {
    await expect(client.getText(policy)).rejects.toBeInstanceOf(ResourceDoesNotExistError);
    await client.close();
    await expect(client.getText(policy)).rejects.toThrow('the client is closed');
  });
});
