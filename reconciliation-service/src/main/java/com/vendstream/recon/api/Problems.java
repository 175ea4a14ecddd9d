package com.vendstream.recon.api;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** RFC 9457 problem details for the reconciliation API. */
final class Problems {

    static final String BASE = "https://vendstream.dev/problems/";

    private Problems() {
    }

    static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(BASE + type));
        pd.setTitle(title);
        return new ErrorResponseException(status, pd, null);
    }

    static ErrorResponseException invalid(String detail) {
        return of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
    }
}
