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
