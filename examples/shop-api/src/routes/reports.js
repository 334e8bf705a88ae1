'use strict';
const express = require('express');
const { google } = require('googleapis');
const { prisma } = require('../db');

const router = express.Router();

// Appends every order of the month to the accountant's spreadsheet. The only place that needs
// googleapis, yet the require above loads all of it when the process starts.
router.post('/sheets', async (req, res) => {
  const month = new Date(req.body.month ?? Date.now());
  const from = new Date(month.getFullYear(), month.getMonth(), 1);
  const to = new Date(month.getFullYear(), month.getMonth() + 1, 1);
  const orders = await prisma.order.findMany({
    where: { createdAt: { gte: from, lt: to }, status: 'paid' },
    include: { customer: true },
  });

  const auth = new google.auth.GoogleAuth({ scopes: ['https://www.googleapis.com/auth/spreadsheets'] });
  const sheets = google.sheets({ version: 'v4', auth });
  await sheets.spreadsheets.values.append({
    spreadsheetId: process.env.REPORT_SHEET_ID,
    range: 'Orders!A1',
    valueInputOption: 'RAW',
    requestBody: {
      values: orders.map((o) => [o.id, o.createdAt.toISOString(), o.customer.email, o.totalCents / 100]),
    },
  });
  res.json({ exported: orders.length });
});

module.exports = router;
