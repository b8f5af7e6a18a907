package org.dispatchengine.engine.courier;

import org.dispatchengine.engine.CborSerializable;

/** @param capacity how many orders the courier may carry at once */
public record CourierProfile(String name, Vehicle vehicle, int capacity) implements CborSerializable {}
