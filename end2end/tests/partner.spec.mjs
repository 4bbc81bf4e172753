// Journeys of a partner: the list with its deadlines, lowering a chargeable (told a comment is
// needed, writes it, saves, reloads and finds it kept), a refused submit that names and focuses
// the line, a submit the distributor then sees, a return with a reason and the resubmission,
// and two tabs of the same partner where the second is told.
import { test, expect } from '@playwright/test';
import { VIEWPORTS, screenshot, signIn, waitForHydration, watchConsole } from './helpers.mjs';

/** Console errors other than the refusals the journey provokes on purpose. */
function unexpected(errors) {
  return errors.filter((e) => !/status of 4\d\d/.test(e) && !/\/api\/reports\/act/.test(e));
}

/** Opens the partner's report that is due next (it stands out in the list). */
async function openDueNext(page) {
  const row = page.locator('table.reports tbody tr.due-next');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Due next');
  await expect(row.locator('td[data-label="Deadline"]')).toContainText(/due|overdue/);
  await row.locator('td.partner a').click();
  await expect(page).toHaveURL(/\/reports\/\d+(\?list=.*)?$/);
  await waitForHydration(page);
}

/** Gives every line that still needs a comment one, through its comment box. */
async function commentEveryMarkedLine(page, text) {
  const marked = page.locator('tr.needs-comment-row textarea.comment-input');
  while ((await marked.count()) > 0) {
    await marked.first().fill(text);
  }
}

test('partner support reads a report it may not change', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize(VIEWPORTS.desktop);
  await signIn(page, 'tom@harbor-it.example');
  // The same report its administrator edits (the one due next), without a single input.
  await openDueNext(page);
  await expect(page.locator('table.lines tbody tr').first()).toBeVisible();
  await expect(page.locator('input.units-input')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Submit for review' })).toHaveCount(0);
  console.expectNone();
});

for (const [width, email, shot] of [
  ['desktop', 'maria@harbor-it.example', 'partner-report-desktop'],
  ['phone', 'camille@lumiere-informatique.example', 'partner-report-phone'],
]) {
  test(`a partner lowers a chargeable, explains it, saves and submits (${width})`, async ({ page }) => {
    const console = watchConsole(page);
    await page.setViewportSize(VIEWPORTS[width]);
    await signIn(page, email);
    await screenshot(page, `partner-list-${width}`);
    await openDueNext(page);
    await expect(page.getByTestId('deadline-callout')).toContainText('Submit by');

    // Lower the first line by one: the page says a comment is needed, and why.
    const row = page.locator('table.lines tbody tr').first();
    const units = row.locator('input.units-input');
    const before = Number((await units.inputValue()).replace(/,/g, ''));
    expect(before).toBeGreaterThan(0);
    await units.fill(String(before - 1));
    await expect(row).toHaveClass(/needs-comment-row/);
    await expect(row.locator('.field-error').last()).toContainText('A comment is needed because');
    await expect(page.getByTestId('needs-comment-count')).toContainText(/need(s)? a comment/);

    // An impossible number is named at once.
    await units.fill('99999999');
    await expect(row.locator('.field-error').first()).toContainText('must be between 0 and');
    await units.fill(String(before - 1));

    await row.locator('textarea.comment-input').fill('Two seats moved to the customer portal.');
    await expect(row).not.toHaveClass(/needs-comment-row/);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.locator('.partner-actions #action-notice')).toContainText('Draft saved');
    await screenshot(page, shot);

    // Reload: what was saved is kept.
    await page.reload();
    await waitForHydration(page);
    const again = page.locator('table.lines tbody tr').first();
    await expect(again.locator('input.units-input')).toHaveValue(String(before - 1));
    await expect(again.locator('textarea.comment-input')).toHaveValue('Two seats moved to the customer portal.');
    await expect(page.locator('table.history tbody tr').first()).toContainText('chargeable');

    // Without its comment, the lowered line blocks the submit: the page names it and takes the
    // keyboard to its comment box.
    const name = (await again.locator('.product-name').textContent()).trim();
    await again.locator('textarea.comment-input').fill('');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await expect(page.locator('.partner-actions .form-error')).toContainText(name);
    await expect(again.locator('textarea.comment-input')).toBeFocused();
    await screenshot(page, `partner-submit-refused-${width}`);
    await again.locator('textarea.comment-input').fill('Two seats moved to the customer portal.');
    await commentEveryMarkedLine(page, 'Checked against our customer records.');
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await expect(page.locator('.report-head .badge')).toHaveAttribute('title', /manual submission/);
    await expect(page.locator('input.units-input')).toHaveCount(0);
    expect(unexpected(console.errors)).toEqual([]);
  });
}

