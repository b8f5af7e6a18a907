package org.dispatchengine.engine.view;

/** State folded from one entity's events; the revision is the sequence number of the last event applied. */
public interface Revisioned {
  long revision();
}
