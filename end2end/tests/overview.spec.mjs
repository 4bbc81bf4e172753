// Journey: a platform admin opens the channel overview, narrows it to one region and a range of
// cycles, and every figure followed opens the list of exactly its reports: the same count, the
// same total. The chart is looked at in the screenshots.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const ADMIN = 'ops@billing-reports.example';
const listCount = async (page) => Number((await page.locator('p.count').innerText()).replace(/\D/g, ''));

/** Sets a month field as a person would, and waits for the overview to follow. */
async function chooseMonth(page, label, month) {
  const field = page.getByLabel(label, { exact: true });
  await field.fill(month);
  await field.dispatchEvent('change');
}

for (const [name, viewport] of Object.entries(VIEWPORTS)) {
  test(`an admin narrows the overview and its figures match the list (${name})`, async ({ browser }) => {
    const page = await (await browser.newContext({ viewport })).newPage();
    const console = watchConsole(page);
    await signIn(page, ADMIN);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
    await waitForHydration(page);
    // Every region with reports has a chart and a table of the same numbers.
    await expect(page.locator('article.region-chart')).toHaveCount(4);
    await expect(page.locator('article.region-chart svg.bar-chart')).toHaveCount(4);
    await screenshot(page, `overview-all-regions-${name}`);

    // Europe, August to October 2026.
    await page.getByLabel('Region', { exact: true }).selectOption({ label: 'Europe' });
    await expect(page).toHaveURL(/region=\d+/);
    await chooseMonth(page, 'Cycle from', '2026-08');
    await expect(page).toHaveURL(/from=2026-08/);
    await chooseMonth(page, 'Cycle to', '2026-10');
    await expect(page).toHaveURL(/to=2026-10/);
    await expect(page.locator('.overview-scope')).toContainText('August 2026 to October 2026');
    await expect(page.locator('article.region-chart')).toHaveCount(1);
    await expect(page.locator('article.region-chart h3')).toHaveText('Europe · EUR');
    const bars = page.locator('article.region-chart table.chart-table tbody tr');
    await expect(bars).toHaveCount(3);
    await screenshot(page, `overview-europe-${name}`);

    // The EUR total opens the list of exactly its reports, with the same count and total.
    const total = page.locator('.overview-totals li a').first();
    await expect(total).toContainText('EUR');
    const amount = (await total.locator('.amount').innerText()).trim();
    const reports = Number((await total.locator('.muted').innerText()).replace(/\D/g, ''));
    expect(reports).toBeGreaterThan(0);
    await total.click();
    await expect(page).toHaveURL(/currency=EUR/);
    await waitForHydration(page);
    await expect(page.locator('p.count')).toBeVisible();
    expect(await listCount(page)).toBe(reports);
    await expect(page.locator('p.filter-totals')).toContainText(amount);
    await page.goBack();

    // A month's figure in the table opens that month's list.
    await expect(bars).toHaveCount(3);
    const september = bars.filter({ hasText: 'Sep 2026' });
    const monthReports = Number((await september.locator('td').first().innerText()).replace(/\D/g, ''));
    const monthTotal = (await september.locator('td a').innerText()).trim();
    await september.locator('td a').click();
    await expect(page).toHaveURL(/period=2026-09/);
    await waitForHydration(page);
    expect(await listCount(page)).toBe(monthReports);
    await expect(page.locator('p.filter-totals')).toContainText(`EUR ${monthTotal}`);
    await page.goBack();

    // A status figure opens the list in that status.
    const completed = page.locator('a.status-figure').filter({ hasText: 'Completed' });
    const completedCount = Number((await completed.locator('.figure-count').innerText()).replace(/\D/g, ''));
    await completed.click();
    await expect(page).toHaveURL(/status=completed/);
    await waitForHydration(page);
    if (completedCount === 0) {
      await expect(page.locator('p.count')).toHaveText('No reports');
    } else {
      expect(await listCount(page)).toBe(completedCount);
    }
    console.expectNone();
  });
}

test('nobody but the platform staff gets the overview', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'dana@summit-tech.example');
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' })).toHaveCount(0);
  await page.goto('/overview');
  await expect(page.getByRole('alert')).toHaveText('Only platform admins can see the overview of every region');
  await waitForHydration(page);
  // Told by the page, without a request the server would refuse.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  // Back only once the list is the page history holds: going back before would leave the site.
  await expect(page).toHaveURL(/:\d+\/$/);
  await page.goBack();
  await expect(page.getByRole('alert')).toHaveText('Only platform admins can see the overview of every region');
  console.expectNone();
});

test('a link clicked while the overview’s own files are on their way is followed', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, ADMIN);
  // The overview is loaded on demand: its WebAssembly comes after the first bundle's. Every
  // WebAssembly file after that first one is held back until the link has been clicked.
  let bundle = null;
  let holding = true;
  const held = [];
  await page.route(/\.wasm$/, (route) => {
    const url = route.request().url();
    bundle ??= url;
    if (holding && url !== bundle) held.push(route);
    else route.continue();
  });
  await page.goto('/overview');
  await expect.poll(() => held.length, { timeout: 30_000 }).toBeGreaterThan(0);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  holding = false;
  // Followed as it would be with no JavaScript: the list, from the server, then taken over.
  await expect(page).toHaveURL(/:\d+\/$/);
  await expect(page.locator('p.count')).toBeVisible();
  await Promise.all(held.map((route) => route.continue().catch(() => {})));
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await waitForHydration(page);
  console.expectNone();
});
