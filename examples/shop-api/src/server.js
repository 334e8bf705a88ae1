// Entry point (package.json "main" and "start"): `npm start` on Render, Fly.io or Heroku.
'use strict';
const { app } = require('./app');
const { prisma } = require('./db');

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, () => console.log(`shop-api listening on http://127.0.0.1:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => server.close(() => prisma.$disconnect().finally(() => process.exit(0))));
}
