// Every Slack id the app answers to, in one place: callback_id of modals and shortcuts, action_id of
// buttons and selects. Block ids of inputs are the domain field names, so that a domain error's
// issue path lands under its input (`response_action: errors`).
export const ids = {
  commands: {
    visit: '/visit',
    claim: '/claim',
    store: '/store',
    opp: '/opp',
    crm: '/crm',
  },
  views: {
    logVisit: 'log_visit',
    createStore: 'create_store',
    opportunity: 'opportunity',
    addContact: 'add_contact',
    release: 'release_store',
    transfer: 'transfer_store',
    extend: 'extend_protection',
    setStatus: 'set_store_status',
    history: 'store_history',
    snooze: 'snooze_followup',
    // approvals: the comment of a return / reject; a request (sign, terminate, transfer, extend); a resubmission
    decisionComment: 'approval_comment',
    requestSign: 'request_sign',
    requestTerminate: 'request_terminate',
    requestTransfer: 'request_transfer',
    requestExtend: 'request_extend',
    resubmit: 'approval_resubmit',
    // away with a delegate (/crm away, App Home)
    away: 'away',
  },
  shortcuts: {
    logAsVisit: 'log_as_visit',
  },
  actions: {
    storeSelect: 'store_select',
    personSelect: 'person_select',
    claim: 'claim_store',
    claimPage: 'claim_page',
    openStore: 'open_store',
    logVisit: 'card_log_visit',
    newOpportunity: 'card_new_opportunity',
    addContact: 'card_add_contact',
    release: 'card_release',
    history: 'card_history',
    transfer: 'card_transfer',
    extend: 'card_extend',
    setStatus: 'card_set_status',
    createStore: 'create_store_open',
    useDuplicate: 'use_duplicate',
    followUpDone: 'followup_done',
    followUpSnooze: 'followup_snooze',
    // a second snooze button beside Snooze 1 h on a reminder (one action id per element of a block)
    followUpSnoozeTomorrow: 'followup_snooze_tomorrow',
    homeLogVisit: 'home_log_visit',
    homeClaim: 'home_claim',
    homeNewOpportunity: 'home_new_opportunity',
    homeRefresh: 'home_refresh',
    // approval cards (value: the step id)
    approve: 'approval_approve',
    approveSendUp: 'approval_send_up',
    returnRequest: 'approval_return',
    rejectRequest: 'approval_reject',
    // the requester's (value: the request id)
    withdraw: 'approval_withdraw',
    voidRequest: 'approval_void',
    openResubmit: 'approval_open_resubmit',
    openApproval: 'approval_open',
    approvalsPage: 'approvals_page',
    // the requester's Remind (value: the request id); App Home's Away…
    remindApprovers: 'approval_remind',
    homeAway: 'home_away',
    // opportunities (value: the opportunity id) and a store's owner (value: the store id)
    openSign: 'opp_open_sign',
    openTerminate: 'opp_open_terminate',
    openRequestTransfer: 'card_request_transfer',
    openRequestExtend: 'card_request_extend',
  },
} as const;
