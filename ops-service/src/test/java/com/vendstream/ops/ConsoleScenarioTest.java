package com.vendstream.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.vendstream.events.DiscrepancyResolution;
import com.vendstream.events.DiscrepancyStatus;
import com.vendstream.events.ManualVendDecision;
import com.vendstream.events.ManualVendOutcome;
import com.vendstream.events.Resolution;
import com.vendstream.recon.discrepancy.Discrepancy;
import com.vendstream.recon.discrepancy.DiscrepancyStore;
import com.vendstream.testkit.EmbeddedBroker;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.EmbeddedStore;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The back office's day in headless Chromium, every step clicked and typed through the console's pages: two
 * operators settle an unresolved vend (one proposes, the other approves, one ManualVendDecision is published and
 * status-poller's VendSucceeded settles it), an operator re-drives a dead letter (its source topic gets the same
 * bytes once), finance resolves a discrepancy in a real reconciliation-service, and the audit trail lists it all.
 * ops-service and reconciliation-service run in this JVM on the embedded broker, registry and MongoDB wire store,
 * started and seeded with the helpers of UnresolvedVendsTest, DeadLettersTest and ReconOpsTest. Screenshots of each
 * step go to target/screenshots/scenario-*.png.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = OpsApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=ops-service", "vendstream.outbox.sweep-interval=PT0.5S",
                "vendstream.ops.login.guard-key=a test key of thirty-two characters or more",
                "vendstream.ops.recon.timeout=PT5S"})
class ConsoleScenarioTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Duration WAIT = Duration.ofSeconds(30);

    static EmbeddedParts parts;
    static KafkaProducer<String, SpecificRecord> producer;
    static int reconPort;
    static ConfigurableApplicationContext recon;

    @BeforeAll
    static void infrastructure() throws Exception {
        parts = EmbeddedParts.start(EmbeddedBroker.withServiceTopics(1), EmbeddedStore.inMemory());
        DeadLettersTest.createDeadLetterTopic(parts);
        producer = new KafkaProducer<>(parts.avroProducerSettings());
        reconPort = ReconOpsTest.freePort();
        recon = ReconOpsTest.startRecon(parts, reconPort);
    }

    @AfterAll
    static void stop() {
        producer.close(Duration.ofSeconds(5));
        if (recon != null) {
            recon.close();
        }
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "opsscenario");
        props.add("vendstream.ops.recon.url", () -> "http://localhost:" + reconPort);
        props.add("vendstream.ops.recon.token", () -> ReconOpsTest.RECON_TOKEN);
        Browser.users(props, PASSWORD, new String[][] {{"olu", "OPERATOR"}, {"ada", "OPERATOR"},
            {"fatima", "FINANCE"}});
    }

    @LocalServerPort
    int port;

    @Test
    void twoOperatorsSettleAVendOneRedrivesADeadLetterFinanceResolvesADiscrepancyAndTheAuditListsIt()
            throws Exception {
        // Seeds: an escalated vend, a dead letter, a discrepancy of today (the reconciliation page's default day).
        String orderId = UnresolvedVendsTest.newOrder();
        UnresolvedVendsTest.publish(producer, UnresolvedVendsTest.unresolved(orderId, 2));
        String deadOrder = UUID.randomUUID().toString();
        byte[] placed = DeadLettersTest.wireFormat(parts, DeadLettersTest.placed(deadOrder));
        long offset = DeadLettersTest.deadLetter(parts, new ProducerRecord<>(DeadLettersTest.DLQ, null,
                deadOrder.getBytes(StandardCharsets.UTF_8), placed, DeadLettersTest.dltHeaders(41))).get(0);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Discrepancy discrepancy = ReconOpsTest.discrepanciesOn(recon, today).get(0);

        try (ConsoleBrowser olu = ConsoleBrowser.start(port); ConsoleBrowser ada = ConsoleBrowser.start(port);
             ConsoleBrowser fatima = ConsoleBrowser.start(port)) {
            // Operator 1 finds the vend in the queue and proposes DELIVERED with the token the provider's portal shows.
            olu.login("olu", PASSWORD);
            olu.nav("vends");
            By row = By.cssSelector("[data-test='vend-row'][data-order-id='" + orderId + "']");
            await().atMost(WAIT).until(() -> {
                olu.reload();
                return !olu.driver().findElements(row).isEmpty();
            });
            olu.screenshot("scenario-01-queue");
            openVend(olu, row);
            new Select(olu.visible(By.cssSelector("[data-test='proposal-outcome']"))).selectByValue("DELIVERED");
            olu.type(By.cssSelector("[data-test='proposal-token']"), UnresolvedVendsTest.TOKEN);
            olu.type(By.cssSelector("[data-test='proposal-note']"), "VTpass portal shows it delivered at 09:04");
            olu.driver().findElement(By.cssSelector("[data-test='proposal-submit']")).click();
            olu.settled();
            olu.waitUntil(d -> stateOf(olu).equals("PROPOSED"));
            olu.visible(By.cssSelector("[data-test='own-proposal']"));
            assertThat(olu.tests("approve")).isEmpty();
            olu.screenshot("scenario-02-proposed");

            // Operator 2, in a browser of their own, approves.
            ada.login("ada", PASSWORD);
            ada.nav("vends");
            openVend(ada, row);
            assertThat(ada.visible(By.cssSelector("[data-test='proposal-facts']")).getText())
                    .contains("DELIVERED", UnresolvedVendsTest.TOKEN, "olu");
            ada.visible(By.cssSelector("[data-test='approve']")).click();
            ada.settled();
            assertThat(ada.visible(By.cssSelector("[data-test='approved']")).getText()).contains("Approved by ada");
            ada.screenshot("scenario-03-approved");

            // Exactly one decision went to the order.
            List<ManualVendDecision> decisions = UnresolvedVendsTest.decisionsFor(parts, orderId, 1);
            assertThat(decisions.get(0).getOutcome()).isEqualTo(ManualVendOutcome.DELIVERED);
            assertThat(decisions.get(0).getToken()).isEqualTo(UnresolvedVendsTest.TOKEN);
            assertThat(decisions.get(0).getProposedBy()).isEqualTo("olu");
            assertThat(decisions.get(0).getApprovedBy()).isEqualTo("ada");

            // status-poller's outcome of the decision comes back: the page shows the vend settled by hand.
            UnresolvedVendsTest.publish(producer, UnresolvedVendsTest.succeeded(orderId, Resolution.MANUAL));
            await().atMost(WAIT).until(() -> {
                ada.reload();
                return stateOf(ada).equals("SETTLED");
            });
            assertThat(ada.visible(By.cssSelector("[data-test='settlement']")).getText())
                    .contains("DELIVERED", "manual", "ada");
            assertThat(ada.tests("approve")).isEmpty();
            // Settled, the customer's token is shown masked even to an operator.
            assertThat(ada.visible(By.cssSelector("[data-test='proposal-facts']")).getText())
                    .doesNotContain(UnresolvedVendsTest.TOKEN);
            ada.screenshot("scenario-04-settled");

            // Operator 1 re-drives the dead letter from its topic's page.
            olu.nav("dead-letters");
            olu.visible(By.cssSelector("[data-test='dead-letter-topic'][data-topic='" + DeadLettersTest.DLQ
                    + "'] [data-test='dead-letter-topic-link']")).click();
            olu.settled();
            By letter = By.cssSelector("[data-test='dead-letter-record'][data-id='0-" + offset + "']");
            olu.visible(letter).findElement(By.cssSelector("[data-test='redrive']")).click();
            olu.settled();
            // Re-driven, it leaves the waiting list; all records show it with its disposition.
            olu.waitUntil(d -> d.findElements(letter).isEmpty());
            new Select(olu.visible(By.cssSelector("[data-test='dead-letter-status']"))).selectByValue("ALL");
            olu.settled();
            WebElement redriven = olu.visible(By.cssSelector("[data-test='dead-letter-record'][data-id='0-"
                    + offset + "'][data-status='REDRIVEN']"));
            assertThat(redriven.getText()).contains("olu");
            olu.screenshot("scenario-05-redriven");
            ConsumerRecord<byte[], byte[]> back = DeadLettersTest.consumeFromSource(parts, deadOrder);
            assertThat(back.value()).isEqualTo(placed);

            // Finance resolves the discrepancy on the reconciliation page.
            fatima.login("fatima", PASSWORD);
            fatima.nav("recon");
            fatima.type(By.cssSelector("[data-test='recon-provider']"), discrepancy.provider());
            fatima.driver().findElement(By.cssSelector("[data-test='recon-search']")).click();
            fatima.settled();
            By discrepancyRow = By.cssSelector("[data-test='discrepancy-row'][data-id='"
                    + discrepancy.discrepancyId() + "']");
            WebElement open = fatima.visible(discrepancyRow);
            assertThat(open.getDomAttribute("data-status")).isEqualTo("OPEN");
            assertThat(fatima.tests("discrepancy-row")).hasSize(1);
            new Select(open.findElement(By.cssSelector("[data-test='resolve-resolution']")))
                    .selectByValue("WRITTEN_OFF");
            WebElement note = open.findElement(By.cssSelector("[data-test='resolve-note']"));
            note.sendKeys("below the claim limit");
            open.findElement(By.cssSelector("[data-test='resolve-submit']")).click();
            fatima.settled();
            fatima.visible(By.cssSelector("[data-test='discrepancy-row'][data-id='" + discrepancy.discrepancyId()
                    + "'][data-status='RESOLVED']"));
            fatima.screenshot("scenario-06-resolved");
            List<Discrepancy> resolved = recon.getBean(DiscrepancyStore.class)
                    .list(today, DiscrepancyStatus.RESOLVED, null);
            assertThat(resolved).singleElement().satisfies(d -> {
                assertThat(d.discrepancyId()).isEqualTo(discrepancy.discrepancyId());
                assertThat(d.handling().resolution()).isEqualTo(DiscrepancyResolution.WRITTEN_OFF);
                assertThat(d.handling().resolvedBy()).isEqualTo("fatima via ops-service");
                assertThat(d.handling().resolutionNote()).isEqualTo("below the claim limit");
            });

            // The audit trail lists each action with who did it to what.
            fatima.nav("audit");
            assertAudited(fatima, "VEND_DECISION_PROPOSED", "olu", orderId);
            assertAudited(fatima, "VEND_DECISION_APPROVED", "ada", orderId);
            assertAudited(fatima, "DEAD_LETTER_REDRIVEN", "olu", DeadLettersTest.DLQ + "/0/" + offset);
            assertAudited(fatima, "DISCREPANCY_RESOLVED", "fatima", discrepancy.discrepancyId());
            fatima.screenshot("scenario-07-audit");

            for (ConsoleBrowser browser : List.of(olu, ada, fatima)) {
                assertThat(browser.scriptErrors()).isEmpty();
            }
        }
    }

    /** Opens the vend of this queue row by its link. */
    static void openVend(ConsoleBrowser browser, By row) {
        browser.visible(row).findElement(By.cssSelector("[data-test='vend-link']")).click();
        browser.visible(By.cssSelector("[data-test='vend-state']"));
        browser.settled();
    }

    static String stateOf(ConsoleBrowser browser) {
        List<WebElement> state = browser.tests("vend-state");
        return state.isEmpty() ? "" : state.get(0).getText();
    }

    static void assertAudited(ConsoleBrowser browser, String action, String actor, String subject) {
        List<WebElement> entries = browser.driver().findElements(By.cssSelector(
                "[data-test='audit-entry'][data-action='" + action + "']"));
        assertThat(entries).as(action).anySatisfy(e -> {
            assertThat(e.findElement(By.cssSelector("[data-test='audit-actor']")).getText()).isEqualTo(actor);
            assertThat(e.findElement(By.cssSelector("[data-test='audit-subject']")).getText()).isEqualTo(subject);
        });
    }
}
