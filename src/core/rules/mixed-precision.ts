import type { Rule } from './api';

export const rules: Rule[] = [];
