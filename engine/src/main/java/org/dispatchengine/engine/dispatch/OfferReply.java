package org.dispatchengine.engine.dispatch;

/** How an offer ended for one courier, as the courier tells the order. */
public enum OfferReply {
  ACCEPTED,
  /** The courier said no; it is not offered this order again. */
  DECLINED,
  /** The courier let the deadline pass; treated as a decline. */
  EXPIRED,
  /** The courier could not take it (offline, blocked, full, holding another offer); it may be offered again. */
  UNABLE
}
