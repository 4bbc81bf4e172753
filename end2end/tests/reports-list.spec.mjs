// Journey: open the billing reports list, filter by status, see the rows change — rendered on
// the server first, then hydrated, with no console errors on the way.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const rows = (page) => page.locator('table.reports tbody tr');
const countText = (page) => page.locator('p.count');
const count = async (page) => Number((await countText(page).innerText()).replace(/\D/g, ''));

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
  // A platform admin has no to-do: one list, and no choice between two.
  await expect(page.locator('nav.views')).toHaveCount(0);
  // Under the rows, the totals of every matching report, one per currency.
  await expect(page.locator('p.filter-totals')).toContainText('Total of the');
  await expect(page.locator('p.filter-totals')).toContainText('USD');
  await screenshot(page, 'reports-list-desktop');

  // The first Tab stop leads past the header, the filters and the column heads to the rows.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to reports' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.locator('table.reports tbody td.partner a').first()).toBeFocused();

  // Filtering happens in the browser: the URL changes and the rows are fetched again.
  await page.getByLabel('Status').selectOption({ label: 'Rejected (returned to partner)' });
  await expect(page).toHaveURL(/status=rejected/);
  await expect(countText(page)).not.toHaveText(`${allCount.toLocaleString('en-US')} reports`);
  const rejected = await count(page);
  expect(rejected).toBeGreaterThan(0);
  expect(rejected).toBeLessThan(allCount);
  await expect(rows(page)).toHaveCount(rejected);
  for (const status of await page.locator('table.reports tbody td.status').allInnerTexts()) {
    expect(status).toContain('Rejected');
  }

  // A range of cycles: from and to the same month is one month.
  await page.getByLabel('Cycle from').fill('2026-10');
  await page.getByLabel('Cycle from').dispatchEvent('change');
  await expect(page).toHaveURL(/from=2026-10/);
  await page.getByLabel('Cycle to').fill('2026-10');
  await page.getByLabel('Cycle to').dispatchEvent('change');
  await expect(page).toHaveURL(/period=2026-10/);
  // Waits for the filtered list to replace the one before (reading the rows at once could
  // still see a row of the wider range).
  const cycles = page.locator('table.reports tbody td[data-label="Cycle"]');
  await expect(cycles.first()).toHaveText('Oct 2026');
  await expect(cycles.filter({ hasNotText: 'Oct 2026' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL((url) => url.search === '');
  await expect(countText(page)).toHaveText(`${allCount.toLocaleString('en-US')} reports`);

  // Admins filter by region and distributor; the distributor choices follow the region.
  await page.getByLabel('Region').selectOption({ label: 'Europe' });
  await expect(page).toHaveURL(/region=\d+/);
  await expect(page.getByLabel('Distributor').locator('option')).toHaveText(['All distributors', 'Atlas Distribution Europe']);
  await expect(page.locator('table.reports tbody td[data-label="Region"]').first()).toHaveText('Europe');
  await expect(countText(page)).toHaveText('36 reports');
  for (const region of await page.locator('table.reports tbody td[data-label="Region"]').allInnerTexts()) {
    expect(region).toBe('Europe');
  }
  await page.getByLabel('Distributor').selectOption({ label: 'Atlas Distribution Europe' });
  await expect(page).toHaveURL(/distributor=\d+/);
  await expect(page.locator('table.reports tbody td[data-label="Distributor"]').first()).toHaveText('Atlas Distribution Europe');
  for (const name of await page.locator('table.reports tbody td[data-label="Distributor"]').allInnerTexts()) {
    expect(name).toBe('Atlas Distribution Europe');
  }
  // Sortable columns: the largest total first, then the header says so.
  await page.getByRole('link', { name: 'Total invoice' }).click();
  await expect(page).toHaveURL(/sort=total/);
  await expect(page.locator('th[aria-sort="descending"]')).toContainText('Total invoice');
  // The export links carry the same filter.
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /\/reports\/export\.csv\?.*distributor=\d+/);
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(countText(page)).toHaveText(`${allCount.toLocaleString('en-US')} reports`);

  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText('Page 2 of')).toBeVisible();
  console.expectNone();
});

test('the list reads well on a phone', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.phone);
  await signIn(page, 'dana@summit-tech.example');
  await page.goto('/?view=all&status=under_review');
  await expect(rows(page).first()).toBeVisible();
  await waitForHydration(page);
  // Cards, not a sideways-scrolling table: nothing wider than the screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await screenshot(page, 'reports-list-phone');

  // The partner filter follows the typing: no button to press, the list catches up.
  await page.getByLabel('Status').selectOption({ label: 'All statuses' });
  await expect(page).toHaveURL((url) => url.search === '?view=all');
  await page.getByLabel('Partner').pressSequentially('harb', { delay: 40 });
  await expect(page).toHaveURL(/partner=harb/);
  await expect(page.getByLabel('Partner')).toBeFocused();
  await expect(countText(page)).toHaveText('12 reports');
  await expect(page.locator('table.reports tbody td.partner a').first()).toContainText('Harbor');
  for (const name of await page.locator('table.reports tbody td.partner a').allInnerTexts()) {
    expect(name).toContain('Harbor');
  }
  await screenshot(page, 'reports-list-search-phone');
  console.expectNone();
});

test('a distributor opens on its to-do and can get to everything', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'dana@summit-tech.example');
  await expect(rows(page).first()).toBeVisible();

  // The to-do: reports under review, the review deadline that runs out first on top.
  const toDo = page.getByRole('link', { name: /^To do \(\d+\)$/ });
  const all = page.getByRole('link', { name: /^All reports \(\d+\)$/ });
  await expect(toDo).toHaveAttribute('aria-current', 'page');
  await expect(all).not.toHaveAttribute('aria-current', 'page');
  for (const status of await page.locator('table.reports tbody td.status').allInnerTexts()) {
    expect(status).toContain('Under review');
  }
  await expect(page.locator('th[aria-sort="ascending"]')).toContainText('Deadline');
  const toDoCount = await count(page);
  expect(await toDo.innerText()).toBe(`To do (${toDoCount})`);
  await screenshot(page, 'reports-to-do-desktop');

  // Everything is one click away, and Back returns to the to-do.
  await all.click();
  await expect(page).toHaveURL(/view=all/);
  await expect(all).toHaveAttribute('aria-current', 'page');
  await expect(countText(page)).not.toHaveText(`${toDoCount} reports`);
  expect(await count(page)).toBeGreaterThan(toDoCount);
  await page.goBack();
  await expect(toDo).toHaveAttribute('aria-current', 'page');
  await expect(countText(page)).toHaveText(`${toDoCount} reports`);

  // Flags: a word on each row, and a filter. The whole list is read once it has replaced the
  // to-do, so that the filtered count below is not the whole list's.
  await all.click();
  await expect(all).toHaveAttribute('aria-current', 'page');
  await expect(countText(page)).not.toHaveText(`${toDoCount} reports`);
  const everything = await countText(page).innerText();
  await page.getByRole('combobox', { name: 'Flags' }).selectOption({ label: 'Charged below usage' });
  await expect(page).toHaveURL(/flag=below_used/);
  // The count is read once the filtered list has replaced the whole one.
  await expect(countText(page)).not.toHaveText(everything);
  await expect(rows(page).first()).toBeVisible();
  const flagged = await count(page);
  await expect(page.locator('table.reports tbody li.marker.below_used')).toHaveCount(Math.min(flagged, 50));
  await expect(page.locator('table.reports tbody li.marker.below_used').first()).toHaveText('Below used');
  console.expectNone();
});
