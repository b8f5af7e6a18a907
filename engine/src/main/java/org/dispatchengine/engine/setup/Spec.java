package org.dispatchengine.engine.setup;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.dispatchengine.engine.CborSerializable;

/** What a tenant defines: the content of one zone or one store. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ZoneSpec.class, name = "zone"),
    @JsonSubTypes.Type(value = StoreSpec.class, name = "store")})
public sealed interface Spec extends CborSerializable permits ZoneSpec, StoreSpec {}
