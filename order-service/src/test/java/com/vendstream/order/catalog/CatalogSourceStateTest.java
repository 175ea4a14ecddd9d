package com.vendstream.order.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.vendstream.order.catalog.CatalogMergeTest.ScriptedSource;
import com.vendstream.providers.CatalogOffer;
import com.vendstream.providers.ServiceType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A catalogue endpoint that keeps failing is reported once when it goes down and once when it is
 * back, not at every retry, and its state is a metric an alert can watch.
 */
class CatalogSourceStateTest {

    private static final List<CatalogOffer> LISTING = List.of(new CatalogOffer(ServiceType.ELECTRICITY, "IKEDC",
            "prepaid", "Ikeja Electric", "NGN", null, 50_000L, null));

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ProviderCatalogs.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScriptedSource vtpass = new ScriptedSource("vtpass");
    private final ScriptedSource pagamio = new ScriptedSource("pagamio");
    private ProviderCatalogs catalogs;

    @BeforeEach
    void setUp() {
        logs.start();
        logger.addAppender(logs);
        logger.setLevel(Level.INFO);
        catalogs = new ProviderCatalogs(List.of(vtpass, pagamio), Duration.ofMinutes(15), Clock.systemUTC(),
                Runnable::run, meters);
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logs);
        logger.setLevel(null);
    }

    @Test
    void aListingThatKeepsFailingIsLoggedOnceDownAndOnceBackAndShownOnTheGauge() {
        ProviderCatalogs.Key key = new ProviderCatalogs.Key("vtpass", null);
        vtpass.byScope.put("", LISTING);
        catalogs.refresh(List.of(key)).join();
        assertThat(up("vtpass", "-")).isEqualTo(1.0);

        // The connector's message may carry the reply's body on later lines: only the first line is logged.
        vtpass.failure = new IllegalStateException("VTpass services: HTTP 503\nbody: {\"merchant\":\"secret-ish\"}");
        catalogs.refresh(List.of(key)).join();
        for (int minute = 0; minute < 4; minute++) {
            catalogs.refreshDue(List.of(key)).join(); // a failed listing is due at every check
        }
        assertThat(vtpass.fetches).as("every retry fetched").isEqualTo(6);
        assertThat(up("vtpass", "-")).isEqualTo(0.0);
        assertThat(failures("vtpass", "-")).isEqualTo(5.0);
        List<ILoggingEvent> warnings = at(Level.WARN);
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.getFormattedMessage()).contains("vtpass", "HTTP 503").doesNotContain("secret-ish", "\n");
            assertThat(w.getThrowableProxy()).as("no stack trace").isNull();
        });

        vtpass.failure = null;
        catalogs.refreshDue(List.of(key)).join();
        catalogs.refresh(List.of(key)).join();
        assertThat(up("vtpass", "-")).isEqualTo(1.0);
        assertThat(failures("vtpass", "-")).isEqualTo(5.0);
        assertThat(at(Level.WARN)).hasSize(1);
        assertThat(at(Level.INFO).stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("vtpass") && m.contains("back"))).hasSize(1);
    }

    @Test
    void aListingThatHasNeverAnsweredIsDownPerScopeFromItsFirstFailure() {
        pagamio.failure = new IllegalStateException("Pagamio login refused: HTTP 401");
        ProviderCatalogs.Key scoped = new ProviderCatalogs.Key("pagamio", "SUB-1");
        catalogs.refresh(List.of(scoped)).join();
        catalogs.refreshDue(List.of(scoped)).join();

        assertThat(up("pagamio", "SUB-1")).isEqualTo(0.0);
        assertThat(failures("pagamio", "SUB-1")).isEqualTo(2.0);
        assertThat(at(Level.WARN)).singleElement()
                .satisfies(w -> assertThat(w.getFormattedMessage()).contains("pagamio", "SUB-1", "HTTP 401"));
        assertThat(meters.find("vendstream.catalog.source.up").tag("provider", "vtpass").gauge())
                .as("a listing never fetched has no state yet").isNull();
    }

    private List<ILoggingEvent> at(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).toList();
    }

    private double up(String provider, String scope) {
        return meters.get("vendstream.catalog.source.up").tag("provider", provider).tag("scope", scope).gauge().value();
    }

    private double failures(String provider, String scope) {
        return meters.get("vendstream.catalog.fetch.failures").tag("provider", provider).tag("scope", scope).counter()
                .count();
    }
}
