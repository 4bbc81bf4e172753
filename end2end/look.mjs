// scratch: screenshots of the distributor's report page
import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:3107';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
for (const [name, vp, locale] of [['desk', { width: 1280, height: 900 }, 'en-US'], ['phone', { width: 375, height: 812 }, 'de-DE']]) {
  const ctx = await browser.newContext({ viewport: vp, locale });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('console:', m.text()); });
  await page.goto(base + '/sign-in');
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  await page.getByLabel('Email address').fill('dana@summit-tech.example');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  await page.waitForTimeout(500);
  await page.goto(base + '/?status=under_review');
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  const href = await page.locator('td.partner a').first().getAttribute('href');
  await page.goto(base + href);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true');
  await page.screenshot({ path: `/tmp/shots/report-${name}.png`, fullPage: true });
  const reset = page.getByRole('button', { name: /Reset unit prices/ });
  if (await reset.count()) { await reset.click(); await page.screenshot({ path: `/tmp/shots/reset-${name}.png`, fullPage: true }); await page.keyboard.press('Escape'); }
  await page.getByLabel('PO number').fill('PO-TEST-1');
  await page.getByRole('button', { name: /^Submit to/ }).click();
  await page.locator('#confirm-submit').screenshot({ path: `/tmp/shots/confirm-${name}.png` });
  console.log(name, href, await page.evaluate(() => document.activeElement?.textContent));
  await ctx.close();
}
await browser.close();
