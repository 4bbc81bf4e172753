// Journey: open the billing reports list, filter by status, see the rows change — rendered on
// the server first, then hydrated, with no console errors on the way.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, waitForHydration, watchConsole } from './helpers.mjs';

test('the list is server-rendered, hydrates, and filters by status', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.goto('/');

  const rows = page.locator('table.reports tbody tr');
  await expect(rows.first()).toBeVisible();
  const allCount = await rows.count();
  expect(allCount).toBeGreaterThan(1);
  await waitForHydration(page);
  await screenshot(page, 'reports-list-desktop');

  await page.getByLabel('Status').selectOption({ label: 'Completed' });
  await expect(page).toHaveURL(/status=completed/);
  await expect(page.locator('table.reports tbody tr td.status').first()).toContainText('Completed');
  const completed = await rows.count();
  expect(completed).toBeGreaterThan(0);
  expect(completed).toBeLessThan(allCount);
  for (const status of await page.locator('table.reports tbody td.status').allInnerTexts()) {
    expect(status).toContain('Completed');
  }

  await page.getByLabel('Status').selectOption({ label: 'All statuses' });
  await expect(rows).toHaveCount(allCount);
  console.expectNone();
});

test('the list reads well on a phone', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.phone);
  await page.goto('/?status=under_review');
  await expect(page.locator('table.reports tbody tr').first()).toBeVisible();
  await waitForHydration(page);
  // Cards, not a sideways-scrolling table: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'reports-list-phone');
  console.expectNone();
});
