import { inspect, isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CreateNodeOptions, DocumentOptions, SchemaOptions, ToStringOptions } from 'yaml';
import { stringify } from 'yaml';
import { NOT_FAST, parseFastYaml, stringifyFast } from '../../../src/backends/file/yaml-fast.js';
import { decodeValue, parseYamlDocument } from '../../../src/backends/file/yaml-codec.js';
import { touchOf, touched, withFlowLists } from '../../helpers/yaml-texts.js';

/**
 * The fast reader must never accept a text that `yaml` (with kvdir's limits) reads differently
 * or refuses: whatever it accepts gives the very same value (Object.is for numbers: -0, NaN).
 */
let accepted = 0;

function agrees(text: string): boolean {
  const fast = parseFastYaml(text);
  if (fast === NOT_FAST) return true;
  accepted++;
  const slow = parseYamlDocument(text);
  return slow.ok && isDeepStrictEqual(fast, slow.value);
}

const TRICKY = [
  '-.5',
  '0b101',
  '0x1F',
  '0o17',
  '1e3',
  '-1E-3',
  '.inf',
  '-.Inf',
  '.NaN',
  '~',
  'null',
  'Null',
  'NULL',
  'yes',
  'no',
  'on',
  'True',
  'FALSE',
  '1.10',
  '007',
  '+12',
  '-0',
  '0.',
  '1_000',
  '',
  ' ',
  'a b',
  'a: b',
  'a:b',
  'a #b',
  '#a',
  '- a',
  '-a',
  '? a',
  ':a',
  '[a]',
  '{a}',
  'a,b',
  '&a',
  '*a',
  '!a',
  '|',
  '>',
  '%a',
  '@a',
  '`a',
  '"a"',
  "'a'",
  "it's",
  'a\nb',
  'a\tb',
  '\\',
  '\\n',
  '\u00e9t\u00e9',
  '\u2028',
  '\u0085',
  '\ufeff',
  '\u{1f600}',
  'a ',
  ' a',
  '<<',
  '__proto__',
  '---',
  '...',
  '2001-12-14',
  '12:30:45',
  'http://x/y',
  'role == \'web\' && app == "x"',
  '10.0.0.1/32',
  'fd00::1/128',
  'ee:ee:ee:ee:ee:ee',
  'x'.repeat(100),
];

const key = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_./-]{0,12}$/),
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const scalarValue = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 0.1, NaN, Infinity, -Infinity),
  fc.boolean(),
  fc.constant(null),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarValue,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
}));
const document = fc.oneof(
  fc.dictionary(key, value, { maxKeys: 6 }),
  fc.array(value, { maxLength: 5 }),
);

const OPTIONS: Array<DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions> = [
  {},
  { aliasDuplicateObjects: false },
  { indentSeq: false },
  { lineWidth: 0 },
  { lineWidth: 20, minContentWidth: 0 },
  { indent: 4 },
  { defaultStringType: 'QUOTE_DOUBLE' },
  { defaultStringType: 'QUOTE_SINGLE' },
  { defaultKeyType: 'PLAIN' },
  { doubleQuotedAsJSON: true },
  { singleQuote: true },
  { collectionStyle: 'flow' },
  { nullStr: '~', trueStr: 'True' },
];

/** Characters that change YAML structure, put into texts to make near misses. */
const NOISE = [...' \n-:#\'"[]{},&*!|>?%@`\\\t.0e~'];

