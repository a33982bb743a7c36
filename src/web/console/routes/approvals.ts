// Pending approvals across the company, for an admin to hand a waiting step to someone else (an
// approver away or a wrong route). The decision itself stays in Slack, on the approver's card.
import type { Request } from 'express';
import { reassignStep } from '../../../domain/approvals/engine.ts';
import type { Flow } from '../../../domain/approvals/flows.ts';
import { reassignQueue } from '../../../domain/approvals/queries.ts';
import { isDomainError } from '../../../domain/errors.ts';
import { formatDateTime } from '../../../domain/time/zone.ts';
import { html } from '../../html.ts';
import { csrfField, idParam, handler, pageParam, pager, redirectWith, render, requireAdmin, session, tr, trCode, trMessage, type RouteModule } from '../kit.ts';

const PAGE = 50;

const flowLabel = (req: Request, flow: Flow): string => tr(req, `queue.flow.${flow}`);

export const approvalsRoutes: RouteModule = (router, cd) => {
  router.get(
    '/approvals',
    handler(async (req, res) => {
      requireAdmin(req);
      const { actor, reader } = session(req);
      const page = pageParam(req);
      const { total, requests, candidates } = await reassignQueue(cd.deps, actor, { page, pageSize: PAGE });
      const rows = requests.flatMap((r) =>
        r.steps.map((step) => {
          const options = candidates.filter((c) => c.id !== r.requester.id);
          return html`<tr>
            <td class="num">${r.id}</td>
            <td>${flowLabel(req, r.flow)}</td>
            <td>${r.store.name} <span class="muted">${r.store.code}</span></td>
            <td>${r.requester.name}</td>
            <td>${tr(req, 'queue.level', { level: step.level })}</td>
            <td>${step.approvers.map((a, i) => html`${i ? ', ' : ''}${a.name}`)}</td>
            <td>${formatDateTime(step.createdAt, reader.timezone)}</td>
            <td>
              <form method="post" action="/console/approvals/steps/${step.id}/reassign" class="inline">
                ${csrfField(req)}
                <label class="muted" for="to-${step.id}">${tr(req, 'queue.to')}</label>
                <select id="to-${step.id}" name="toPersonId">${options.map((c) => html`<option value="${c.id}">${c.name} (${trCode(req, 'console.role.', c.role)})</option>`)}</select>
                <button type="submit" class="secondary">${tr(req, 'queue.reassign')}</button>
              </form>
            </td>
          </tr>`;
        }),
      );
      render(req, res, {
        title: tr(req, 'queue.title'),
        body: html`<h1>${tr(req, 'queue.title')}</h1>
          <p class="muted">${tr(req, 'queue.intro')}</p>
          ${rows.length
            ? html`<table>
                <thead><tr><th class="num">#</th><th>${tr(req, 'queue.flow')}</th><th>${tr(req, 'queue.store')}</th><th>${tr(req, 'queue.requester')}</th><th>${tr(req, 'queue.step')}</th><th>${tr(req, 'queue.approvers')}</th><th>${tr(req, 'queue.waiting_since')}</th><th></th></tr></thead>
                <tbody>${rows}</tbody>
              </table>
              ${pager(req, { page, pageSize: PAGE, total })}`
            : html`<p>${tr(req, 'queue.none')}</p>`}`,
      });
    }),
  );

  router.post(
    '/approvals/steps/:stepId/reassign',
    handler(async (req, res) => {
      requireAdmin(req);
      const stepId = idParam(req, 'approval.not_found', 'stepId');
      const toPersonId = Number(typeof req.body?.toPersonId === 'string' ? req.body.toPersonId : NaN);
      let to: { name: string };
      try {
        ({ to } = await reassignStep(cd.deps, session(req).actor, stepId, { toPersonId }));
      } catch (e) {
        // A late or refused reassignment is told on the list the admin came from.
        if (!isDomainError(e) || e.code === 'forbidden') throw e;
        redirectWith(res, '/console/approvals', trMessage(req, e), 'error');
        return;
      }
      redirectWith(res, '/console/approvals', tr(req, 'queue.reassigned', { name: to.name }));
    }),
  );
};
