// Journey: open the billing reports list, filter by status, see the rows change — rendered on
// the server first, then hydrated, with no console errors on the way.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const rows = (page) => page.locator('table.reports tbody tr');
const count = async (page) => Number((await page.locator('.page-head .count').innerText()).replace(/\D/g, ''));

test('the list is server-rendered, hydrates, and filters by status', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'ops@billing-reports.example');

  await expect(rows(page).first()).toBeVisible();
  await waitForHydration(page);
  const allCount = await count(page);
  expect(allCount).toBeGreaterThan(50);
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByText('Page 1 of')).toBeVisible();
  await screenshot(page, 'reports-list-desktop');

  // Filtering happens in the browser: the URL changes and the rows are fetched again.
  await page.getByLabel('Status').selectOption({ label: 'Rejected (returned to partner)' });
  await expect(page).toHaveURL(/status=rejected/);
  await expect(page.locator('.page-head .count')).not.toHaveText(`${allCount} reports`);
  const rejected = await count(page);
  expect(rejected).toBeGreaterThan(0);
  expect(rejected).toBeLessThan(allCount);
  await expect(rows(page)).toHaveCount(rejected);
  for (const status of await page.locator('table.reports tbody td.status').allInnerTexts()) {
    expect(status).toContain('Rejected');
  }

  await page.getByLabel('Report cycle').fill('2026-10');
  await page.getByLabel('Report cycle').dispatchEvent('change');
  await expect(page).toHaveURL(/period=2026-10/);
  for (const cycle of await page.locator('table.reports tbody td[data-label="Cycle"]').allInnerTexts()) {
    expect(cycle).toBe('Oct 2026');
  }

  await page.getByLabel('Status').selectOption({ label: 'All statuses' });
  await page.getByRole('link', { name: 'Clear' }).click();
  await expect(page.locator('.page-head .count')).toHaveText(`${allCount} reports`);

  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText('Page 2 of')).toBeVisible();
  console.expectNone();
});

test('the list reads well on a phone', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.phone);
  await signIn(page, 'dana@summit-tech.example');
  await page.goto('/?status=under_review');
  await expect(rows(page).first()).toBeVisible();
  await waitForHydration(page);
  // Cards, not a sideways-scrolling table: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'reports-list-phone');
  console.expectNone();
});
