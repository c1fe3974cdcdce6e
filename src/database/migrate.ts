import 'reflect-metadata';
import dataSource from './data-source';

/** `npm run migration:run`: applies pending migrations to the configured database. */
async function main() {
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date.');
  await dataSource.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
