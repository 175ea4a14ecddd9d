package com.vendstream.ops.recon;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The link to reconciliation-service's HTTP API: its base URL ({@code vendstream.ops.recon.url}) and a finance
 * user's bearer token ({@code vendstream.ops.recon.token}, from the deployment's secret; reconciliation-service
 * holds only its SHA-256). Without both the recon endpoints answer 503 {@code recon-unavailable}; the rest of the
 * back office works. The token is never logged.
 */
@Configuration
class ReconOpsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ReconOpsConfiguration.class);

    @Bean
    ReconLink reconLink(@Value("${vendstream.ops.recon.url:}") String url,
                        @Value("${vendstream.ops.recon.token:}") String token,
                        @Value("${vendstream.ops.recon.timeout:PT10S}") Duration timeout) {
        if (url.isBlank() || token.isBlank()) {
            log.warn("vendstream.ops.recon.url or .token is not set: the reconciliation endpoints answer 503");
            return new ReconLink(null, timeout);
        }
        return new ReconLink(WebClient.builder().baseUrl(url)
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token).build(), timeout);
    }

    /** @param client null when not configured */
    record ReconLink(WebClient client, Duration timeout) {
    }
}
