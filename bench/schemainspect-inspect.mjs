// What a TypeScript user would reach for to read a live schema: @pgkit/schemainspect, which is
// not a dependency (install it with `npm install --no-save @pgkit/schemainspect`). Inspects the
// database, prints how many enums and tables it saw and exits. Usage: node bench/schemainspect-inspect.mjs URL
import { createClient } from '@pgkit/client';
import { get_inspector } from '@pgkit/schemainspect';

const client = createClient(process.argv[2]);
try {
  const inspected = await get_inspector(client);
  const enums = Object.keys(inspected.enums).length;
  const tables = Object.keys(inspected.tables).length;
  process.stdout.write(`${JSON.stringify({ enums, tables })}\n`);
} finally {
  await client.end();
}
