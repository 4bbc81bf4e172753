// Month end: the distributor's administrator sets the auto-approve rule (its support user may
// only read it); December's usage is imported and its reports generated with the command line;
// nobody submits; the clock moves past the deadlines and the job runner runs once, as cron would
// (`billing-reports jobs run-due --now …`, the server's own binary on the journeys' database).
// The report with an over-provisioned line is submitted for its partner with penalties; the clean
// one is submitted without and then goes to the vendor by the rule. Moving the clock passes every
// demo deadline too, so these journeys run after all the others (the `month end` project in
// playwright.config.mjs).
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signIn, watchConsole, screenshot, VIEWPORTS, waitForHydration } from './helpers.mjs';

const DANA = 'dana@summit-tech.example';
const SAM = 'sam@summit-tech.example';
const DECEMBER = '2026-12';

/** Runs the server's own binary with `args` on the journeys' database; answers what it printed. */
function command(...args) {
  const bin = process.env.BR_BIN;
  const url = process.env.E2E_DATABASE_URL;
  expect(bin, 'BR_BIN: end2end/run.sh names the server binary').toBeTruthy();
  expect(url, 'E2E_DATABASE_URL: end2end/run.sh names the database').toBeTruthy();
  return execFileSync(bin, args, {
    env: { ...process.env, DATABASE_URL: url, DEMO_DATA: 'false' },
    encoding: 'utf8',
  });
}

test('an administrator sets the auto-approve rule; support reads it', async ({ page, browser }) => {
  const console = watchConsole(page);
  await signIn(page, DANA);
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Cycle settings' })).toBeVisible();
  await waitForHydration(page);

  // Checked as typed, with the server's words; nothing can be saved while a field is wrong.
  const review = page.getByLabel('Review window', { exact: true });
  await review.fill('0');
  await expect(page.locator('#review_days-error')).toHaveText('Review window must be a whole number of days from 1 to 60');
  await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
  await review.fill('7');
  await expect(page.locator('#review_days-error')).toBeEmpty();

  await page.getByLabel('Send clean reports to the vendor when the review window ends').check();
  await page.getByLabel('PO number pattern').fill('PO-{period}-{partner}');
  await expect(page.getByText('For partner #1042 in November 2026: PO-2026-11-1042')).toBeVisible();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status')).toHaveText('Saved: 2 settings changed.');
  const changes = page.locator('.settings-changes tbody tr');
  await expect(changes).toHaveCount(2);
  await expect(changes.filter({ hasText: 'Auto-approve' })).toContainText('Off → On');
  await expect(changes.filter({ hasText: 'PO number pattern' })).toContainText('PO-{period}-{partner}');
  await expect(changes.first()).toContainText('Dana Whitfield');
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await screenshot(page, `settings-${name}`);
  }
  console.expectNone();

  // Support at the same distributor reads the same settings and changes, and cannot save.
  const context = await browser.newContext();
  const support = await context.newPage();
  await signIn(support, SAM);
  await support.goto('/settings');
  await waitForHydration(support);
  await expect(support.getByText('Only an administrator of Summit Tech Distribution can change these settings')).toBeVisible();
  await expect(support.getByLabel('PO number pattern')).toHaveValue('PO-{period}-{partner}');
  await expect(support.getByLabel('PO number pattern')).toBeDisabled();
  await expect(support.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
  await expect(support.locator('.settings-changes tbody tr')).toHaveCount(2);
  await screenshot(support, 'settings-read-only');
  await context.close();
});

/** The id of the partner whose December report the distributor opens, from its header. */
async function openDecember(page, partner) {
  await page.goto(`/?view=all&period=${DECEMBER}&partner=${encodeURIComponent(partner)}`);
  await waitForHydration(page);
  await expect(page.locator('table.reports td.partner a')).toHaveCount(1);
  await page.locator('table.reports td.partner a').first().click();
  await waitForHydration(page);
}

