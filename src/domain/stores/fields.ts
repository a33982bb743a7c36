import { z } from 'zod';
import { plainText } from '../validation.ts';

// Limits shared by every way a store comes in (Slack modal, console, import).
export const storeStatuses = ['active', 'disabled', 'invalid', 'deleted'] as const;
export const storeStatusSchema = z.enum(storeStatuses);
export type StoreStatus = z.infer<typeof storeStatusSchema>;

export const storeStages = ['lead', 'contacted', 'interested', 'negotiating', 'signed', 'lost'] as const;
export const storeStageSchema = z.enum(storeStages);

export const grades = ['A', 'B', 'C', 'D'] as const;

export const storeNameSchema = plainText(z.string().trim().min(1).max(100));
export const phoneSchema = z
  .string()
  .trim()
  .max(30)
  .regex(/^\+?[0-9 ()-]{5,30}$/, { message: 'phone' });
// An address may hold line breaks (a building, then a floor), as Excel keeps them in a cell.
export const addressSchema = plainText(z.string().trim().max(200), { multiline: true });
export const lngSchema = z.number().finite().min(-180).max(180);
export const latSchema = z.number().finite().min(-90).max(90);
export const reasonSchema = plainText(z.string().trim().min(1).max(500), { multiline: true });
export const idSchema = z.number().int().positive();
