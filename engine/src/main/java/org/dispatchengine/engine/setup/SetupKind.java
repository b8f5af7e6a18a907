package org.dispatchengine.engine.setup;

import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** The kinds of objects a tenant defines. Each is its own entity type with its own tag. */
public enum SetupKind {
  ZONE("Zone", "zone"),
  STORE("Store", "store");

  /** Definitions change rarely: one slice keeps each node's feed of a kind a single ordered stream. */
  public static final int TAG_SLICES = 1;

  private final EntityTypeKey<Setup.Command> entityKey;
  private final String tagType;
  private final String noun;

  SetupKind(String entityTypeName, String tagType) {
    this.entityKey = EntityTypeKey.create(Setup.Command.class, entityTypeName);
    this.tagType = tagType;
    this.noun = tagType;
  }

  public EntityTypeKey<Setup.Command> entityKey() {
    return entityKey;
  }

  public String tagType() {
    return tagType;
  }

  public String noun() {
    return noun;
  }
}
