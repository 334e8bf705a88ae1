'use strict';
const express = require('express');
const { prisma } = require('../db');

const router = express.Router();
const PAGE = 50;

// The storefront's catalogue, a page at a time.
router.get('/', async (req, res) => {
  const cursor = req.query.after ? { id: Number(req.query.after) } : undefined;
  const products = await prisma.product.findMany({
    take: PAGE,
    ...(cursor ? { cursor, skip: 1 } : {}),
    orderBy: { id: 'asc' },
  });
  res.json({ products, next: products.length === PAGE ? products[products.length - 1].id : null });
});

module.exports = router;