describe('parseFastYaml', () => {
  it('reads what yaml stringify writes exactly as yaml does, with any of its options', () => {
    accepted = 0;
    fc.assert(
      fc.property(document, fc.constantFrom(...OPTIONS), (doc, options) => {
        let text: string;
        try {
          text = stringify(doc, options);
        } catch {
          return true; // a value yaml cannot write
        }
        return agrees(text);
      }),
      { numRuns: 3000 },
    );
    // The comparison means something only if the fast reader takes a good share of them.
    expect(accepted).toBeGreaterThan(600);
  });

  it('never accepts a near miss that yaml reads differently or refuses', () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 2 }),
      insert: fc.array(fc.constantFrom(...NOISE), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        document,
        fc.array(edit, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        (doc, edits, flow) => {
          let text = withFlowLists(doc, flow, false) ?? '';
          for (const { at, remove, insert } of edits) {
            const where = at % (text.length + 1);
            text = text.slice(0, where) + insert.join('') + text.slice(where + remove);
          }
          return agrees(text);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads hand-written variants (comments, blank lines, flow lists) exactly as yaml does', () => {
    // What people add to a file kvdir wrote: comment lines at any indentation, comments after
    // values, blank lines, and lists of scalars written `[80, 443]`; comments hold anything.
    const touch = touchOf(
      fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...NOISE, ...TRICKY)),
    );
    let variants = 0;
    fc.assert(
      fc.property(
        document,
        fc.array(touch, { maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        (doc, touches, flow, padded) => {
          const text = withFlowLists(doc, flow, padded);
          if (text === undefined) return true;
          const variant = touched(text, touches);
          const before = accepted;
          const ok = agrees(variant);
          if (accepted > before && variant !== text) variants++;
          return ok;
        },
      ),
      { numRuns: 3000 },
    );
    // Hand-written variants must be taken, not only left to yaml.
    expect(variants).toBeGreaterThan(300);
  });

  it('reads a hand-commented policy, with a flow list, as yaml does', () => {
    const text = [
      '# Frontend policy: owned by team-web',
      'order: 10 # before the default tier',
      "selector: role == 'frontend'",
      '',
      'inbound_rules:',
      '  # web and ssh',
      '  - action: allow',
      '    protocol: tcp',
      '    dst_ports: [80, 443, "22"] # no 8080',
      'outbound_rules: # anywhere',
      '  - action: allow # all of it',
      '',
    ].join('\n');
    expect(parseFastYaml(text)).not.toBe(NOT_FAST);
    expect(agrees(text)).toBe(true);
  });

  it('agrees with yaml on hand-made edge cases', () => {
    const cases = [
      'a: -.5\n',
      'a: 0b101\n',
      'a: 0x1F\n',
      'a: 1e3\n',
      'a: .inf\n',
      'a: ~\n',
      'a: null\n',
      'a: yes\n',
      "a: '1.10'\n",
      'a: 1.10\n',
      'a: ""\n',
      "a: ''\n",
      'a: "\\u00e9\\x41\\U0001F600"\n',
      'a: "\\ud83d\\ude00"\n',
      'a: "\\q"\n',
      'a: "\\uZZZZ"\n',
      '"a b": 1\n',
      "'a''b': 1\n",
      '"1": x\n',
      '1: x\n',
      'true: x\n',
      'a: 1\na: 2\n',
      'a: 1\n"a": 2\n',
      '<<: {}\n',
      '__proto__: 1\n',
      'a: [1]\n',
      'a: []\nb: {}\n',
      'a:\n- 1\n',
      'a:\n  - 1\n  - 2\n',
      '- a: 1\n  b: 2\n- c\n',
      '- - 1\n',
      '-  1\n',
      'a: b: c\n',
      'a: x # c\n',
      'a: &x 1\n',
      'a: !!str 1\n',
      'a: |\n  x\n',
      'a: long\n  text\n',
      '---\na: 1\n',
      'a: 1\n---\nb: 2\n',
      'a: 1',
      'a: 1 \n',
      'a:\n',
      'a:\nb: 1\n',
      'x\n',
      '- x\n',
      '[]\n',
      'a: 1\n\nb: 2\n',
      'a:\n    b: 1\n  c: 2\n',
      'a: "x"y\n',
      "a: 'x\n",
      'a: -\n',
      'a: - x\n',
      'a: 2001-12-14\n',
      'a: +1\n',
      'a: -0\n',
      'a: 007\n',
      'a: 12345678901234567890\n',
      'a: 0o17\n',
      'a: .NaN\n',
      '# only a comment\n',
      '\n',
      'a: 1 #\n',
      'a: 1#x\n',
      'a: x#y # z\n',
      'a: "x # y" # z\n',
      "a: 'x' #\n",
      'a: "x"#\n',
      'a: # c\n  b: 1\n',
      'a: # c\nb: 1\n',
      'a:\n# c\n  - 1\n',
      'a:\n  - 1\n    # c\n  - 2\n',
      'a: b\n# c\n  d\n',
      '- # c\n  a: 1\n',
      '- a # b: c\n',
      'a # b: c\n',
      'a: [1, 2]\n',
      'a: [ 1, 2 ]\n',
      'a: [1,2]\n',
      'a: [1, ]\n',
      'a: [, 1]\n',
      'a: [1 2]\n',
      'a: [a:b]\n',
      'a: [a: b]\n',
      'a: [-1, +2, .5, -.inf, .nan, 0x1F, 0o17, 1e3, ~, null, true, no]\n',
      'a: [-, +]\n',
      'a: [- a]\n',
      'a: ["a, b", \'c]\']\n',
      'a: [[1]]\n',
      'a: [{}]\n',
      'a: [1] # c\n',
      'a: [1] x\n',
      'a: [1\n',
      'a: [1,\n  2]\n',
      'a: [ ]\n',
      'a: {} # c\n',
      'a: {a: 1}\n',
      '- [1, 2]\n- [a]\n',
      'a: 1\n\n\nb: 2\n',
      'a:\n\n  b: 1\n',
      '  # indented first comment\na: 1\n',
      '# c \na: 1\n',
      'a: 1 # c \n',
      'a: "x\n# y\n  z"\n',
    ];
    for (const text of cases) expect(agrees(text), text).toBe(true);
  });

  it('takes the values kvdir writes (a WorkloadEndpoint, a policy), not only the fallback', () => {
    const endpoint = {
      state: 'active',
      name: 'cali1234',
      mac: 'ee:ee:ee:ee:ee:ee',
      profile_ids: ['kns.default'],
      ipv4_nets: ['10.0.0.1/32'],
      ipv6_nets: [],
      labels: { 'projectcalico.org/namespace': 'default', app: 'web' },
    };
    const policy = {
      order: 100,
      selector: "role == 'web'",
      inbound_rules: [{ action: 'allow', protocol: 'tcp', dst_ports: [80, 443] }],
      outbound_rules: [{ action: 'allow' }],
    };
    for (const value of [endpoint, policy]) {
      const text = stringify(value, { aliasDuplicateObjects: false });
      expect(parseFastYaml(text)).toEqual(value);
    }
  });

  it('leaves schema failures to yaml, with its positions', () => {
    const text =
      'state: active\nname: cali1\nmac: 5\nprofile_ids: []\nipv4_nets: []\nipv6_nets: []\n';
    const decoded = decodeValue('structured', text, 'WorkloadEndpoint');
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.failure).toMatchObject({ line: 3, col: 6 });
  });
});

