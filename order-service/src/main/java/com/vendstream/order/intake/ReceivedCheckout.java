package com.vendstream.order.intake;

import com.vendstream.kit.events.CarriesEvent;
import org.apache.avro.specific.SpecificRecord;

/**
 * A checkout record as {@link SignedCheckoutDeserializer} hands it over: the decoded event, the value bytes the
 * signature is over, and the signature headers (null when absent). Printed as its event's type and ids only.
 */
record ReceivedCheckout(SpecificRecord event, byte[] value, String keyId, String signature) implements CarriesEvent {

    @Override
    public String toString() {
        return "ReceivedCheckout[" + com.vendstream.kit.events.Events.describe(event) + "]";
    }
}
