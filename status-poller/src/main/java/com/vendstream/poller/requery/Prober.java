package com.vendstream.poller.requery;

/** Asks the provider about one pending operation, by our original reference. Never throws for provider trouble. */
@FunctionalInterface
public interface Prober {

    Answer probe(Requery requery);
}
