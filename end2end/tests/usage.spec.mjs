// Journeys: the month's usage file, by a platform admin. A file with three bad rows is checked and
// each problem is named with its row; nothing is imported. The fixed file is checked, imported
// and the month generated; the partner then finds its new report, in MSP preparing, and a
// notice that it is ready (the bell counts it until the notices are opened). A distributor
// has no way to the page, and the server refuses it the upload itself. Screenshots at 1280 px and
// at 375 px. Runs after the other journeys (it adds a month to Blue Ridge's reports).
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const ADMIN = 'ops@billing-reports.example';
const OWEN = 'owen@blueridge-security.example';
const MONTH = '2026-11';

function file(name, rows) {
  const text = ['partner,sku,period,provisioned,used', ...rows].join('\n') + '\n';
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') };
}

/** The partner's id, as its report page shows it ("Partner #9 · …"). */
async function partnerId(page) {
  await page.locator('table.reports tbody tr a').first().click();
  const label = await page.getByText(/^Partner #\d+/).first().textContent();
  return Number(label.match(/#(\d+)/)[1]);
}

test('a usage file is checked row by row, imported and generated; the partner finds the report', async ({ browser }) => {
  const partnerContext = await browser.newContext({ viewport: VIEWPORTS.desktop });
  const partnerPage = await partnerContext.newPage();
  await signIn(partnerPage, OWEN);
  const partner = await partnerId(partnerPage);

  const context = await browser.newContext({ viewport: VIEWPORTS.desktop });
  const page = await context.newPage();
  const console = watchConsole(page);
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'Usage feed' }).click();
  await expect(page.getByRole('heading', { name: 'Usage feed' })).toBeVisible();
  await waitForHydration(page);

  // Three bad rows: an unknown partner, an unknown SKU, negative units.
  await page.setInputFiles('#usage-file', file('usage-bad.csv', [
    `${partner},TM-V1-EPS,${MONTH},120,100`,
    `99999,TM-V1-EPS,${MONTH},5,5`,
    `${partner},TM-NOPE,${MONTH},5,5`,
    `${partner},TM-CAS,${MONTH},-3,1`,
  ]));
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'nothing was imported' })).toContainText('3 problems in 4 rows');
  const problems = page.locator('table.usage-problems tbody tr');
  await expect(problems).toHaveCount(3);
  await expect(problems.nth(0)).toContainText('3');
  await expect(problems.nth(0)).toContainText('partner 99999 is not a partner');
  await expect(problems.nth(1)).toContainText('SKU "TM-NOPE" is not in the vendor\'s catalogue');
  await expect(problems.nth(2)).toContainText('provisioned units "-3" are negative');
  await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);
  const accessible = await new AxeBuilder({ page }).analyze();
  const serious = accessible.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => v.id)).toEqual([]);
  await screenshot(page, 'usage-problems-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'usage-problems-phone');
  await page.setViewportSize(VIEWPORTS.desktop);

  // The fixed file: checked, then imported, then the month generated.
  await page.setInputFiles('#usage-file', file('usage.csv', [
    `${partner},TM-V1-EPS,${MONTH},120,100`,
    `${partner},TM-EMAIL-ADV,${MONTH},40,`,
    `${partner},TM-CAS,${MONTH},30,25`,
  ]));
  await page.getByRole('button', { name: 'Check the file' }).click();
  await expect(page.getByRole('status')).toContainText('Ready to import 3 rows: 3 new');
  await page.getByRole('button', { name: 'Import 3 rows' }).click();
  await expect(page.getByRole('status')).toContainText('Imported 3 rows');
  await expect(page.getByLabel('Month')).toHaveValue(MONTH);
  await page.getByRole('button', { name: 'Generate reports' }).click();
  await expect(page.getByText('Generated 1 report for November 2026.')).toBeVisible();
  await screenshot(page, 'usage-generated-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'usage-generated-phone');
  await page.setViewportSize(VIEWPORTS.desktop);
  // Generating again creates nothing new.
  await page.getByRole('button', { name: 'Generate reports' }).click();
  await expect(page.getByText(/No new reports for November 2026/)).toBeVisible();
  await page.getByRole('link', { name: 'See the reports of November 2026' }).click();
  await expect(page.locator('table.reports tbody tr')).toHaveCount(1);
  await expect(page.locator('table.reports tbody tr').first()).toContainText('MSP preparing');
  console.expectNone();

  // The partner finds it at the top of its list, ready to check.
  await partnerPage.goto('/');
  await waitForHydration(partnerPage);
  const newest = partnerPage.locator('table.reports tbody tr').first();
  await expect(newest).toContainText('Nov 2026');
  await expect(newest).toContainText('MSP preparing');
  // And is told so: the bell counts it, the notices list it and lead to it.
  await expect(partnerPage.getByRole('link', { name: /^Notices, \d+ unread$/ })).toBeVisible();
  await partnerPage.getByRole('link', { name: /^Notices/ }).click();
  const ready = partnerPage.locator('.notice-list li', { hasText: 'Your November 2026 report is ready to check' });
  await expect(ready).toHaveClass(/new/);
  await screenshot(partnerPage, 'notices-desktop');
  await partnerPage.setViewportSize(VIEWPORTS.phone);
  await screenshot(partnerPage, 'notices-phone');
  await ready.getByRole('link').click();
  await expect(partnerPage.getByText(/^Partner #\d+/).first()).toBeVisible();
  await expect(partnerPage.getByRole('link', { name: 'Notices' })).toBeVisible();
  await partnerContext.close();
  await context.close();
});

test('a distributor has no usage page, and the server refuses it the upload', async ({ browser }) => {
  const page = await browser.newPage({ viewport: VIEWPORTS.desktop });
  await signIn(page, 'lukas@atlas-distribution.example');
  await expect(page.getByRole('link', { name: 'Usage feed' })).toHaveCount(0);
  await page.goto('/usage');
  await expect(page.getByRole('alert')).toContainText("Only the vendor's billing team and platform admins");
  const answer = await page.request.post('/usage/import?dry_run=true', {
    data: 'partner,sku,period,provisioned,used\n',
    headers: { 'Content-Type': 'text/csv', Origin: new URL(page.url()).origin },
  });
  expect(answer.status()).toBe(403);
  expect(await answer.text()).toContain("Only the vendor's billing team and platform admins");
  await page.close();
});
