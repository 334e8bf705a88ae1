'use strict';
const express = require('express');
const { prisma } = require('../db');

const router = express.Router();

// The admin dashboard's order list: every paid order with its items, however many there are.
router.get('/', async (req, res) => {
  const orders = await prisma.order.findMany({
    where: { status: req.query.status ?? 'paid' },
    include: { items: { include: { product: true } }, customer: true },
    orderBy: { createdAt: 'desc' },
  });
  res.json(orders);
});

// A customer's last orders: bounded.
router.get('/by-customer/:id', async (req, res) => {
  const orders = await prisma.order.findMany({
    where: { customerId: Number(req.params.id) },
    orderBy: { createdAt: 'desc' },
    take: 20,
  });
  res.json(orders);
});

router.post('/:id/paid', async (req, res) => {
  const order = await prisma.order.update({ where: { id: Number(req.params.id) }, data: { status: 'paid' } });
  res.json(order);
});

module.exports = router;
