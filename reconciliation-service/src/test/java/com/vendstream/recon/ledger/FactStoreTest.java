package com.vendstream.recon.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.events.ServiceCategory;
import com.vendstream.recon.Scenarios;
import com.vendstream.recon.Traffic;
import com.vendstream.testkit.MongoFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FactStoreTest {

    final MongoFixture mongo = new MongoFixture("recon");
    final FactStore store = new FactStore(mongo.template);

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void eachEventIsAppliedOnceEvenWhenAnOrdersFirstEventsRaceAndRedeliver() throws Exception {
        List<Fact> facts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Traffic t = new Traffic(Scenarios.MERCHANT, Traffic.LAGOS);
            t.order("race-" + i, Scenarios.at(9, 0), 1_000, "NGN", ServiceCategory.AIRTIME).accepted()
                    .via("vtpass", "ref-race-" + i).pending(Scenarios.at(9, 1)).succeeded(Scenarios.at(9, 2), null)
                    .completed(Scenarios.at(9, 2));
            t.events.forEach(e -> facts.add(EventFacts.of(e).orElseThrow()));
        }
        // Every fact twice, all at once: the first events of each order race to create its document.
        // (The in-memory server serialises writes, so this cannot force the lost-upsert race a real
        // MongoDB can produce; it does pin that parallel redeliveries apply each fact exactly once.)
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<FactStore.Applied>> work = new ArrayList<>();
        for (Fact f : facts) {
            for (int copy = 0; copy < 2; copy++) {
                work.add(() -> {
                    start.await();
                    return store.apply(f);
                });
            }
        }
        List<Future<FactStore.Applied>> results = new ArrayList<>();
        work.forEach(w -> results.add(pool.submit(w)));
        start.countDown();
        long applied = 0;
        for (Future<FactStore.Applied> r : results) {
            if (r.get().isNew()) {
                applied++;
            }
        }
        pool.shutdown();

        assertThat(applied).isEqualTo(facts.size());
        for (int i = 0; i < 6; i++) {
            assertThat(store.find("race-" + i).orElseThrow().facts()).hasSize(4);
            assertThat(store.find("race-" + i).orElseThrow().businessDay()).isEqualTo(Scenarios.DAY);
        }
    }
}
