// Journey: open a report from the list and read it — header, lines with the discrepancy
// explained on hover and on keyboard focus, the totals row, and the history.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

test('a distributor opens a report and sees why a line differs', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'dana@summit-tech.example');
  await page.goto('/?status=completed');
  await page.locator('table.reports tbody td.partner a').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+(\?list=.*)?$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.facts .total dd')).toContainText('USD');
  await expect(page.locator('tr.totals')).toContainText('Total invoice amount');
  await expect(page.locator('table.history tbody tr').first()).toBeVisible();
  await screenshot(page, 'report-detail-desktop');

  // A line whose chargeable differs from provisioned explains itself on keyboard focus.
  const differing = page.locator('td.chargeable.discrepancy .has-tip').first();
  await expect(differing).toBeVisible();
  await expect(differing.locator('.tip')).toBeHidden();
  await differing.focus();
  await expect(differing.locator('.tip')).toBeVisible();
  await expect(differing.locator('.tip')).toContainText(/Over-provisioned|overage/);
  await page.setViewportSize(VIEWPORTS.phone);
  await screenshot(page, 'report-detail-phone');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  console.expectNone();
});

test('a partner opens its own report without any price, and not another one', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'maria@harbor-it.example');
  await page.locator('table.reports tbody td.partner a').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+(\?list=.*)?$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Harbor IT Services');
  await expect(page.locator('table.lines th', { hasText: 'Unit price' })).toHaveCount(0);
  await expect(page.locator('.facts .total')).toHaveCount(0);
  await screenshot(page, 'report-detail-partner-desktop');
  console.expectNone();

  // Report 2 belongs to another partner: it answers exactly like a report that does not exist.
  const response = await page.goto('/reports/2');
  expect(response.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Report not found' })).toBeVisible();
});
