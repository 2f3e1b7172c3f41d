// Records the relations a real Backstage serves for Backlot's demo catalog into
// backstage-demo-relations.json. Start the peer with
//   EXTRA_LOCATION=<repo>/examples/demo-catalog/all.yaml run-backstage.sh start
// then: PORT=7007 TOKEN=... node record-relations.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = process.env.PORT ?? '7007';
const token = process.env.TOKEN ?? 'backlot-peer-token-0123456789';

const res = await fetch(`http://127.0.0.1:${port}/api/catalog/entities/by-query?limit=1000`, {
  headers: { authorization: `Bearer ${token}` },
});
const { items } = await res.json();
const out = {};
for (const e of items) {
  const origin = e.metadata?.annotations?.['backstage.io/managed-by-origin-location'] ?? '';
  if (!origin.includes('demo-catalog')) continue;
  const ref = `${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`.toLowerCase();
  out[ref] = (e.relations ?? []).map(r => [r.type, r.targetRef.toLowerCase()]).sort();
}
const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(here, 'backstage-demo-relations.json'), JSON.stringify(sorted, null, 1) + '\n');
console.log(`${Object.keys(sorted).length} entities recorded`);