describe('stringifyFast', () => {
  /** The fast writer gives up, or writes exactly what stringify writes. */
  function writesAsYaml(value: unknown): boolean {
    const fast = stringifyFast(value);
    if (fast === NOT_FAST) return true;
    written++;
    return fast === stringify(value, { aliasDuplicateObjects: false });
  }
  let written = 0;

  it('writes exactly what yaml stringify writes, or gives up', () => {
    written = 0;
    fc.assert(
      fc.property(document, (doc) => writesAsYaml(doc)),
      { numRuns: 5000 },
    );
    expect(written).toBeGreaterThan(1000);
  });

  it('writes values with keys and strings near every rule exactly as yaml does', () => {
    const word = fc.oneof(
      fc.constantFrom(...TRICKY, ...NOISE),
      fc.stringMatching(/^[ -~]{0,70}$/),
      fc.stringMatching(/^[a-z0-9 :#.-]{0,12}$/),
    );
    const leaf = fc.oneof(
      word,
      fc.integer(),
      fc.constantFrom(null, true, false, undefined, -0, 1.5),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(word, tie('tree'), { maxKeys: 3 }),
      ),
    }));
    written = 0;
    fc.assert(
      fc.property(fc.dictionary(word, tree, { maxKeys: 5 }), (doc) => writesAsYaml(doc)),
      { numRuns: 5000 },
    );
    expect(written).toBeGreaterThan(1000);
  });

  it('writes the values kvdir stores most (an endpoint, a policy) itself', () => {
    const endpoint = {
      state: 'active',
      name: 'cali1234',
      mac: 'ee:ee:ee:ee:ee:ee',
      profile_ids: ['kns.default', 'ksa.default.sa-0'],
      ipv4_nets: ['10.0.0.1/32'],
      ipv6_nets: ['fd00:10:244::1/128'],
      labels: { 'projectcalico.org/namespace': 'default', 'pod-template-hash': '000000000' },
    };
    const policy = {
      order: 100,
      selector: "role == 'web'",
      inbound_rules: [{ action: 'allow', protocol: 'tcp', dst_ports: [80, 443] }],
      outbound_rules: [{ action: 'allow' }],
      types: [],
      spec: {},
    };
    for (const value of [endpoint, policy]) {
      expect(stringifyFast(value)).toBe(stringify(value, { aliasDuplicateObjects: false }));
    }
  });

  it('gives up on what it does not write itself', () => {
    for (const value of [
      'a',
      1,
      null,
      { a: 1.5 },
      { a: '"x' },
      { a: 'long '.repeat(20) },
      { a: new Date(0) },
      { a: 10n },
      { '"a': 1 },
      { a: '\u00e9' },
      { a: 'a\nb' },
    ]) {
      expect(stringifyFast(value), inspect(value)).toBe(NOT_FAST);
    }
  });
});
