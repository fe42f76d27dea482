/**
 * A generator thread of the scale bench (bench/scale-gen.ts): opens the database on a connection of its own, writes
 * its share of the planned articles through bench/scale-write.ts, posts `{ versions }` per article and `{ total }`
 * at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../src/store/index.js';
import { loadMaterial } from './scale-texts.js';
import { writeArticles, type ArticlePlan } from './scale-write.js';

const { file, plans } = workerData as { file: string; plans: ArticlePlan[] };
const store = await openStore(file, { migrate: false });
try {
  const total = await writeArticles(store, loadMaterial(), plans, (versions) => parentPort?.postMessage({ versions }));
  parentPort?.postMessage({ total });
} finally {
  await store.close();
}
