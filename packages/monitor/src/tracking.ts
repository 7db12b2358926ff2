// The tracking issue on its own, for entries that keep one without monitoring
// (the data-test action on a schedule): no data engine comes with it.
export {
  syncTrackingIssue,
  trackingMarker,
  isTrackingIssueOf,
  monitorState,
  dataTestState,
  MONITOR_LABEL,
  TRACKING_LABELS,
} from './tracking-issue.ts';
export type {
  TrackingResult,
  TrackingAction,
  TrackingOptions,
  TrackedState,
  TrackedCondition,
} from './tracking-issue.ts';
