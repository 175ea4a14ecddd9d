package com.vendstream.order.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * What a lifecycle change records is stored as order documents always held it: the sweeps' date queries and
 * every reader of an order depend on these types, and a sub-record replaces its whole sub-document while a
 * dotted path sets one field of it.
 */
class FieldsStoredFormTest {

    private static final Instant AT = Instant.parse("2026-12-05T10:15:30.123Z");

    @Test
    void instantsAreDatesNumbersKeepTheirTypeAndNullsAreWrittenNotDropped() {
        Document stored = OrderStore.document(Fields.of("payment.pendingAt", AT)
                .and("payment.notSent.attempts", 3).and("amountMinor", 5_000L).and("payment.sendingUntil", null)
                .and("vend.token", "1234-5678"));

        assertThat(stored.get("payment.pendingAt")).isEqualTo(Date.from(AT));
        assertThat(stored.get("payment.notSent.attempts")).isInstanceOf(Integer.class).isEqualTo(3);
        assertThat(stored.get("amountMinor")).isInstanceOf(Long.class).isEqualTo(5_000L);
        assertThat(stored).containsKey("payment.sendingUntil");
        assertThat(stored.get("payment.sendingUntil")).isNull();
        assertThat(stored.keySet()).as("dotted paths stay paths, in the order given")
                .containsExactly("payment.pendingAt", "payment.notSent.attempts", "amountMinor",
                        "payment.sendingUntil", "vend.token");
    }

    @Test
    void aSubRecordAMapAndAListAreStoredAsSubDocumentsAndArraysWithTheirTypes() {
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("units", "12.5");
        receipt.put("issuedAt", AT);
        Document stored = OrderStore.document(Fields.of("payment.notSent",
                        Fields.of("reason", "PROVIDER_THROTTLED").and("retryAt", AT).and("attempts", 1))
                .and("vend.receipt", receipt).and("vend.pins", List.of("1111", "2222"))
                .and("history", List.of(AT)));

        assertThat(stored.get("payment.notSent")).isEqualTo(new Document("reason", "PROVIDER_THROTTLED")
                .append("retryAt", Date.from(AT)).append("attempts", 1));
        assertThat(stored.get("vend.receipt")).isEqualTo(new Document("units", "12.5")
                .append("issuedAt", Date.from(AT)));
        assertThat(stored.get("vend.pins")).isEqualTo(List.of("1111", "2222"));
        assertThat(stored.get("history")).isEqualTo(List.of(Date.from(AT)));
    }
}
