'use strict';
const { PrismaClient } = require('@prisma/client');

// One client (and one connection pool) for the whole process.
const prisma = new PrismaClient();

module.exports = { prisma };
