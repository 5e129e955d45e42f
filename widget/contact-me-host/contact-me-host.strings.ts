/**
 * The strings of `<contact-me-host>`, with their defaults. The call view's
 * are in `call/call.strings.ts`, the room's refusals in `room/errors.ts`;
 * a site overrides any of them with the element's `strings`.
 * @module
 */

/** Strings of `<contact-me-host>`. */
export const hostStrings = {
  title: "Host dashboard",
  hostKey: "Host key",
  signIn: "Sign in",
  signingIn: "Signing in…",
  wrongKey: "Wrong host key",
  signOut: "Sign out",
  /** Self-check after sign-in, when this browser has no WebRTC. */
  selfCheckNoWebrtc: "This browser cannot take calls (no WebRTC). Answer calls from another browser; messages work here.",
  /** Self-check, on a page that is not secure (plain http). */
  selfCheckInsecure: "Calls need this dashboard on https (or localhost); messages work here.",
  /** Self-check, when the page's Permissions-Policy does not allow the microphone. */
  selfCheckBlockedByPage: "This page does not allow the microphone, so calls cannot be taken here; messages work.",
  /** Self-check, when no microphone is found. */
  selfCheckNoMicrophone: "No microphone found: connect one to take calls; messages work here.",
  /** Self-check, in a known in-app browser. */
  selfCheckInApp: "Open this dashboard in your browser to take calls; messages work here.",
  /** The business hours editor's heading. */
  hours: "Business hours",
  /** Beside the heading: the room keeps no hours. */
  hoursAlwaysOpen: "Always open",
  /** Beside the heading, inside the hours: `{when}` is the next closing, e.g. "Friday 17:00". */
  hoursOpenUntil: "Open now, until {when}",
  /** Beside the heading, outside the hours: `{when}` is the next opening. */
  hoursClosedUntil: "Closed now: visitors see you as away until {when}",
  /** Beside the heading: hours with no day open. */
  hoursClosed: "Closed: visitors see you as away",
  /** The switch between keeping hours and always open. */
  hoursEnabled: "Keep business hours (outside them visitors see you as away and can only send messages)",
  timeZone: "Time zone",
  /** A weekday's checkbox: the room opens that day. */
  dayOpen: "Open",
  opens: "Opens",
  closes: "Closes",
  saveHours: "Save hours",
  /** The hours could not be saved as given. */
  hoursInvalid: "Check the hours: each closing time must come after the opening time, and the time zone must be a known one such as Europe/Paris.",
  monday: "Monday",
  tuesday: "Tuesday",
  wednesday: "Wednesday",
  thursday: "Thursday",
  friday: "Friday",
  saturday: "Saturday",
  sunday: "Sunday",
  /** The Notifications section's heading. */
  notifications: "Notifications",
  /** The switch that subscribes this browser to the room's pushes. */
  notifyDevice: "Notify this device",
  /** This browser is subscribed and registered with the room. */
  pushOn: "This device gets a notification for each call and for messages you have not seen.",
  pushSubscribing: "Turning on notifications…",
  pushUnsubscribing: "Turning off notifications…",
  /** The browser has no service workers, no Push API or no notifications (or the page is not https). */
  pushUnsupported: "This browser cannot get notifications from this page (it needs service workers and the Push API, on an https page).",
  /** The page registered no service worker to receive pushes. */
  pushNoWorker: "This page has no service worker to receive notifications: open the dashboard from its own page (host.html).",
  /** Notifications are blocked for the site. */
  pushDenied:
    "Notifications are blocked for this site. To allow them, click the lock icon in the address bar (or open the browser's site settings), set Notifications to Allow, then reload the page.",
  /** The room has no VAPID key pair to push with. */
  pushUnavailable: "This room cannot send notifications: its push keys (VAPID) are not set up correctly.",
  /** `pushManager.subscribe()` failed: `{reason}` is what the browser said. */
  pushFailed: "Could not turn on notifications: the browser's push service could not be reached ({reason}). Check the connection and try again.",
  /** The label of the host's device list. */
  pushDevices: "Devices that get notifications",
  pushNoDevices: "No device gets notifications yet.",
  /** A device the room lists without a label. */
  pushUnnamedDevice: "A device",
  /** Beside the device that is this browser. */
  thisDevice: "This device",
  /** When a device was added: `{date}`. */
  pushAdded: "added {date}",
  remove: "Remove",
  /** The accessible name of a device's Remove button: `{name}` is its label. */
  removeDevice: "Remove {name}",
  /** The switch that makes calls ring the host's devices by push. */
  ringDevices: "Ring my devices",
  ringDevicesHelp: "Calls ring your devices even with no dashboard open, inside your business hours.",
  /** The dashboard was opened to answer a call (`answer`) that no longer waits: answered elsewhere, or ended. */
  callGone: "That call is no longer waiting (it was answered elsewhere, or it ended).",
  signedInAs: "Signed in as",
  available: "Available",
  connecting: "Connecting…",
  reconnecting: "Reconnecting…",
  incoming: "Incoming calls",
  incomingAudio: "Incoming audio call",
  incomingVideo: "Incoming video call",
  waitingAudio: "Waiting: audio call",
  waitingVideo: "Waiting: video call",
  position: "Position {n} in line",
  answeredBy: "Answered by {name}",
  signedIn: "Signed in",
  hostAvailable: "available",
  hostInCall: "in a call",
  hostAway: "away",
  missed: "Missed calls",
  missedAudio: "Missed audio call",
  missedVideo: "Missed video call",
  peerReconnecting: "Visitor reconnecting…",
  remoteVideo: "Visitor's video",
  from: "from",
  visitor: "a visitor",
  silence: "Silence",
  accept: "Accept",
  decline: "Decline",
  messages: "Messages",
  noMessages: "No messages yet.",
  /** The legend of the list's filters. */
  show: "Show",
  all: "All",
  /** The filter keeping conversations whose last message is the visitor's. */
  needsReply: "Needs reply",
  /** The search box's label (it searches names, emails and messages). */
  search: "Search conversations",
  noneNeedReply: "No conversation needs a reply",
  noMatch: "No match for “{query}”",
  /** A visitor who gave no name, and no page to name them by. */
  unnamedVisitor: "Visitor",
  /** A visitor who gave no name, by the path of the page they wrote from. */
  visitorFrom: "Visitor from {page}",
  /** A conversation's preview when its last message is a host's. */
  previewYou: "You: {text}",
  /** Read by screen readers after a conversation's unread count. */
  unread: "{n} unread",
  /** A message's age under a minute. */
  justNow: "now",
  /** A message's age under an hour. */
  minutesAgo: "{n} min",
  today: "Today",
  yesterday: "Yesterday",
  wroteFrom: "Wrote from",
  firstSeen: "First seen",
  /** The visitor's clock now, in their time zone: the label, and the value (`{time}`, `{zone}` e.g. "Europe/Paris"). */
  localTime: "Local time",
  localTimeValue: "{time} ({zone})",
  /** The visitor's browser, operating system and device type. */
  browser: "Browser",
  deviceDesktop: "Desktop",
  deviceMobile: "Mobile",
  deviceTablet: "Tablet",
  /** A ringing call's page. */
  callingFrom: "Calling from",
  /** A missed call's button: opens its conversation with the reply box ready. */
  reply: "Reply",
  /** Narrow screens: from a conversation back to the list. */
  back: "Back",
  /** The reply box's hint. */
  replyHint: "Enter sends; Shift+Enter starts a new line.",
  /** The reply box's label, naming the conversation it answers. */
  replyTo: "Reply to {name}",
  send: "Send",
  /** Under a conversation while its visitor types; `{name}` is theirs, or "Visitor". */
  visitorTyping: "{name} is typing…",
  /** Under the host's last message once the visitor has seen it. */
  seen: "Seen",
  /** The label of the open conversation's actions. */
  conversationActions: "Conversation actions",
  /** Takes the conversation out of the list, on every dashboard, until its visitor writes again. */
  archive: "Archive",
  /** Deletes the conversation everywhere (asks first). */
  delete: "Delete",
  /** Downloads the conversation as a text file. */
  export: "Export",
  /** Asks before deleting; `{name}` is the visitor's. */
  confirmDelete: "Delete the conversation with {name}? Its messages are deleted for good, on every dashboard and in the visitor's panel.",
  /** Confirms the deletion. */
  confirmDeleteYes: "Delete for good",
  cancel: "Cancel",
  /** In an exported conversation's header. */
  exportName: "Name",
  exportEmail: "Email",
  exportPage: "Page",
  /** At the end of the list, while older conversations remain in the room. */
  loadOlder: "Load older conversations",
  loadingOlder: "Loading older conversations…",
  you: "You",
  /** In a call, who waits in line first. */
  next: "Next: {name}",
  slackFailed: "not posted to Slack",
  /** A visitor's call-back request in the conversation; `{contact}` is the phone number or email they gave. */
  callBackRequest: "📞 Call back: {contact}",
  call: "Call",
  dismiss: "Dismiss",
  /** The title of the meeting a call becomes when a teammate is brought in. */
  callMeetingTitle: "Call with {name}",
  /** In a call: make it a meeting whose invite link the Meetings section shows. */
  addByLink: "Add someone by link",
  signInFailed: "Sign-in failed (HTTP {status}).",
  noHost: "Host sign-in is not set up for this room: set HOST_KEY (16 characters or more) or HOSTS on the server.",
  sessionEnded: "Your session ended (it expired, or the host key changed). Sign in again.",
  cannotReach: "Cannot reach the room ({reason}).",
  errorBusy: "Hang up the current call first.",
};

export type HostStrings = typeof hostStrings;
