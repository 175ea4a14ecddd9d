package com.vendstream.recon;

import static org.assertj.core.api.Assertions.assertThat;

import com.vendstream.recon.access.FinanceUsers;
import com.vendstream.testkit.EmbeddedParts;
import com.vendstream.testkit.StopPartsAfterSpring;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Issue 16 item 5: with actuator on a management port of its own (MANAGEMENT_SERVER_PORT, as in Kubernetes), the
 * probes and the scrape answer there without a credential, and the API port still needs a finance user's token for
 * everything.
 */
@ExtendWith(StopPartsAfterSpring.class)
@DirtiesContext
@SpringBootTest(classes = ReconciliationApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=reconciliation-service", "management.server.port=0",
                "vendstream.recon.auto-close.enabled=false", "vendstream.recon.rematch.enabled=false"})
class ManagementPortTest {

    static final String TOKEN = "finance-token-for-tests-" + UUID.randomUUID();
    static EmbeddedParts parts;

    @BeforeAll
    static void infrastructure() {
        parts = EmbeddedParts.start(3);
    }

    @DynamicPropertySource
    static void endpoints(DynamicPropertyRegistry props) {
        parts.endpoints(props, "recon-management");
        props.add("vendstream.recon.users[0].name", () -> "test-finance");
        props.add("vendstream.recon.users[0].token-sha256", () -> FinanceUsers.sha256(TOKEN));
        props.add("vendstream.recon.users[0].roles", () -> "FINANCE");
    }

    @LocalServerPort
    int port;
    @LocalManagementPort
    int managementPort;

    static WebTestClient on(int port) {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + port).responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    @Test
    void probesAnswerOnTheManagementPortAndTheApiPortStillNeedsAToken() {
        assertThat(managementPort).isPositive().isNotEqualTo(port);
        WebTestClient management = on(managementPort);
        for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness",
                "/actuator/info", "/actuator/prometheus")) {
            management.get().uri(path).exchange().expectStatus().value(status -> assertThat(status).as(path)
                    .isNotIn(401, 403, 404));
        }
        WebTestClient api = on(port);
        api.get().uri("/v1/recon/ledgers?day=2026-01-15").exchange().expectStatus().isUnauthorized();
        api.get().uri("/v1/recon/ledgers?day=2026-01-15").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange().expectStatus().isOk();
        // Actuator is not on the API port any more; asking there finds nothing to open.
        api.get().uri("/actuator/metrics").exchange().expectStatus().value(status -> assertThat(status)
                .isIn(401, 404));
    }
}
