package com.vendstream.order.api;

import com.vendstream.order.order.Rejection;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** RFC 9457 problem details for the order API; the type URI names the reason code. */
public final class Problems {

    private static final String BASE = "https://vendstream.dev/problems/";

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(BASE + type));
        pd.setTitle(title);
        return new ErrorResponseException(status, pd, null);
    }

    public static ErrorResponseException invalid(List<String> errors) {
        ErrorResponseException e = of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                String.join("; ", errors));
        e.getBody().setProperty("errors", errors);
        return e;
    }

    public static ErrorResponseException rejected(HttpStatus status, Rejection rejection, String orderId) {
        ErrorResponseException e = refused(status, rejection.reason().name(), "Order rejected", rejection.message());
        if (orderId != null) {
            e.getBody().setProperty("orderId", orderId);
        }
        return e;
    }

    /** A refusal with a reason code, which the type URI names in lower case with dashes. */
    public static ErrorResponseException refused(HttpStatus status, String reasonCode, String title, String detail) {
        ErrorResponseException e = of(status, reasonCode.toLowerCase().replace('_', '-'), title, detail);
        e.getBody().setProperty("reasonCode", reasonCode);
        return e;
    }

    public static ErrorResponseException notFound(String what) {
        return of(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " was not found");
    }
}
