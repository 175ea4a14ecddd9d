package com.vendstream.order.intake;

import com.vendstream.events.OrderPlaced;
import com.vendstream.kit.deadletter.Payloads;
import com.vendstream.kit.deadletter.UnprocessableRecord;
import com.vendstream.kit.logging.LogSafe;
import com.vendstream.order.checkout.CheckoutSigning;
import com.vendstream.order.checkout.CheckoutSigning.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;

/**
 * The checkout binding's records as OrderPlaced, taken only when the merchant their envelope names signed them
 * ({@link CheckoutSigning}). A record that is not signed, names a key the merchant does not have, or does not match
 * its signature (another merchant's secret, or changed after signing) is refused: an {@link UnprocessableRecord} with
 * the cause {@value #CAUSE}, which service-kit dead-letters at once with its bytes and headers as produced (re-drive
 * it once the merchant's key is configured), counted in {@value #METRIC}{cause}. Nothing of the event is logged.
 */
final class CheckoutRecords {

    /** The dead letter's {@code vendstream-dlt-cause}. */
    static final String CAUSE = "checkout-signature-invalid";
    static final String METRIC = "vendstream.order.checkout.signature.refused";
    /** What of the record's own text may be named in a log line: an id, not whatever a producer put there. */
    private static final Pattern PRINTABLE_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");

    private final CheckoutSigning signing;
    private final Map<Verdict, Counter> refused = new EnumMap<>(Verdict.class);

    CheckoutRecords(CheckoutSigning signing, MeterRegistry meters) {
        this.signing = signing;
        for (Verdict v : Verdict.values()) {
            if (v != Verdict.VALID) {
                refused.put(v, meters.counter(METRIC, "cause", v.code()));
            }
        }
    }

    OrderPlaced verified(Message<?> message) {
        String topic = message.getHeaders().get(KafkaHeaders.RECEIVED_TOPIC, String.class);
        if (message.getPayload() instanceof RefusedCheckout undecoded) {
            throw refuse(undecoded.verdict(), null, undecoded.keyId());
        }
        if (!(message.getPayload() instanceof ReceivedCheckout received)) {
            throw new UnprocessableRecord("Expected OrderPlaced on " + topic + ", got "
                    + LogSafe.describe(message.getPayload()));
        }
        if (!(Payloads.event(received.event(), topic) instanceof OrderPlaced placed)) {
            throw new UnprocessableRecord("Expected OrderPlaced on " + topic + ", got "
                    + LogSafe.describe(received.event()));
        }
        if (signing.signaturesRequired()) {
            String merchant = placed.getEnvelope().getMerchantId();
            Verdict verdict = signing.verify(merchant, received.keyId(), received.signature(), received.value());
            if (verdict != Verdict.VALID) {
                throw refuse(verdict, merchant, received.keyId());
            }
        }
        return placed;
    }

    /** Counted; the merchant is null for a record refused by its headers alone, before it was decoded. */
    private UnprocessableRecord refuse(Verdict verdict, String merchant, String keyId) {
        refused.get(verdict).increment();
        return new UnprocessableRecord(CAUSE, verdict.code() + " (merchant "
                + (merchant == null ? "not decoded" : printable(merchant)) + ", key " + printable(keyId) + ")");
    }

    private static String printable(String id) {
        return id == null ? "none" : PRINTABLE_ID.matcher(id).matches() ? id : "unprintable";
    }
}
