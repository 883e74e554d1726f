// Gets one key again and again for a while and prints what it saw as one JSON line: how many
// gets, the values read, and the error codes. argv: <root> <key path> <ms>
import { FileBackend, PathKey } from '../../dist/src/index.js';

const [root, path, ms] = process.argv.slice(2);
const client = new FileBackend({ root });
const key = new PathKey(path);
const values = new Set();
const codes = new Set();
let gets = 0;
const end = Date.now() + Number(ms);
while (Date.now() < end) {
  gets++;
  try {
    values.add(JSON.stringify((await client.get(key)).value));
  } catch (err) {
    codes.add(err.code);
  }
}
await client.close();
process.stdout.write(`${JSON.stringify({ gets, values: [...values], codes: [...codes] })}\n`);
