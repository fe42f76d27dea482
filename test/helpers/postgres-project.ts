/** Loaded first in jest's "postgres" project: the store helpers (tmp.ts) then open PostgreSQL databases. */
process.env.PALIMPSEST_TEST_BACKEND = 'postgres';
