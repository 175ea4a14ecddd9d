package com.vendstream.order.api;

import com.vendstream.order.order.Rejection;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** RFC 9457 problem details for the order API: service-kit's shape, with the order API's own refusals. */
public final class Problems {

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        return com.vendstream.kit.web.Problems.of(status, type, title, detail);
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
        return com.vendstream.kit.web.Problems.refused(status, reasonCode, title, detail);
    }

    public static ErrorResponseException notFound(String what) {
        return com.vendstream.kit.web.Problems.notFound(what);
    }
}
