'use strict';
const express = require('express');
const orders = require('./routes/orders');
const products = require('./routes/products');
const reports = require('./routes/reports');

const app = express();
app.use(express.json());
app.get('/healthz', (req, res) => res.json({ ok: true }));
app.use('/orders', orders);
app.use('/products', products);
app.use('/reports', reports);

module.exports = { app };
