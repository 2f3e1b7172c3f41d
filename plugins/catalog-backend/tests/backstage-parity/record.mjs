// Records a real Backstage's verdicts on corpus.yaml into backstage-verdicts.json.
// Run from a Backstage peer install (see ../../../../../shared/backstage-peer/README.md):
//   NODE_PATH=$BS_DIR/node_modules PORT=7007 TOKEN=... node record.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(process.env.NODE_PATH, 'x.js'));
const YAML = require('yaml');
const here = dirname(fileURLToPath(import.meta.url));
const port = process.env.PORT ?? '7007';
const token = process.env.TOKEN ?? 'backlot-peer-token-0123456789';

const docs = YAML.parseAllDocuments(readFileSync(join(here, 'corpus.yaml'), 'utf8'))
  .map(d => d.toJS())
  .filter(d => d !== null && d !== undefined);
const verdicts = [];
for (const [index, entity] of docs.entries()) {
  const res = await fetch(`http://127.0.0.1:${port}/api/catalog/validate-entity`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ entity, location: 'url:https://example.com/catalog-info.yaml' }),
  });
  const body = await res.text();
  let errors = [];
  try {
    errors = (JSON.parse(body).errors ?? []).map(e => e.message ?? String(e));
  } catch {
    errors = body ? [body] : [];
  }
  verdicts.push({ document: index, name: entity?.metadata?.name ?? null, status: res.status, valid: res.status === 200, errors });
}
writeFileSync(join(here, 'backstage-verdicts.json'), JSON.stringify(verdicts, null, 2) + '\n');
console.log(`${verdicts.length} verdicts, ${verdicts.filter(v => v.valid).length} valid`);
