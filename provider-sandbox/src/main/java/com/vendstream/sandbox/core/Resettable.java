package com.vendstream.sandbox.core;

/** A provider sandbox with state of its own (tokens, keys, counters) that the admin reset must clear. */
public interface Resettable {

    void reset();
}
