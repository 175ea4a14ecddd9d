package com.vendstream.schemas.envelope;

import com.vendstream.events.Envelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.UUID;

/**
 * Builds event envelopes. Event ids are derived from what the event is about (order, type and a
 * discriminator), not drawn at random, so that an event re-created after a crash carries the same
 * id and every consumer's dedup-by-event-id still recognises it.
 */
public final class Envelopes {

    private Envelopes() {
    }

    /** A deterministic event id: the same order, type and discriminator always give the same id. */
    public static String eventId(String orderId, String eventType, String discriminator) {
        String name = orderId + "|" + eventType + "|" + (discriminator == null ? "" : discriminator);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static Envelope create(String eventId, Class<?> eventType, String orderId, Instant occurredAt,
                                  LocalDate businessDate, String merchantId, String sourceService,
                                  String correlationId, String causationId) {
        return Envelope.newBuilder()
                .setEventId(eventId)
                .setEventType(eventType.getSimpleName())
                .setOrderId(orderId)
                .setOccurredAt(occurredAt)
                .setBusinessDate(businessDate)
                .setMerchantId(merchantId)
                .setSourceService(sourceService)
                .setCorrelationId(correlationId)
                .setCausationId(causationId)
                .build();
    }

    /**
     * An envelope that follows from another event: same order, merchant, business date and
     * correlation id; the cause's event id becomes the causation id.
     */
    public static Envelope following(Envelope cause, Class<?> eventType, String discriminator, Instant occurredAt,
                                     String sourceService) {
        String orderId = cause.getOrderId();
        return create(eventId(orderId, eventType.getSimpleName(), discriminator), eventType, orderId, occurredAt,
                cause.getBusinessDate(), cause.getMerchantId(), sourceService, cause.getCorrelationId(),
                cause.getEventId());
    }

    /** The business day an instant falls on in the merchant's time zone. */
    public static LocalDate businessDate(Instant at, ZoneId merchantZone) {
        return at.atZone(merchantZone).toLocalDate();
    }
}