/** A partner's id, as its report page in the distributor's list shows it ("Partner #9 · …"). */
async function partnerId(page, partner) {
  await page.goto(`/?view=all&partner=${encodeURIComponent(partner)}`);
  await page.locator('table.reports td.partner a').first().click();
  const label = await page.getByText(/^Partner #\d+/).first().textContent();
  return Number(label.match(/#(\d+)/)[1]);
}

test('a missed deadline is submitted with penalties; a clean report goes to the vendor by rule', async ({ page }) => {
  const console = watchConsole(page);
  await signIn(page, DANA);
  const harbor = await partnerId(page, 'Harbor IT Services');
  const lakeside = await partnerId(page, 'Lakeside Computer Solutions');

  // December's usage: Harbor provisioned 100 seats and used 40 (60 % over-provisioned, above
  // Summit's 5 %), Lakeside used all it provisioned.
  const folder = mkdtempSync(join(tmpdir(), 'month-end-'));
  const usage = join(folder, 'usage-2026-12.csv');
  writeFileSync(usage, [
    'partner,sku,period,provisioned,used',
    `${harbor},TM-V1-EPS,${DECEMBER},100,40`,
    `${lakeside},TM-V1-EPS,${DECEMBER},30,30`,
  ].join('\n') + '\n');
  expect(command('usage', 'import', usage)).toContain('2 rows');
  expect(command('cycle', 'generate', '--period', DECEMBER)).toContain('Generated 2 reports for December 2026');

  // Nobody submits. After the partners' deadline (5 January) and the review window (12 January):
  const said = command('jobs', 'run-due', '--now', '2027-01-13T00:00:00Z');
  expect(said).toMatch(/auto-submitted [1-9]\d* \([1-9]\d* with penalties\), auto-approved [1-9]/);
  // The same run removed the sessions that had expired by then, this one included.
  expect(said).toMatch(/expired sessions removed [1-9]/);
  await signIn(page, DANA);

  await openDecember(page, 'Harbor IT Services');
  await expect(page.locator('.report-head')).toContainText('Under reviewauto-submitted, penalties');
  await expect(page.locator('table.lines .penalised')).toHaveCount(1);
  const submitted = page.locator('table.history tbody tr').filter({ hasText: 'Submitted automatically, with penalties' });
  await expect(submitted).toHaveCount(1);
  await expect(submitted).toContainText('system');
  await expect(submitted).toContainText('40 → 100');
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await screenshot(page, `auto-submitted-${name}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);

  // The clean one was submitted for Lakeside without penalties, then went to the vendor when the
  // review window ended, with the rule's PO number and the rule named in its history.
  await openDecember(page, 'Lakeside Computer Solutions');
  await expect(page.locator('.report-head')).toContainText('Submitted to vendor');
  await expect(page.locator('.report-head')).toContainText(`PO-${DECEMBER}-${lakeside}`);
  await expect(page.locator('table.history tbody tr').filter({ hasText: 'Submitted automatically' })).toHaveCount(1);
  const approved = page.locator('table.history tbody tr').filter({ hasText: "distributor's auto-approve rule" });
  await expect(approved).toHaveCount(1);
  await screenshot(page, 'auto-approved-desktop');
  console.expectNone();
});

/** Sets the PO number of `partner`'s January report from its page, as the distributor does. */
async function setPoNumber(page, partner, po) {
  await page.goto(`/?view=all&period=${JANUARY}&partner=${encodeURIComponent(partner)}`);
  await waitForHydration(page);
  await expect(page.locator('table.reports td.partner a')).toHaveCount(1);
  await page.locator('table.reports td.partner a').first().click();
  await waitForHydration(page);
  await page.getByLabel('PO number', { exact: true }).fill(po);
  await page.getByRole('button', { name: 'Save PO number only' }).click();
  await expect(page.locator('.report-head')).toContainText(po);
}

const JANUARY = '2027-01';

test('three clean reports go to the vendor in one step; a fourth is refused with its reason', async ({ page }) => {
  const console = watchConsole(page);
  await signIn(page, DANA);
  const ids = {};
  for (const partner of ['Harbor IT Services', 'Blue Ridge Managed Security', 'Lakeside Computer Solutions', 'Prairie Networks']) {
    ids[partner] = await partnerId(page, partner);
  }
  // January's usage: Harbor over-provisioned again; the three others used what they provisioned.
  const folder = mkdtempSync(join(tmpdir(), 'bulk-'));
  const usage = join(folder, `usage-${JANUARY}.csv`);
  writeFileSync(usage, [
    'partner,sku,period,provisioned,used',
    `${ids['Harbor IT Services']},TM-V1-EPS,${JANUARY},100,40`,
    `${ids['Blue Ridge Managed Security']},TM-V1-EPS,${JANUARY},40,40`,
    `${ids['Lakeside Computer Solutions']},TM-V1-EPS,${JANUARY},30,30`,
    `${ids['Prairie Networks']},TM-V1-EPS,${JANUARY},20,20`,
  ].join('\n') + '\n');
  expect(command('usage', 'import', usage)).toContain('4 rows');
  // The day after the partners' deadline (5 February), before the review window ends: all four
  // are submitted for their partners, Harbor's with penalties, and wait for the distributor.
  const said = command('jobs', 'run-due', '--now', '2027-02-06T00:00:00Z');
  expect(said).toContain('auto-submitted 4 (1 with penalties)');
  await signIn(page, DANA);

  // A clean report still needs its PO number before it can go in bulk.
  for (const [partner, po] of [['Blue Ridge Managed Security', 'PO-BR-2701'], ['Lakeside Computer Solutions', 'PO-LK-2701']]) {
    await setPoNumber(page, partner, po);
  }
  await page.goto(`/?view=todo&period=${JANUARY}`);
  await waitForHydration(page);
  const rows = page.locator('table.reports tbody tr');
  await expect(rows).toHaveCount(4);
  const row = (partner) => rows.filter({ hasText: partner });
  await expect(row('Harbor IT Services').locator('.why')).toHaveText('Penalties were applied.');
  await expect(row('Prairie Networks').locator('.why')).toHaveText('No PO number is set.');
  await expect(row('Prairie Networks').locator('input.pick')).toBeDisabled();
  await screenshot(page, 'bulk-before-po-desktop');

  await setPoNumber(page, 'Prairie Networks', 'PO-PN-2701');
  await page.goto(`/?view=todo&period=${JANUARY}`);
  await waitForHydration(page);
  await expect(rows).toHaveCount(4);
  await expect(row('Harbor IT Services').locator('input.pick')).toBeDisabled();
  await page.getByRole('button', { name: 'Select all that qualify' }).click();
  await expect(page.locator('.bulk-count')).toContainText('3 reports selected: USD');
  for (const [name, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await screenshot(page, `bulk-selected-${name}`);
  }
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.getByRole('button', { name: 'Submit 3 reports to the vendor' }).click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Submit 3 reports to the vendor?');
  await expect(confirm).toContainText('Total: USD');
  await confirm.getByRole('button', { name: 'Yes, submit 3 reports to the vendor' }).click();
  await expect(page.locator('.bulk-summary')).toContainText('3 reports submitted to the vendor');
  await screenshot(page, 'bulk-done-desktop');

  // The three went, each with its own history entry; Harbor's waits in the to-do.
  await page.goto(`/?view=todo&period=${JANUARY}`);
  await waitForHydration(page);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Harbor IT Services');
  await page.goto(`/?view=all&period=${JANUARY}&status=submitted_to_vendor`);
  await waitForHydration(page);
  await expect(rows).toHaveCount(3);
  await rows.filter({ hasText: 'Lakeside' }).locator('td.partner a').click();
  await waitForHydration(page);
  await expect(page.locator('.report-head')).toContainText('Submitted to vendor');
  await expect(page.locator('table.history tbody tr').first()).toContainText('Submitted to the vendor');
  await expect(page.locator('table.history tbody tr').first()).toContainText('Dana');
  console.expectNone();
});
