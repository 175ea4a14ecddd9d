package com.vendstream.order.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import tools.jackson.databind.json.JsonMapper;

/** The filters' problem answers are valid JSON whatever path the client sent, with the extension members. */
class ProblemResponsesTest {

    @Test
    void aPathWithQuotesBackslashesAndControlCharactersStaysInsideItsString() {
        ErrorResponseException problem = Problems.refused(HttpStatus.TOO_MANY_REQUESTS, "RATE_LIMITED",
                "Rate limit exceeded", "At most 3 requests per PT1H");
        problem.getBody().setProperty("maxBytes", 16384L);
        String path = "/v1/\"},\"status\":200,\"x\":\"\\\u0001\u2028";

        Map<?, ?> parsed = JsonMapper.builder().build().readValue(ProblemResponses.json(problem.getBody(), path),
                Map.class);

        assertThat(parsed.get("instance")).isEqualTo(path);
        assertThat(parsed.get("status")).isEqualTo(429);
        assertThat(parsed.get("reasonCode")).isEqualTo("RATE_LIMITED");
        assertThat(parsed.get("maxBytes")).isEqualTo(16384);
        assertThat(parsed.get("type")).isEqualTo("https://vendstream.dev/problems/rate-limited");
        assertThat(parsed).hasSize(7);
    }
}
