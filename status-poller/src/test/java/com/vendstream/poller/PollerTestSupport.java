package com.vendstream.poller;

import com.vendstream.events.Envelope;
import com.vendstream.events.Money;
import com.vendstream.events.OrderLine;
import com.vendstream.events.PaymentKind;
import com.vendstream.events.PaymentPending;
import com.vendstream.events.PendingReason;
import com.vendstream.events.ServiceCategory;
import com.vendstream.events.VendPending;
import com.vendstream.events.VendRef;
import com.vendstream.kit.events.Events;
import com.vendstream.schemas.envelope.Envelopes;
import com.vendstream.schemas.serde.ConfluentAvroSerializer;
import com.vendstream.schemas.topic.Topics;
import com.vendstream.testkit.EmbeddedParts;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real KRaft broker, the in-process schema registry and an in-memory MongoDB-wire server, plus
 * status-poller instances started on them with fast test schedules.
 */
final class PollerTestSupport implements AutoCloseable {

    final EmbeddedParts parts;
    private final KafkaProducer<String, Object> producer;
    private final KafkaConsumer<String, Object> consumer;
    /** Everything status-poller published so far, on both resolution topics. */
    final List<ConsumerRecord<String, Object>> published = new CopyOnWriteArrayList<>();

    PollerTestSupport() {
        parts = EmbeddedParts.start(6);
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ConfluentAvroSerializer.class.getName(),
                "schema.registry.url", parts.registryUrl()));
        consumer = new KafkaConsumer<>(parts.avroConsumerSettings());
        consumer.subscribe(List.of(Topics.VEND_RESOLUTIONS.topic(), Topics.PAYMENT_RESOLUTIONS.topic()));
    }

    /** One status-poller instance; {@code instance} names it in the providers' call record. */
    ConfigurableApplicationContext startPoller(String instance) {
        List<String> props = new ArrayList<>(List.of(
                "spring.config.name=status-poller",
                "server.port=0",
                "test.instance=" + instance,
                "vendstream.poller.instance-id=" + instance,
                "vendstream.kafka.consumer.backoff-initial=PT0.2S", "vendstream.kafka.consumer.defect-attempts=2",
                "vendstream.outbox.sweep-interval=PT1S",
                // Heartbeats and rebalances fast enough for a test that stops an instance.
                "spring.cloud.stream.kafka.binder.consumer-properties.session.timeout.ms=6000",
                "spring.cloud.stream.kafka.binder.consumer-properties.heartbeat.interval.ms=500"));
        parts.endpoints("poller").forEach((name, value) -> props.add(name + "=" + value));
        props.addAll(schedule(ScriptedProviders.PROVIDER, "PT0.2S", "PT3S", "PT1S", "PT4S"));
        props.addAll(schedule(ScriptedProviders.THROTTLING_PROVIDER, "PT0.2S", "PT20S", "PT1S", "PT4S"));
        props.addAll(schedule(ScriptedProviders.PAYMENTS, "PT0.2S", "PT10S", "PT1S", "PT4S"));
        props.addAll(schedule(ScriptedProviders.LATE_PAYMENTS, "PT0.2S", "PT2S", "PT1S", "PT4S"));
        // Slow requeries of an unresolved payment stop 4 s after its deadline.
        props.add("vendstream.poller.schedules." + ScriptedProviders.LATE_PAYMENTS + ".requery-for=PT4S");
        // As command-line arguments: they override the service's own yml (default properties would not).
        return new SpringApplicationBuilder(StatusPollerApplication.class, ScriptedProviders.class)
                .run(props.stream().map(p -> "--" + p).toArray(String[]::new));
    }

    private static List<String> schedule(String provider, String every, String deadline, String throttleInitial,
                                         String throttleMax) {
        String p = "vendstream.poller.schedules." + provider + ".";
        return List.of(p + "steps[0].every=" + every, p + "deadline=" + deadline,
                p + "after-escalation=PT0.5S", p + "jitter=0.1", p + "throttle-initial=" + throttleInitial,
                p + "throttle-max=" + throttleMax, p + "confirm-after=PT0.5S", p + "confirmations=1");
    }

    static VendPending vendPending(String orderId, String provider, String reference, String eventId) {
        Envelope e = Envelopes.create(eventId, VendPending.class, orderId, Instant.now(), LocalDate.now(), "m1",
                "vend-service", orderId, null);
        Money amount = new Money(50_000L, "NGN");
        return VendPending.newBuilder().setEnvelope(e)
                .setVend(VendRef.newBuilder().setProvider(provider).setProviderReference(reference).build())
                .setAmount(amount).setReason(PendingReason.TIMEOUT).setProviderCode(null)
                .setLine(OrderLine.newBuilder().setService(ServiceCategory.ELECTRICITY).setBillerId("IKEDC")
                        .setItemId("prepaid").setAccount("1111111111111").setAmount(amount).build())
                .build();
    }

    static VendPending vendPending(String orderId, String provider, String reference) {
        return vendPending(orderId, provider, reference, Envelopes.eventId(orderId, "VendPending", reference));
    }

    static PaymentPending paymentPending(String orderId, String referenceId, PaymentKind kind) {
        return paymentPending(orderId, referenceId, kind, ScriptedProviders.PAYMENTS);
    }

    static PaymentPending paymentPending(String orderId, String referenceId, PaymentKind kind, String provider) {
        Envelope e = Envelopes.create(Envelopes.eventId(orderId, "PaymentPending", referenceId), PaymentPending.class,
                orderId, Instant.now(), LocalDate.now(), "m1", "order-service", orderId, null);
        return PaymentPending.newBuilder().setEnvelope(e).setProvider(provider).setKind(kind)
                .setReferenceId(referenceId).setAmount(new Money(100_000L, "LRD")).setSessionId("42").build();
    }

    void send(Topics topic, String key, SpecificRecord event) {
        try {
            producer.send(new ProducerRecord<>(topic.topic(), key, event)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads what has been published since the last call; for use inside Awaitility conditions. */
    List<ConsumerRecord<String, Object>> poll() {
        synchronized (consumer) {
            consumer.poll(Duration.ofMillis(100)).forEach(published::add);
        }
        return published;
    }

    /** The events published for an order, in order. */
    List<SpecificRecord> eventsFor(String orderId) {
        return poll().stream().filter(r -> orderId.equals(r.key())).map(r -> (SpecificRecord) r.value())
                .collect(Collectors.toList());
    }

    static List<String> types(List<SpecificRecord> events) {
        return events.stream().map(Events::typeOf).collect(Collectors.toList());
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
        parts.close();
    }
}
