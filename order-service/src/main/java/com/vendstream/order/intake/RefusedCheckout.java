package com.vendstream.order.intake;

import com.vendstream.order.checkout.CheckoutSigning.Verdict;

/**
 * A checkout record {@link SignedCheckoutDeserializer} did not decode because its signature headers alone refuse it
 * (absent, malformed, a key id no merchant has): {@link CheckoutRecords} dead-letters it as any other refused record.
 * Holds nothing of the record but the key id it named, which is printed only when it has the form of one.
 */
record RefusedCheckout(Verdict verdict, String keyId) {
}
