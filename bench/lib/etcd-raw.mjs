/**
 * The raw etcd3 client doing what EtcdBackend does, the baseline of the etcd workloads: the
 * same txns and ranges on the raw RPC layer, with the same client settings (no retries, the
 * same receive limit), values encoded with JSON.stringify and decoded with JSON.parse.
 */
import etcd3 from 'etcd3';

const once = {
  onSuccess: () => ({ dispose() {} }),
  onFailure: () => ({ dispose() {} }),
  execute: async (fn, signal = new AbortController().signal) => fn({ signal }),
};
const PAGE = 10_000;
const LOAD_BATCH = 128; // etcd's --max-txn-ops
const LOAD_WIDTH = 4;

export class RawEtcd {
  constructor(endpoint, namespace) {
    this.namespace = namespace;
    this.client = new etcd3.Etcd3({
      hosts: endpoint,
      faultHandling: { host: () => once, global: once },
      grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
    });
    this.kv = this.client.kv;
  }

  key(path, namespace = this.namespace) {
    return Buffer.from(namespace + path);
  }

  async create(path, value) {
    const key = this.key(path);
    const response = await this.kv.txn({
      compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key, value: Buffer.from(JSON.stringify(value)) } }],
    });
    if (!response.succeeded) throw new Error(`${path} exists`);
    return response.header.revision;
  }

  async update(path, value, revision) {
    const key = this.key(path);
    const response = await this.kv.txn({
      compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: revision }],
      success: [{ request_put: { key, value: Buffer.from(JSON.stringify(value)) } }],
      failure: [{ request_range: { key, count_only: true } }],
    });
    if (!response.succeeded) throw new Error(`${path}: conflict`);
    return response.header.revision;
  }

  async get(path) {
    const { kvs } = await this.kv.range({ key: this.key(path) });
    return JSON.parse(kvs[0].value.toString('utf8'));
  }

  /** A lease of `seconds`, for put(). */
  async lease(seconds) {
    return (await this.client.leaseClient.leaseGrant({ TTL: seconds })).ID;
  }

  put(path, value, lease) {
    return this.kv.put({ key: this.key(path), value: Buffer.from(JSON.stringify(value)), lease });
  }

  /**
   * Every key below `prefix`, in pages at one revision, each value JSON.parsed and kept (as a
   * list's caller keeps them: values that survive cost the garbage collector more than values
   * dropped at once). Returns the values.
   */
  async listParsed(prefix) {
    const start = this.key(`${prefix}/`);
    const end = Buffer.from(start);
    end[end.length - 1]++;
    const values = [];
    let key = start;
    let revision;
    for (;;) {
      const page = await this.kv.range({ key, range_end: end, limit: PAGE, revision });
      revision ??= page.header.revision;
      for (const kv of page.kvs) values.push(JSON.parse(kv.value.toString('utf8')));
      if (!page.more) return values;
      key = Buffer.concat([page.kvs.at(-1).key, Buffer.from([0])]);
    }
  }

  /** Puts `count` entries `[path, value] = entry(i)` under `namespace`, in txns of 128. */
  async load(namespace, count, entry) {
    const batches = Math.ceil(count / LOAD_BATCH);
    let next = 0;
    const worker = async () => {
      while (next < batches) {
        const from = next++ * LOAD_BATCH;
        const success = [];
        for (let i = from; i < Math.min(count, from + LOAD_BATCH); i++) {
          const [path, value] = entry(i);
          const put = { key: this.key(path, namespace), value: Buffer.from(JSON.stringify(value)) };
          success.push({ request_put: put });
        }
        await this.kv.txn({ success });
      }
    };
    await Promise.all(Array.from({ length: LOAD_WIDTH }, worker));
  }

  close() {
    this.client.close();
  }
}
