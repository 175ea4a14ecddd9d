package com.vendstream.kit.events;

import org.apache.avro.specific.SpecificRecord;

/**
 * A consumed value that wraps an event with what the consumer needs beside it (e.g. order-service's checkout records
 * keep their signed bytes). Logs and dead-letter messages describe it as its event: type and ids, never content.
 */
public interface CarriesEvent {

    SpecificRecord event();
}
