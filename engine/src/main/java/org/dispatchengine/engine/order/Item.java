package org.dispatchengine.engine.order;

import org.dispatchengine.engine.CborSerializable;

public record Item(String name, int quantity) implements CborSerializable {}
