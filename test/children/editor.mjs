// A stand-in for $EDITOR in the tests of `kvdir edit`: edits the file named last on its command
// line as $KVDIR_TEST_EDIT (JSON) says: { replace: [from, to] } or { text } rewrites it,
// { write: { file, text } } also writes another file meanwhile (a concurrent writer),
// { exit: n } exits with n after editing. Prints "editing <file>" on stdout.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv.at(-1);
const edit = JSON.parse(process.env.KVDIR_TEST_EDIT ?? '{}');
process.stdout.write(`editing ${file}\n`);
let text = readFileSync(file, 'utf8');
if (edit.replace !== undefined) text = text.replace(edit.replace[0], edit.replace[1]);
if (edit.text !== undefined) text = edit.text;
writeFileSync(file, text);
if (edit.write !== undefined) writeFileSync(edit.write.file, edit.write.text);
process.exitCode = edit.exit ?? 0;
