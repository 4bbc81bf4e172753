// Journeys: a distributor's month end (Sakura IT Distribution, whose reports no other journey
// touches). From the to-do, sorted by deadline, the oldest report opens; a line charged below
// what was used is flagged with the partner's comment; one line's code is removed and a listed
// code applied again; the report is submitted with the PO number in the same step, after a
// confirmation; the next report of the to-do is offered; the way back keeps the list's filters.
// At 375 px, at 1280 px and by keyboard only. Axe finds nothing serious on either page, and a
// German reader gets German numbers.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

const KENJI = 'kenji@sakura-it.example';
const rows = (page) => page.locator('table.reports tbody tr');

/** No serious or critical accessibility violation on the page as it is now. */
async function expectAccessible(page, what) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `${what}:\n${bad.join('\n')}`).toEqual([]);
}

/** The to-do, sorted by deadline by choice (from another order), oldest deadline first: by the
 * column heads on a wide screen, by the Order field on a phone (where the heads are hidden). */
async function openToDoByDeadline(page, phone) {
  await expect(page.getByRole('link', { name: /^To do \(\d+\)$/ })).toHaveAttribute('aria-current', 'page');
  if (phone) {
    await page.getByLabel('Order').selectOption({ label: 'Partner name' });
    await expect(page).toHaveURL(/sort=partner/);
    await page.getByLabel('Order').selectOption({ label: 'Deadline, soonest first' });
  } else {
    await page.locator('thead a.sort', { hasText: 'Cycle' }).click();
    await expect(page).toHaveURL(/sort=/);
    await page.locator('thead a.sort', { hasText: 'Deadline' }).click();
  }
  await expect(page).toHaveURL(/sort=deadline/);
  await expect(page.locator('th[aria-sort="ascending"]')).toContainText('Deadline');
  const deadlines = await page.locator('table.reports tbody td[data-label="Deadline"] time').evaluateAll(
    (times) => times.map((t) => t.getAttribute('datetime')),
  );
  expect(deadlines.length).toBeGreaterThan(1);
  expect([...deadlines].sort()).toEqual(deadlines);
  // Overdue is said in words.
  await expect(rows(page).first().locator('td[data-label="Deadline"]')).toContainText(/overdue/i);
}

/** The line charged below what was used: flagged in words, with the partner's comment. */
async function expectBelowUsedLine(page) {
  const flagged = page.locator('table.lines tbody tr', { has: page.locator('.flag-inline.below-used') }).first();
  await expect(flagged.locator('.flag-inline.below-used')).toHaveText(/below used/);
  await expect(flagged.locator('.line-comment')).toHaveText(/^“.+”$/);
  return flagged;
}

/** The first line the vendor granted a code for: opens its editor and applies the listed code. */
async function applyListedCode(page, row) {
  await row.getByRole('button', { name: /Specify|Change/ }).click();
  const listed = page.locator('.granted-codes li').first();
  await expect(listed).toBeVisible();
  const code = (await listed.locator('.code').innerText()).trim();
  await listed.getByRole('button', { name: `Use ${code}` }).click();
  await expect(page.locator('.code-editor .verified')).toContainText(`${code} verified`);
  await page.getByRole('button', { name: 'Apply and save' }).click();
  await expect(row.locator('.code')).toHaveText(code);
  return code;
}

test('at 375 px: the oldest report of the to-do, its flagged line, a code applied, removed, applied again', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.phone);
  await signIn(page, KENJI);
  await openToDoByDeadline(page, true);
  await expect(rows(page).first().locator('td.partner a')).toHaveText('Kansai Secure Works');
  await expect(rows(page).first().locator('li.marker.below_used')).toHaveText('Below used');
  await screenshot(page, 'to-do-phone');
  await rows(page).first().locator('td.partner a').click();
  await expect(page).toHaveURL(/\/reports\/\d+\?list=/);
  await waitForHydration(page);
  await expectBelowUsedLine(page);
  await screenshot(page, 'to-do-flagged-line-phone');

  // The first line is the product the vendor granted Kansai a code for.
  const row = page.locator('table.lines tbody tr:not(.editor-row)').first();
  const withCode = row;
  const code = await applyListedCode(page, row);
  await withCode.getByRole('button', { name: /^Remove/ }).click();
  await expect(page.locator('#action-notice')).toContainText('Special pricing removed');
  await expect(page.locator('#action-notice')).toBeFocused();
  await expect(page.locator('table.lines tbody .code')).toHaveCount(0);
  await expect(page.locator('table.history tbody tr').first()).toContainText('Removed special pricing');
  expect(await applyListedCode(page, row)).toBe(code);

  // The submission asks first, with the line count and the total.
  await page.getByLabel('PO number').fill('PO-KANSAI-0926');
  await page.getByRole('button', { name: /^Submit to Trend Micro/ }).click();
  await expect(page.locator('#confirm-submit')).toContainText(/\d+ lines, total invoice amount JPY [\d,]+, PO number PO-KANSAI-0926/);
  await screenshot(page, 'to-do-submit-confirmation-phone');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('#confirm-submit')).toHaveCount(0);
  await expect(page.locator('.report-head .badge')).toHaveText('Under review');
  console.expectNone();
});

