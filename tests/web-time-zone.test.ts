import { describe, expect, it } from 'vitest';
import { useBrowser } from './helpers/browser.js';
import { useWebService } from './helpers/web-service.js';

/*
 * Deadlines are the plan's (Asia/Shanghai): a laptop set to another zone must still read 17:00
 * for a 17:00 deadline, and a deadline picked there must be saved as Shanghai time.
 */
const OFFICE_EMAIL = 'office.tz@example.gov.cn';

const service = useWebService();
const browser = useBrowser();

describe('a browser in UTC', () => {
  it('when the office opens the deadlines, 2019Q3 reads 2019-10-12 17:00 (Shanghai), not 09:00; a moved deadline is saved as picked, in Shanghai time', async () => {
    await service.createAccount(OFFICE_EMAIL, '值班员');
    const context = await browser.context('desktop', { timezoneId: 'UTC' });
    await service.signIn(context, OFFICE_EMAIL);
    const page = await context.newPage();
    await page.goto(`${service.url}/office/deadlines/hazchem-2017`);
    await page.getByText('2019-10-12 17:00').first().waitFor();
    expect(await page.getByText('2019-10-12 09:00').count()).toBe(0);

    // The picker shows the same wall-clock time, and a time typed there is Shanghai time.
    const picker = page.getByLabel('2019年第三季度新的截止时间');
    expect(await picker.inputValue()).toBe('2019-10-12 17:00');
    await picker.click();
    await picker.fill('2019-10-14 17:00');
    await picker.press('Enter');
    const row = page.getByRole('row').filter({ has: picker });
    await row.getByRole('button', { name: /保\s?存/ }).click();
    await page.getByText('截止时间已更新').waitFor();
    const periods = await service.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: service.office });
    const moved = periods.json<{ items: { id: string; dueAt: string }[] }>().items.find((period) => period.id === '2019Q3');
    expect(moved?.dueAt).toBe('2019-10-14T17:00:00+08:00');
  }, 90_000);
});
