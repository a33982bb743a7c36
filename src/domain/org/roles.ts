import { z } from 'zod';

export const roles = ['rep', 'supervisor', 'manager', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** The acting person of every domain call. */
export interface Actor {
  id: number;
  name: string;
  role: Role;
  unitId: number | null;
  active: boolean;
  locale: string | null;
  timezone: string | null;
}

export const isLead = (a: Actor): boolean => a.role === 'supervisor' || a.role === 'manager';
export const isAdmin = (a: Actor): boolean => a.role === 'admin';