test('at 1280 px: remove one code, re-apply a listed one, submit with the PO number, go on to the next report and back', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, KENJI);
  await openToDoByDeadline(page, false);
  const listUrl = page.url();
  await expect(rows(page).first().locator('td.partner a')).toHaveText('Kansai Secure Works');
  const second = (await rows(page).nth(1).locator('td.partner a').innerText()).trim();
  await screenshot(page, 'to-do-desktop');
  await expectAccessible(page, 'the to-do list');
  await rows(page).first().locator('td.partner a').click();
  await waitForHydration(page);
  await expectBelowUsedLine(page);
  await screenshot(page, 'to-do-flagged-line-desktop');
  await expectAccessible(page, 'the report');

  // The code the last visit applied comes off this one line; the others stay as they are.
  const withCode = page.locator('table.lines tbody tr:not(.editor-row)').first();
  await expect(page.locator('table.lines tbody .code')).toHaveCount(1);
  const code = (await withCode.locator('.code').innerText()).trim();
  const total = (await page.getByTestId('header-total').innerText()).trim();
  await withCode.getByRole('button', { name: /^Remove/ }).click();
  await expect(page.locator('table.lines tbody .code')).toHaveCount(0);
  await expect(page.getByTestId('header-total')).not.toHaveText(total);
  // ... and the listed code puts it back, to the same total.
  expect(await applyListedCode(page, withCode)).toBe(code);
  await expect(page.getByTestId('header-total')).toHaveText(total);

  // Submit, with the PO number typed in the same step, after the confirmation.
  await page.getByLabel('PO number').fill('PO-KANSAI-0926');
  await page.getByLabel('Comment to Trend Micro (optional)').fill('Checked line by line.');
  await page.getByRole('button', { name: /^Submit to Trend Micro/ }).click();
  const confirmation = page.locator('#confirm-submit');
  await expect(confirmation).toContainText(`total invoice amount ${total}`);
  await expect(confirmation.getByRole('button', { name: 'Yes, submit to Trend Micro' })).toBeFocused();
  await screenshot(page, 'to-do-submit-confirmation-desktop');
  await confirmation.getByRole('button', { name: 'Yes, submit to Trend Micro' }).click();
  await expect(page.locator('.report-head .badge')).toHaveText('Submitted to vendor');
  await expect(page.locator('.facts')).toContainText('PO-KANSAI-0926');
  const history = page.locator('table.history tbody tr');
  await expect(history.nth(0)).toContainText('Submitted to the vendor');
  await expect(history.nth(1)).toContainText('PO number (none) → PO-KANSAI-0926');
  await expect(page.locator('#decision-done')).toBeFocused();

  // The next report of the to-do is offered; it opens with the same list behind it.
  const next = page.getByRole('link', { name: /^Next in your to-do:/ });
  await expect(next).toContainText(second);
  await screenshot(page, 'to-do-after-submit-desktop');
  await next.click();
  await expect(page.locator('.report-head h1')).toHaveText(second);
  await waitForHydration(page);
  await expect(page.locator('#decision-done')).toHaveCount(0);
  await page.getByRole('link', { name: '← Billing reports' }).click();
  await expect(page).toHaveURL(listUrl);
  await expect(page.locator('th[aria-sort="ascending"]')).toContainText('Deadline');
  await expect(rows(page).first().locator('td.partner a')).toHaveText(second);
  console.expectNone();
});

test('by keyboard only: from the skip link to a submitted report', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, KENJI);
  await page.goto('/?sort=deadline');
  await waitForHydration(page);
  const first = (await rows(page).first().locator('td.partner a').innerText()).trim();
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  /** Presses Tab until the focused element's text matches, at most `limit` times. */
  async function tabTo(text, limit = 40) {
    for (let i = 0; i < limit; i += 1) {
      await page.keyboard.press('Tab');
      if (text.test(await focused())) return i + 1;
    }
    throw new Error(`never reached ${text} by Tab`);
  }
  // The first Tab stop skips to the reports; the first report is one more.
  expect(await tabTo(/^Skip to reports$/, 1)).toBe(1);
  await page.keyboard.press('Enter');
  expect(await tabTo(new RegExp(`^${first}`), 3)).toBeLessThanOrEqual(3);
  await page.keyboard.press('Enter');
  await expect(page.locator('.report-head h1')).toHaveText(first);
  await waitForHydration(page);

  // A submit without a PO number is refused at the field, which takes the keyboard.
  await tabTo(/^Submit to Trend Micro/, 80);
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('PO number')).toBeFocused();
  await expect(page.locator('#po-number-error')).toContainText('PO number');
  await page.keyboard.type('PO-KEYS-1');
  await tabTo(/^Submit to Trend Micro/);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Yes, submit to Trend Micro' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.report-head .badge')).toHaveText('Submitted to vendor');
  await expect(page.locator('#decision-done')).toBeFocused();
  await tabTo(/^(Next in your to-do|Back to the list)/, 3);
  console.errors.splice(0, console.errors.length, ...console.errors.filter((e) => !/422/.test(e)));
  console.expectNone();
});

test('a German reader gets German numbers, the same before and after the page comes alive', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'lukas@atlas-distribution.example');
  await page.goto('/?view=all');
  await waitForHydration(page);
  // A report under review or later has a total (one the partner is preparing has none yet).
  const priced = rows(page).filter({ has: page.locator('td[data-label="Total"]', { hasText: 'EUR' }) }).first();
  await expect(priced.locator('td[data-label="Total"]')).toHaveText(/^EUR \d{1,3}(\.\d{3})*,\d{2}$/);
  await priced.locator('td.partner a').click();
  await waitForHydration(page);
  await expect(page.getByTestId('header-total')).toHaveText(/^EUR \d{1,3}(\.\d{3})*,\d{2}$/);
  console.expectNone();
  await context.close();
});
