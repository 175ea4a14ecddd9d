package com.vendstream.recon;

import com.vendstream.testkit.MongoFixture;
import org.threeten.extra.MutableClock;

import com.vendstream.kit.events.EventCodec;
import com.vendstream.kit.outbox.Outbox;
import com.vendstream.recon.day.BusinessCalendar;
import com.vendstream.recon.day.DayClosing;
import com.vendstream.recon.day.DayStore;
import com.vendstream.recon.day.EventIntake;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import com.vendstream.recon.discrepancy.Matching;
import com.vendstream.recon.ledger.FactStore;
import com.vendstream.recon.ledger.LedgerStore;
import com.vendstream.recon.providerreport.PaymentRecords;
import com.vendstream.recon.providerreport.ProviderRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.bson.Document;
import org.bson.types.Binary;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import reactor.core.publisher.Flux;

/** The reconciliation domain wired as the service wires it, on an in-memory MongoDB, with a settable clock. */
public final class Harness implements AutoCloseable {

    /** The in-memory store, or null when the harness runs against a given store (a benchmark). */
    public final MongoFixture mongo;
    public final MutableClock clock;
    public final FactStore facts;
    public final LedgerStore ledgers;
    public final DiscrepancyStore discrepancies;
    public final DayStore days;
    public final DayClosing closing;
    public final EventIntake intake;
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final List<String> relayed = new ArrayList<>();

    public Harness(ProviderRecords providers, Instant now, Map<String, ZoneId> zones) {
        this(providers, PaymentRecords.NONE, now, zones);
    }

    public Harness(ProviderRecords providers, PaymentRecords payments, Instant now, Map<String, ZoneId> zones) {
        this(new MongoFixture("recon"), null, providers, payments, now, zones);
    }

    /** Against a given store, as FactBench runs it. */
    public Harness(ReactiveMongoTemplate store, ProviderRecords providers, Instant now, Map<String, ZoneId> zones) {
        this(null, store, providers, PaymentRecords.NONE, now, zones);
    }

    private Harness(MongoFixture mongo, ReactiveMongoTemplate store, ProviderRecords providers,
                    PaymentRecords payments, Instant now, Map<String, ZoneId> zones) {
        this.mongo = mongo;
        ReactiveMongoTemplate template = mongo != null ? mongo.template : store;
        clock = MutableClock.of(now, ZoneOffset.UTC);
        facts = new FactStore(template);
        ledgers = new LedgerStore(template);
        discrepancies = new DiscrepancyStore(template);
        days = new DayStore(template);
        facts.ensureIndexes();
        ledgers.ensureIndexes();
        discrepancies.ensureIndexes();
        Matching matching = new Matching(facts, providers, payments, discrepancies, (c, id) -> relayed.add(c + "/" + id), clock);
        closing = new DayClosing(facts, ledgers, days, matching, new BusinessCalendar(ZoneOffset.UTC, zones),
                (c, id) -> relayed.add(c + "/" + id), meters, clock);
        intake = new EventIntake(facts, closing, meters);
    }

    public void apply(List<SpecificRecord> events) {
        events.forEach(intake::accept);
    }

    public void later(Duration d) {
        clock.add(d);
    }

    /** Every event waiting in a collection's outboxes (the relay is not running in these tests). */
    public List<SpecificRecord> outbox(String collection) {
        List<Document> docs = mongo.template.getMongoDatabase()
                .flatMapMany(db -> Flux.from(db.getCollection(collection).find())).collectList().block();
        List<SpecificRecord> out = new ArrayList<>();
        for (Document d : docs) {
            for (Document e : d.getList(Outbox.FIELD, Document.class, List.of())) {
                out.add(EventCodec.decode(e.getString("type"), e.get("payload", Binary.class).getData()));
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (mongo != null) {
            mongo.close();
        }
    }
}
