#!/usr/bin/env node
/**
 * The cost of editing a value file in place (issue 16) beside today's fresh text: `node
 * bench/yaml-edit.mjs [count]` after `npm run build`. Edits a ~250-byte hand-commented Calico
 * policy `count` times (one field changed, a key added, a key removed), and times `encodeValue`
 * (a new file's text: yaml-fast's writer, else `stringify`), `yaml`'s `stringify` and
 * `decodeValue` (one parse) of the same values: CPU time, the best of five rounds. Not part of
 * `npm test`.
 */
import { stringify } from 'yaml';
import { decodeValue, encodeValue } from '../dist/src/backends/file/yaml-codec.js';
import { editYamlText } from '../dist/src/backends/file/yaml-edit.js';

const count = Number(process.argv[2] ?? 2000);

const commented = `# Frontend policy: owned by team-web
order: 10 # before the default tier
selector: role == 'frontend'

inbound_rules:
  # web and ssh
  - action: allow
    protocol: tcp
    dst_ports: [80, 443, 22]
outbound_rules:
  - action: allow # anywhere
`;
const base = decodeValue('structured', commented);
if (!base.ok) throw new Error('the sample does not parse');
const plain = stringify(base.value, { aliasDuplicateObjects: false });

/** The new values: `order` changed, a key added, a key removed. */
function values(edit) {
  return Array.from({ length: count }, (_, i) => {
    const value = structuredClone(base.value);
    if (edit === 'change') value.order = 11 + (i % 50);
    else if (edit === 'add') value.types = ['ingress', `egress-${i % 50}`];
    else delete value.selector;
    return value;
  });
}

/**
 * CPU time per call (the machine may be shared: CPU time counts less of the other processes than
 * wall time), the best of five rounds.
 */
function time(name, inputs, fn) {
  for (let i = 0; i < Math.min(count, 300); i++) fn(inputs[i]); // warm up
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    for (const input of inputs) fn(input);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / inputs.length);
  }
  console.log(`${name.padEnd(48)} ${best.toFixed(1).padStart(7)} µs/op`);
  return best;
}

console.log(
  `${count} operations each, ${commented.length}-byte commented policy, node ${process.version}`,
);
const same = Array(count).fill(base.value);
time('decodeValue(commented text) (one parse)', same, () => decodeValue('structured', commented));
time('editYamlText(commented text, same value)', same, (v) =>
  editYamlText(commented, v, 'structured'),
);
for (const edit of ['change', 'add', 'remove']) {
  const inputs = values(edit);
  const fresh = time(`encodeValue(value), ${edit} (a new file's text)`, inputs, (v) =>
    encodeValue('structured', v),
  );
  time(`yaml stringify(value), ${edit}`, inputs, (v) =>
    stringify(v, { aliasDuplicateObjects: false }),
  );
  const onPlain = time(`editYamlText(plain text, value), ${edit}`, inputs, (v) =>
    editYamlText(plain, v, 'structured'),
  );
  const onCommented = time(`editYamlText(commented text, value), ${edit}`, inputs, (v) =>
    editYamlText(commented, v, 'structured'),
  );
  const extra = (onCommented - fresh).toFixed(1);
  console.log(
    `  ${edit}: commented/plain ${(onCommented / onPlain).toFixed(2)}, +${extra} µs over a new file's text`,
  );
}