test('the distributor sees the submitted report with the comment, returns it, and the partner resubmits', async ({ browser }) => {
  const distributor = await (await browser.newContext()).newPage();
  await distributor.setViewportSize(VIEWPORTS.desktop);
  await signIn(distributor, 'dana@summit-tech.example');
  await distributor.goto('/?view=all&status=under_review.manual&partner=Harbor');
  await distributor.locator('table.reports tbody td.partner a').first().click();
  await waitForHydration(distributor);
  await expect(distributor.locator('.report-head .badge')).toHaveAttribute('title', 'Under review — manual submission');
  const commented = distributor.locator('td.chargeable .has-tip', { hasText: '✎' }).first();
  await commented.hover();
  await expect(commented.locator('.tip')).toContainText('customer portal');
  await distributor.getByLabel('Reason for returning it to the partner').fill('Please recheck the seat count of the first line.');
  await distributor.getByRole('button', { name: 'Return to partner' }).click();
  await expect(distributor.locator('.report-head .badge')).toContainText('Rejected');
  const url = distributor.url();

  const partner = await (await browser.newContext()).newPage();
  await partner.setViewportSize(VIEWPORTS.phone);
  await signIn(partner, 'maria@harbor-it.example');
  await partner.goto(new URL(url).pathname);
  await waitForHydration(partner);
  await expect(partner.locator('.callout.warn')).toContainText('Please recheck the seat count of the first line.');
  await expect(partner.getByTestId('deadline-callout')).toContainText(/due in (6|7) days/);
  await screenshot(partner, 'partner-returned-phone');
  await partner.getByRole('button', { name: 'Submit for review' }).click();
  await expect(partner.locator('.report-head .badge')).toHaveAttribute('title', /manual submission/);
});

test('two tabs of the same partner: the second is told and keeps what it typed', async ({ browser }) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await first.setViewportSize(VIEWPORTS.desktop);
  await signIn(first, 'jonas@rheinland-systemhaus.example');
  // Jonas's report due next was returned to the partner: still the partner's to edit.
  await openDueNext(first);
  const second = await context.newPage();
  await second.setViewportSize(VIEWPORTS.desktop);
  await second.goto(first.url());
  await waitForHydration(second);

  const firstRow = first.locator('table.lines tbody tr').nth(1);
  const secondRow = second.locator('table.lines tbody tr').nth(1);
  const value = Number((await firstRow.locator('input.units-input').inputValue()).replace(/,/g, ''));
  await firstRow.locator('textarea.comment-input').fill('Saved from the first tab.');
  await first.getByRole('button', { name: 'Save draft' }).click();
  await expect(first.locator('.partner-actions #action-notice')).toContainText('Draft saved');

  await secondRow.locator('textarea.comment-input').fill('Typed in the second tab.');
  await second.getByRole('button', { name: 'Save draft' }).click();
  await expect(second.locator('.partner-actions #action-notice')).toContainText('changed by someone else');
  await expect(secondRow.locator('textarea.comment-input')).toHaveValue('Typed in the second tab.');
  await expect(secondRow).toContainText('Changed by someone else meanwhile');
  await screenshot(second, 'partner-conflict-desktop');
  // Saving again now applies to the current version.
  await second.getByRole('button', { name: 'Save draft' }).click();
  await expect(second.locator('.partner-actions #action-notice')).toContainText('Draft saved');
  await expect(secondRow.locator('input.units-input')).toHaveValue(String(value));
});
