// Real databases, no Docker: PostgreSQL runs locally (override with the same variables).
process.env.BACKSTAGE_TEST_DISABLE_DOCKER ??= '1';
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';
