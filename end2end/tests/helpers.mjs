// Shared by the journeys: collect console errors (a hydration mismatch shows up there) and
// write screenshots at desktop and phone widths into end2end/screenshots/.
import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 812 },
};

/** Records console errors and page errors; call `expectNone()` at the end of a journey. */
export function watchConsole(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`${response.status()} ${response.url()}`);
  });
  return {
    errors,
    expectNone() {
      expect(errors, `console errors:\n${errors.join('\n')}`).toEqual([]);
    },
  };
}

/** Waits until the WASM bundle has taken over the server-rendered page. */
export async function waitForHydration(page) {
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 30_000 });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export const PASSWORD = 'demo-password';

/** Signs in through the form, as a person would, and waits for the reports list. */
export async function signIn(page, email) {
  await page.goto('/sign-in');
  await waitForHydration(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
  await waitForHydration(page);
}
