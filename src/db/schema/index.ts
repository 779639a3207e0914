export * from './departments.js';
export * from './plans.js';
