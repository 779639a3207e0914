export * from './access.js';
export * from './departments.js';
export * from './evidence.js';
export * from './plans.js';
export * from './reminders.js';
export * from './reporting.js';
