// Journeys: the vendor completes one report and returns another for clarification with a reason;
// the distributor reads the reason and sends the report back to its partner; the vendor keeps
// sight of it all the same. Older months only, so the month-end journey's October is untouched.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const VENDOR = 'vera@vendor.example';
const DISTRIBUTOR = 'lukas@atlas-distribution.example';

/** Opens the first report of the vendor's to-do for `partner` (oldest cycle first). */
async function openOldestSubmitted(page, partner) {
  await page.goto(`/?partner=${encodeURIComponent(partner)}`);
  await expect(page.locator('table.reports tbody tr').first()).toContainText('Submitted to vendor');
  await page.locator('table.reports tbody td.partner a').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+(\?list=.*)?$/);
  await waitForHydration(page);
  await expect(page.getByRole('region', { name: 'Your decision' })).toBeVisible();
}

test('the vendor completes one report and returns another; it stays in sight after the distributor rejects it', async ({ browser }) => {
  const vendor = await (await browser.newContext({ viewport: VIEWPORTS.desktop })).newPage();
  const vendorConsole = watchConsole(vendor);
  await signIn(vendor, VENDOR);

  // Complete: asked first, then read-only for good.
  await openOldestSubmitted(vendor, 'Lumière Informatique');
  await vendor.getByRole('button', { name: 'Complete…' }).click();
  await vendor.getByRole('button', { name: 'Yes, complete it' }).click();
  await expect(vendor.locator('.report-head .badge')).toHaveText('Completed');
  await expect(vendor.locator('table.history tbody tr').first()).toContainText('Completed');

  // Return for clarification: a reason is required, and said at the field.
  await openOldestSubmitted(vendor, 'Rheinland Systemhaus');
  const returned = vendor.url().replace(/\?.*$/, '');
  await vendor.getByRole('button', { name: 'Return for clarification' }).click();
  await expect(vendor.locator('#reason-error')).toContainText('Please give a reason');
  const reason = 'Please confirm the seat count for the endpoint suite.';
  await vendor.getByLabel('Reason for returning it to the distributor').fill(reason);
  await vendor.getByRole('button', { name: 'Return for clarification' }).click();
  await expect(vendor.locator('.report-head')).toContainText('returned by vendor');
  await expect(vendor.locator('table.history tbody tr').first()).toContainText(reason);
  await screenshot(vendor, 'vendor-returned-desktop');

  // The distributor reads why, and sends it back to the partner.
  const distributor = await (await browser.newContext({ viewport: VIEWPORTS.phone })).newPage();
  const distributorConsole = watchConsole(distributor);
  await signIn(distributor, DISTRIBUTOR);
  await distributor.goto(returned);
  await waitForHydration(distributor);
  await expect(distributor.locator('.report-head')).toContainText('returned by vendor');
  await expect(distributor.locator('table.history tbody tr').first()).toContainText(reason);
  await screenshot(distributor, 'vendor-returned-distributor-phone');
  await distributor.getByLabel('Reason for returning it to the partner').fill('The vendor asks about the endpoint suite; please check the seats.');
  await distributor.getByRole('button', { name: 'Return to partner' }).click();
  await expect(distributor.locator('.report-head .badge')).toContainText('Rejected');

  // The vendor still has it: on its list of everything it received, and open, with the history.
  await vendor.goto('/?view=all&partner=Rheinland%20Systemhaus');
  const row = vendor.locator('table.reports tbody tr').filter({ hasText: 'Rejected' });
  await expect(row).toHaveCount(1);
  await row.locator('td.partner a').click();
  await expect(vendor.locator('.report-head .badge')).toContainText('Rejected');
  await expect(vendor.locator('table.history')).toContainText(reason);
  // Nothing is the vendor's to do on it now.
  await expect(vendor.getByRole('button', { name: 'Complete…' })).toHaveCount(0);
  await screenshot(vendor, 'vendor-keeps-sight-desktop');

  const expected = (errors) => errors.filter((e) => !/status of 4\d\d/.test(e) && !/\/api\/reports\/act/.test(e));
  expect(expected(vendorConsole.errors)).toEqual([]);
  expect(expected(distributorConsole.errors)).toEqual([]);
});
