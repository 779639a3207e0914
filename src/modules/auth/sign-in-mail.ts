import type { OutgoingMail } from '../reminders/mailer.js';
import type { IssuedLink } from './sign-in.service.js';

const ROLE_NAMES = { office: '市安委会办公室', admin: '系统管理员' } as const;

const whoFor = (link: IssuedLink) => (link.identity.department ? `${link.identity.department.name} 联络员` : ROLE_NAMES[link.identity.role as 'office' | 'admin']);

/** The sign-in e-mail (in Chinese): one link, or one per unit when the address is registered for several. */
export function composeSignInMail(links: IssuedLink[]): OutgoingMail {
  const [first] = links;
  if (!first) throw new Error('composeSignInMail needs at least one link');
  const body =
    links.length === 1
      ? [`请点击以下链接登录(身份:${whoFor(first)}):`, first.url]
      : ['该地址登记了多个身份,请点击要登录的身份对应的链接:', ...links.flatMap((link) => [`${whoFor(link)}:`, link.url])];
  return {
    to: first.email,
    cc: [],
    subject: '危险化学品安全综合治理工作跟踪 登录链接',
    text: [
      `${first.identity.name},您好:`,
      '',
      ...body,
      '',
      '链接15分钟内有效,仅可使用一次。',
      '如非本人操作,请忽略此邮件。',
      '',
      '市安委会办公室',
    ].join('\n'),
  };
}
