/**
 * `contact-me/call`: the call code on its own, for pages that place calls
 * without the elements: `PeerCall` (one RTCPeerConnection with perfect
 * negotiation; it emits signals for the page to deliver and recovers with ICE
 * restarts), its error codes, and the call's strings. Registers nothing.
 * @module
 */
export { PeerCall, PeerCallError, type PeerCallErrorCode, type PeerCallOptions, type PeerCallState, type Signal } from "./call/peer-call.ts";
export { callStrings, type CallStrings } from "./call/call.strings.ts";
export type { CallStatus } from "./call/call-controller.ts";
