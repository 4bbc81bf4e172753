// Journey: a distributor finds a report by typing the partner's name, specifies a Bid Desk
// Number on a line, edits the unit price it unlocks and sees the amounts and the total change
// before anything is saved; applies it (the server stores the same total), resets to the
// catalogue, applies it again, sets a PO number and submits the report to the vendor.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const headerTotal = (page) => page.getByTestId('header-total');
const linesTotal = (page) => page.getByTestId('lines-total');

/** Opens Prairie Networks' newest report under review, found through the list's filters. */
async function openPrairie(page) {
  await page.getByLabel('Partner').pressSequentially('Prairie', { delay: 30 });
  await expect(page).toHaveURL(/partner=Prairie/);
  await page.getByLabel('Status').selectOption({ label: 'Under review (all)' });
  await expect(page).toHaveURL(/status=under_review/);
  await expect(page.locator('table.reports tbody td.partner a').first()).toHaveText('Prairie Networks');
  await page.locator('table.reports tbody td.partner a').first().click();
  await expect(page).toHaveURL(/\/reports\/\d+(\?list=.*)?$/);
  await waitForHydration(page);
}

/** Opens the price editor of the first line (the product Prairie's code was issued for). */
async function specifyOnFirstLine(page) {
  const row = page.locator('table.lines tbody tr').first();
  await row.getByRole('button', { name: /Specify|Change/ }).click();
  await expect(page.getByLabel('Bid Desk Number')).toBeVisible();
}

async function verify(page, code) {
  await page.getByLabel('Bid Desk Number').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

test('a distributor applies a Bid Desk Number, previews, saves, and submits to the vendor', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'dana@summit-tech.example');
  await openPrairie(page);
  const saved = (await headerTotal(page).innerText()).trim();

  await specifyOnFirstLine(page);
  // A code the vendor never issued is refused, in words: the line's product and the reason the
  // vendor gave (the built-in price book's words, or those of the vendor's endpoint).
  await verify(page, 'BDN-NA-9999');
  await expect(page.locator('.code-editor [role=alert]')).toContainText(/Endpoint Security Core: .*(no such code|unknown code)/);
  // Prairie's own code, typed in lower case, is verified and unlocks the unit price.
  await verify(page, 'bdn-na-1003');
  await expect(page.locator('.code-editor .verified')).toContainText('BDN-NA-1003 verified');
  const price = page.getByLabel('Special unit price');
  const granted = await price.inputValue();
  expect(Number(granted)).toBeGreaterThan(0);

  // As the value is typed, the amounts and the totals follow, nothing saved yet.
  await expect(headerTotal(page).locator('.preview')).toBeVisible();
  const grantedTotal = (await headerTotal(page).locator('.preview').innerText()).trim();
  expect(grantedTotal).not.toBe(saved);
  await expect(linesTotal(page)).toHaveText(grantedTotal);

  await price.fill('abc');
  await expect(page.locator('.field-hint')).toContainText('plain number');
  await expect(page.getByRole('button', { name: 'Apply and save' })).toBeDisabled();
  await price.fill((Number(granted) - 0.01).toFixed(4));
  await expect(page.locator('.field-hint')).toContainText('at the lowest');

  const edited = (Number(granted) + 0.01).toFixed(4);
  await price.fill(edited);
  await expect(page.locator('.field-hint')).toContainText('nothing is saved');
  const previewed = (await headerTotal(page).locator('.preview').innerText()).trim();
  expect(previewed).not.toBe(grantedTotal);
  await expect(page.locator('table.lines tbody tr').first().locator('td[data-label="Unit price"] .preview')).toHaveText(edited.replace(/0+$/, '').replace(/\.$/, ''));
  await screenshot(page, 'report-pricing-preview-desktop');
  await page.setViewportSize(VIEWPORTS.phone);
  await page.locator('.code-editor').scrollIntoViewIfNeeded();
  await screenshot(page, 'report-pricing-preview-phone');
  await page.setViewportSize(VIEWPORTS.desktop);

  // Saved: the server's total is exactly the preview, and the line carries the code.
  await page.getByRole('button', { name: 'Apply and save' }).click();
  await expect(page.locator('.form-ok')).toContainText('Special pricing applied');
  await expect(headerTotal(page)).toHaveText(previewed);
  await expect(page.locator('table.lines tbody tr').first().locator('.code')).toHaveText('BDN-NA-1003');
  await expect(page.locator('table.history tbody tr').first()).toContainText('Applied special pricing');
  await expect(page.locator('table.history tbody tr').first()).toContainText(/unit price .* → /);

  // Reset: the catalogue comes back, and so does the original total.
  // It asks first, with the number of lines and the total it leads to.
  await page.getByRole('button', { name: 'Reset unit prices and channel margins' }).click();
  const question = page.locator('#confirm-reset');
  await expect(question).toContainText(/Reset \d+ lines? to the catalogue/);
  await expect(question).toContainText(saved.replace(/^[A-Z]{3} /, ''));
  await expect(question.getByRole('button', { name: /Yes, reset/ })).toBeFocused();
  await question.getByRole('button', { name: /Yes, reset/ }).click();
  await expect(headerTotal(page)).toHaveText(saved);
  await expect(page.locator('table.lines tbody tr').first().locator('.code')).toHaveCount(0);

  // Apply the granted price again, set the PO number, and send it to the vendor.
  await specifyOnFirstLine(page);
  await verify(page, 'BDN-NA-1003');
  await expect(page.getByLabel('Special unit price')).toHaveValue(granted);
  await page.getByRole('button', { name: 'Apply and save' }).click();
  await expect(headerTotal(page)).toHaveText(grantedTotal);
  await page.getByLabel('PO number').fill('PO-PRAIRIE-0926');
  await page.getByRole('button', { name: 'Save PO number' }).click();
  await expect(page.locator('.facts')).toContainText('PO-PRAIRIE-0926');
  await page.getByRole('button', { name: 'Submit to Trend Micro' }).click();
  await page.getByRole('button', { name: 'Yes, submit to Trend Micro' }).click();
  await expect(page.locator('.report-head .badge')).toHaveText('Submitted to vendor');
  await expect(headerTotal(page)).toHaveText(grantedTotal);
  // On its way to the vendor's system: the job runner delivers it.
  await expect(page.locator('.report-head .facts .delivery')).toContainText('Delivery pending');
  // Prices are frozen: nothing offers to change them any more.
  await expect(page.getByRole('button', { name: /Specify|Change/ })).toHaveCount(0);
  await screenshot(page, 'report-pricing-submitted-desktop');
  // The only failed request on the way is the refused code (422).
  expect(console.errors.filter((e) => !/422/.test(e) && !/verify-code/.test(e))).toEqual([]);
});

test('the partner sees no price, code or pricing history', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.phone);
  await signIn(page, 'maria@harbor-it.example');
  await page.locator('table.reports tbody td.partner a').first().click();
  await waitForHydration(page);
  const html = await page.content();
  for (const leak of ['Unit price', 'Amount owed', 'BDN-', 'Bid Desk', 'Total invoice', 'special pricing']) {
    expect(html).not.toContain(leak);
  }
  console.expectNone();
});
