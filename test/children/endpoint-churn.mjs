// Creates and deletes its own workload endpoint, again and again, beside other processes doing
// the same with theirs in the same workload: each delete may remove the endpoint and workload
// directories it leaves empty. Prints "done <JSON: { cycles, errors: [messages] }>".
// argv: <root> <endpoint name> <cycles>
// KVDIR_TEST_DIST (optional): the build to test (default: this repository's dist/src/).
const dist = process.env.KVDIR_TEST_DIST ?? new URL('../../dist/src/', import.meta.url).href;
const { FileBackend, WorkloadEndpointKey } = await import(`${dist}index.js`);

const [root, name, cycles] = process.argv.slice(2);
const client = new FileBackend({ root, fsync: false });
const key = new WorkloadEndpointKey({
  hostname: 'h',
  orchestratorID: 'k8s',
  workloadID: 'w',
  endpointID: name,
});
const errors = [];
for (let i = 0; i < Number(cycles); i++) {
  try {
    const value = {
      state: 'active',
      name,
      mac: 'ee:ee:ee:ee:ee:ee',
      profile_ids: [`p${i}`],
      ipv4_nets: [],
      ipv6_nets: [],
    };
    const created = await client.create({ key, value });
    const got = await client.get(key);
    if (got.revision !== created.revision)
      errors.push(`revision ${got.revision} after create returned ${created.revision}`);
    await client.delete({ key, revision: created.revision });
  } catch (err) {
    errors.push(err.message);
  }
}
await client.close();
process.stdout.write(`done ${JSON.stringify({ cycles: Number(cycles), errors })}\n`);
