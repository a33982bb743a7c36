import { expect } from 'vitest';

// Slack's Block Kit limits (shared/slack/FACTS.md §5), checked on whatever a builder returns.
type Json = Record<string, any>;

const len = (s: unknown) => Array.from(String(s ?? '')).length;

function checkElement(e: Json, where: string): void {
  if (e.type === 'button') {
    expect(len(e.text?.text), `${where} button text`).toBeLessThanOrEqual(75);
    if (e.value !== undefined) expect(len(e.value), `${where} button value`).toBeLessThanOrEqual(2000);
    expect(len(e.action_id), `${where} action_id`).toBeLessThanOrEqual(255);
  }
  if (Array.isArray(e.options)) {
    expect(e.options.length, `${where} options`).toBeLessThanOrEqual(100);
    for (const o of e.options) {
      expect(len(o.text?.text), `${where} option text`).toBeLessThanOrEqual(75);
      expect(len(o.value), `${where} option value`).toBeLessThanOrEqual(75);
    }
  }
  if (e.placeholder) expect(len(e.placeholder.text), `${where} placeholder`).toBeLessThanOrEqual(150);
}

export function checkBlocks(blocks: Json[], max: number): void {
  expect(blocks.length).toBeLessThanOrEqual(max);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => {
    const where = `block ${i} (${b.type})`;
    if (b.block_id) {
      expect(len(b.block_id), `${where} block_id`).toBeLessThanOrEqual(255);
      expect(blockIds.has(b.block_id), `${where} duplicate block_id ${b.block_id}`).toBe(false);
      blockIds.add(b.block_id);
    }
    if (b.type === 'section') {
      if (b.text) expect(len(b.text.text), `${where} text`).toBeLessThanOrEqual(3000);
      if (b.fields) {
        expect(b.fields.length).toBeLessThanOrEqual(10);
        for (const f of b.fields) expect(len(f.text), `${where} field`).toBeLessThanOrEqual(2000);
      }
      if (b.accessory) checkElement(b.accessory, where);
    }
    if (b.type === 'header') expect(len(b.text.text), `${where} header`).toBeLessThanOrEqual(150);
    if (b.type === 'context') {
      expect(b.elements.length).toBeLessThanOrEqual(10);
      for (const e of b.elements) expect(len(e.text), `${where} context`).toBeLessThanOrEqual(3000);
    }
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(25);
      for (const e of b.elements) checkElement(e, where);
    }
    if (b.type === 'input') {
      expect(len(b.label.text), `${where} label`).toBeLessThanOrEqual(2000);
      checkElement(b.element, where);
    }
  });
}

export function checkModal(view: Json): void {
  expect(view.type).toBe('modal');
  expect(len(view.title.text), 'modal title').toBeLessThanOrEqual(24);
  if (view.submit) expect(len(view.submit.text), 'modal submit').toBeLessThanOrEqual(24);
  if (view.close) expect(len(view.close.text), 'modal close').toBeLessThanOrEqual(24);
  if (view.private_metadata) expect(len(view.private_metadata), 'private_metadata').toBeLessThanOrEqual(3000);
  expect(len(view.callback_id)).toBeLessThanOrEqual(255);
  checkBlocks(view.blocks, 100);
}
