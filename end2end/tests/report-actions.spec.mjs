// Journeys: a distributor sets a PO number and submits a report to the vendor; another returns
// one to the partner with a reason; two people act on the same report and the second is told.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

async function openUnderReview(page, partner) {
  // Everything under review, newest cycle first (the to-do would put the oldest deadline first).
  await page.goto(`/?view=all&status=under_review&partner=${encodeURIComponent(partner)}`);
  await page.locator('table.reports tbody td.partner a').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+(\?list=.*)?$/);
  await waitForHydration(page);
  await expect(page.getByRole('region', { name: 'Your decision' })).toBeVisible();
}

test('a distributor sets a PO number and submits to the vendor', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'dana@summit-tech.example');
  await openUnderReview(page, 'Blue Ridge');

  // Without a PO number the vendor cannot be sent anything; the page says why, at the field,
  // and the keyboard goes there.
  await page.getByRole('button', { name: 'Submit to Trend Micro' }).click();
  await expect(page.locator('#po-number-error')).toContainText('PO number');
  await expect(page.getByLabel('PO number')).toBeFocused();
  await expect(page.getByLabel('PO number')).toHaveAttribute('aria-invalid', 'true');

  // The server's refusal is said at the field too.
  await page.getByLabel('PO number').fill('PO<script>');
  await page.getByRole('button', { name: 'Save PO number' }).click();
  await expect(page.locator('#po-number-error')).toContainText('letters, digits');

  await page.getByLabel('PO number').fill('PO-2026-1188');
  await page.getByRole('button', { name: 'Save PO number' }).click();
  await expect(page.locator('.facts')).toContainText('PO-2026-1188');
  await screenshot(page, 'report-actions-desktop');

  await page.getByLabel('Comment to Trend Micro (optional)').fill('Checked against the console export.');
  await page.getByRole('button', { name: 'Submit to Trend Micro' }).click();
  // Asked first; cancelling sends nothing and gives the keyboard back.
  await expect(page.locator('#confirm-submit')).toContainText('PO number PO-2026-1188');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Submit to Trend Micro' })).toBeFocused();
  await page.getByRole('button', { name: 'Submit to Trend Micro' }).click();
  await page.getByRole('button', { name: 'Yes, submit to Trend Micro' }).click();
  await expect(page.locator('.report-head .badge')).toHaveText('Submitted to vendor');
  // Nothing is left to decide: the card says what happened instead.
  await expect(page.getByLabel('PO number')).toHaveCount(0);
  await expect(page.locator('#decision-done')).toHaveText('Submitted to the vendor.');
  await expect(page.locator('table.history tbody tr').first()).toContainText('Submitted to the vendor');
  await expect(page.locator('table.history tbody tr').first()).toContainText('Checked against the console export.');
  const statusErrors = console.errors.filter((e) => !/status of 422/.test(e) && !/\/api\/reports\/act/.test(e));
  expect(statusErrors).toEqual([]);
});

test('a distributor returns a report to the partner with a reason', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.phone);
  await signIn(page, 'lukas@atlas-distribution.example');
  await page.goto('/?status=under_review');
  await page.locator('table.reports tbody td.partner a').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+/);
  await waitForHydration(page);
  await expect(page.getByRole('region', { name: 'Your decision' })).toBeVisible();
  await page.getByRole('button', { name: 'Return to partner' }).click();
  // A blank reason is said under the reason, not above the PO number.
  await expect(page.locator('#reason-error')).toContainText('Please give a reason');
  await expect(page.getByLabel('Reason for returning it to the partner')).toBeFocused();
  await page.getByLabel('Reason for returning it to the partner').fill('Seat counts for Nordlys look doubled.');
  await page.getByRole('button', { name: 'Return to partner' }).click();
  await expect(page.locator('.report-head .badge')).toContainText('Rejected');
  await expect(page.locator('table.history tbody tr').first()).toContainText('Seat counts for Nordlys look doubled.');
  await screenshot(page, 'report-returned-phone');
  expect(console.errors.filter((e) => !/status of 4\d\d/.test(e) && !/\/api\/reports\/act/.test(e))).toEqual([]);
});

test('two people act on the same report: the second is told and keeps what they typed', async ({ browser }) => {
  const first = await (await browser.newContext()).newPage();
  const second = await (await browser.newContext()).newPage();
  for (const page of [first, second]) {
    await page.setViewportSize(VIEWPORTS.desktop);
    await signIn(page, 'dana@summit-tech.example');
    await openUnderReview(page, 'Lakeside');
  }
  await first.getByLabel('PO number').fill('PO-FIRST');
  await first.getByRole('button', { name: 'Save PO number' }).click();
  await expect(first.locator('.facts')).toContainText('PO-FIRST');

  await second.getByLabel('PO number').fill('PO-SECOND');
  await second.getByRole('button', { name: 'Save PO number' }).click();
  await expect(second.locator('.actions #action-notice')).toContainText('changed by someone else');
  // The current version is shown, and what the second person typed is still there to retry.
  await expect(second.locator('.facts')).toContainText('PO-FIRST');
  await expect(second.getByLabel('PO number')).toHaveValue('PO-SECOND');
  await screenshot(second, 'report-conflict-desktop');
  await second.getByRole('button', { name: 'Save PO number' }).click();
  await expect(second.locator('.facts')).toContainText('PO-SECOND');
});
